"""Who sees residents by name: the resident themselves and their own kwartiermaker. Trainers
and admins see residents in numbers; other kwartiermakers and other residents not at all.
Every view that shows people is walked by every role, and every message each one got is read."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.fakes.journeys import join, make_invite, plan

LINA, SAM = 300, 301
SECRET_WORDS = "schuld bij de woningcorporatie"


def seen(user) -> str:
    """Every text and every button label this person was shown."""
    return "\n".join(m.text + " " + " ".join(label for label, _ in m.buttons)
                     for m in user.inbox)


async def views(user) -> None:
    for command in ("/help", "/circle", "/matches", "/overview", "/table", "/payments",
                    "/members", "/certify", "/vouchers", "/events", "/agenda", "/refer",
                    "/entered", "/invites", "/find", "/mine"):
        await user.send(command)


async def test_only_the_resident_and_their_kwartiermaker_see_her_name(bot, cohort, admin):
    trainer, noor, amal = cohort
    lina, sam = bot.user(LINA, "Lina"), bot.user(SAM, "Sam")
    await join(lina, await make_invite(noor))
    await join(sam, await make_invite(amal))
    await lina.send("/share")
    await lina.click("💶 Geld en schulden")
    await lina.click("Volgende")
    await lina.send(SECRET_WORDS)
    await lina.click("Nu even niets")
    await lina.click("Nu niet")
    await lina.click("Opslaan")
    await plan(trainer, audience="Iedereen")
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    await bot.tick()
    await lina.click("kan niet", message=lina.last_with_buttons())
    await lina.click("Afspraak")  # an appointment with the benefits agency
    bot.api.blocked.add(SAM)  # a resident who blocked the bot: counted in the report
    await trainer.send("/broadcast")
    await trainer.send("Nieuws")
    await trainer.click("Iedereen")
    await trainer.click("Verstuur nu")
    await bot.tick()
    bot.clock.now = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)  # after the training day
    await trainer.send("/attendance")
    await trainer.click(1)
    for user in (trainer, admin, noor, amal, sam):
        await views(user)

    for outsider in (trainer, admin, amal, sam):
        assert "Lina" not in seen(outsider), outsider.first_name
        assert SECRET_WORDS not in seen(outsider), outsider.first_name
    assert "1 bewoner" in seen(trainer)  # the broadcast report counts her, without a name
    assert "Lina" in seen(noor) and SECRET_WORDS in seen(noor)  # her own kwartiermaker
    assert any("Lina" in m.text and "UWV" in m.text for m in noor.inbox)  # why she is away
