"""A resident or kwartiermaker asks for an individual talk ("what am I running into?"); every
trainer hears of it in their language, one proposes a time at the consultation hour, the
requester accepts or asks for another time, and both get the reminder. Buttons are checked
on the server; the request goes with the person on /forget."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.access import AccessDenied
from bot.services import consultations, membership
from bot.services.consultations import AlreadyAsked, TalkGone
from bot.simulator import SentMessage
from tests.fakes.journeys import NOOR, join, make_invite, plan
from tests.test_erasure_leaves_nothing import everything, forget

LINA, OMAR, SAM = 300, 301, 302
WORRY = "لا أستطيع دفع الإيجار هذا الشهر"  # "I cannot pay the rent this month"
ARABIC = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def arabic(text: str) -> bool:
    return any(ch in ARABIC for ch in text)


def button(message: SentMessage, prefix: str) -> str:
    return next(data for _, data in message.buttons if data.startswith(prefix))


def with_button(user, prefix: str) -> SentMessage:
    return next(m for m in reversed(user.inbox) if any(d.startswith(prefix)
                                                       for _, d in m.buttons))


async def consultation_hour(trainer) -> None:
    """The weekly consultation hour: Tuesdays 14:00 to 15:00, from 1 December 2026."""
    await plan(trainer, kind="Spreekuur", title="Inloopspreekuur", day="dinsdag", at="14:00",
               hours="1 uur", audience="Iedereen", repeat="Elke week")


def talk_reminders(user) -> list[SentMessage]:
    return [m for m in user.inbox if m.text.startswith(("Herinnering", "تذكير"))
            and "💬" in m.text]


async def test_an_arabic_resident_asks_the_dutch_trainer_proposes_both_are_reminded(
        bot, cohort, admin):
    trainer, noor, amal = cohort
    await consultation_hour(trainer)
    lina = bot.user(LINA, "Lina", language_code="ar")
    await join(lina, await make_invite(amal), "العربية")

    help_text = (await lina.send("/help"))[-1]
    assert "/talk" in help_text.text
    asked = await lina.tap(button(help_text, "ct:ask"), help_text)  # the button under /help
    assert arabic(asked[-1].text) and "trainer" not in asked[-1].text.lower()
    sent = await lina.send(WORRY)
    assert arabic(sent[-1].text) and "Verstuurd" not in sent[-1].text
    await bot.deliver()

    notice = trainer.last
    assert notice.text.startswith("💬 Lina (Bewoner) vraagt om een gesprek.")
    assert WORRY in notice.text and "Alleen trainers zien dit." in notice.text
    for other in (noor, amal, admin):  # kwartiermakers never see it; trainers exist
        assert not any(WORRY in m.text for m in other.inbox), other.first_name

    choices = await trainer.click("Stel een tijd voor", message=notice)
    assert "Een gesprek met Lina." in choices[-1].text
    assert [label for label, _ in choices[-1].buttons][:2] == ["🕒 di 1 dec, 14:00",
                                                               "🕒 di 8 dec, 14:00"]
    proposed = await trainer.click("di 1 dec")
    assert "Verstuurd naar Lina" in proposed[-1].text and "14:00 tot 14:30" in proposed[-1].text
    await bot.deliver()

    proposal = lina.last
    assert arabic(proposal.text) and "ديسمبر" in proposal.text and "14:00" in proposal.text
    assert "Tessa" in proposal.text and "📍 Buurthuis De Kraal" in proposal.text
    agreed = await lina.tap(button(proposal, "ct:ok"), proposal)
    assert arabic(agreed[-1].text) and "14:30" in agreed[-1].text
    await bot.deliver()
    assert trainer.last.text.startswith("✅ Lina zegt ja tegen het gesprek:")
    assert "dinsdag 1 december 2026, 14:00 tot 14:30" in trainer.last.text
    agenda = await lina.send("/agenda")
    assert any("💬 Lina" in m.text for m in agenda)
    await noor.send("/talk")  # the agreed talk is not offered as a consultation hour
    await noor.click("Overslaan")
    await bot.deliver()
    offered = await trainer.click("Stel een tijd voor", message=trainer.last)
    assert [label for label, _ in offered[-1].buttons] == [
        "🕒 di 1 dec, 14:00", "🕒 di 8 dec, 14:00", "🕒 di 15 dec, 14:00", "🕒 di 22 dec, 14:00",
        "📅 Een andere dag en tijd", "Annuleren"]
    await trainer.click("Annuleren")

    bot.clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # the day before, 10:00
    await bot.tick()
    assert len(talk_reminders(lina)) == 1 and len(talk_reminders(trainer)) == 1
    assert arabic(talk_reminders(lina)[0].text)
    assert "💬 Lina" in talk_reminders(trainer)[0].text
    assert "Buurthuis De Kraal" in talk_reminders(trainer)[0].text
    assert talk_reminders(noor) == [] and talk_reminders(amal) == []  # just the two of them
    bot.clock.now = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)  # two hours before
    await bot.tick()
    assert len(talk_reminders(lina)) == 2 and len(talk_reminders(trainer)) == 2
    # She cannot come after all: the trainer she would meet hears it, not her kwartiermaker.
    reminder = talk_reminders(lina)[-1]
    await lina.tap(next(d for _, d in reminder.buttons if d.startswith("rv:n:")), reminder)
    await lina.tap(next(d for _, d in lina.last.buttons if d.endswith(":ill")), lina.last)
    await bot.deliver()
    assert trainer.last.text.startswith("Lina kan niet komen")
    assert not any("kan niet komen" in m.text for m in amal.inbox)


async def test_another_time_goes_back_to_the_trainer_and_old_buttons_go_stale(bot, cohort):
    trainer, noor, _ = cohort
    await consultation_hour(trainer)
    omar = bot.user(OMAR, "Omar")
    await join(omar, await make_invite(noor))
    await omar.send("/talk")
    sent = await omar.click("Overslaan")
    assert sent[-1].text.startswith("Verstuurd naar de trainers.")
    again = await omar.send("/talk")  # one request at a time: it says where it stands
    assert again[-1].text.startswith("💬 Je hebt een gesprek gevraagd.")
    await bot.deliver()
    assert "Er staat niet bij waar het over gaat." in trainer.last.text

    await trainer.click("Stel een tijd voor", message=trainer.last)
    await trainer.click("di 1 dec")
    await bot.deliver()
    first = omar.last
    old_yes = button(first, "ct:ok")
    replies = await omar.click("Een andere keer", message=first)
    assert replies[-1].text.startswith("Goed. De trainer stelt een andere tijd voor.")
    await bot.deliver()
    assert trainer.last.text == "🔁 Omar wil graag een andere tijd voor het gesprek."

    await omar.tap(old_yes, first)  # the old proposal's button: refused, nothing agreed
    assert bot.api.callback_answers[-1]["text"] == ("Die knop werkt niet meer, of is al "
                                                    "gebruikt.")
    await trainer.click("Stel een andere tijd voor", message=trainer.last)
    await bot.crash_and_restart()  # nothing is lost between two steps
    await trainer.click("Een andere dag en tijd")
    await trainer.send("8-12")
    replies = await trainer.send("15:30")
    assert "dinsdag 8 december 2026, 15:30 tot 16:00" in replies[-1].text
    await bot.deliver()
    second = omar.last
    assert "15:30" in second.text and first.text != second.text
    await omar.tap(old_yes, first)  # still stale: a newer proposal is the one waiting
    assert bot.api.callback_answers[-1]["text"].startswith("Die knop werkt niet meer")
    assert await bot.rows("SELECT status, round FROM consultation") == [("proposed", 2)]
    omar_asks = bot.request(await membership.identify(bot.request(), OMAR))
    with pytest.raises(AlreadyAsked):  # one request at a time, whatever the buttons say
        await consultations.ask(omar_asks, text="nog een")
    with pytest.raises(AccessDenied):  # trainers propose; they do not ask
        await consultations.ask(bot.request(await membership.identify(bot.request(),
                                                                      trainer.user_id)))

    sam = bot.user(SAM, "Sam")
    await join(sam, await make_invite(noor))
    await sam.tap(button(second, "ct:ok"), second)  # another resident forges the accept
    assert bot.api.callback_answers[-1]["text"] == "Deze knop is niet voor jou."
    await trainer.tap(button(second, "ct:ok"), second)
    assert "Dit kan niet in jouw rol" in bot.api.callback_answers[-1]["text"]
    await sam.tap("ct:pr:1", second)  # only trainers propose
    assert "Dit kan niet in jouw rol" in bot.api.callback_answers[-1]["text"]
    assert await bot.rows("SELECT status FROM consultation") == [("proposed",)]

    await omar.click("Dat komt me uit", message=second)
    assert await bot.rows("SELECT status FROM consultation") == [("agreed",)]
    bot.clock.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    await bot.tick()
    assert len(talk_reminders(omar)) == 1 and "15:30" in talk_reminders(omar)[0].text

    status = (await omar.send("/talk"))[-1]  # he no longer needs it
    assert status.text.startswith("💬 Je gesprek met Tessa is afgesproken:")
    done = await omar.click("Ik heb het gesprek niet meer nodig", message=status)
    assert done[-1].text.startswith("Ingetrokken.")
    await bot.deliver()
    assert trainer.last.text == "✖️ Omar heeft het gesprek niet meer nodig."
    bot.clock.now = datetime(2026, 12, 8, 12, 30, tzinfo=UTC)  # two hours before
    await bot.tick()
    assert len(talk_reminders(omar)) == 1 and len(talk_reminders(trainer)) == 1
    assert "Er zijn nu geen aanvragen" in (await trainer.send("/talks"))[-1].text


async def test_only_the_right_roles_and_a_trainer_sees_the_list(bot, cohort):
    trainer, noor, _ = cohort
    omar = bot.user(OMAR, "Omar")
    await join(omar, await make_invite(noor))
    assert "Dit kan niet in jouw rol" in (await trainer.send("/talk"))[-1].text
    assert "Dit kan niet in jouw rol" in (await omar.send("/talks"))[-1].text
    assert "ct:ask" not in " ".join(d for _, d in (await trainer.send("/help"))[-1].buttons)

    await noor.send("/talk")  # a kwartiermaker may ask too
    await noor.send_voice(duration=12)
    await bot.deliver()
    assert trainer.last.kind == "voice" and "Noor (Kwartiermaker)" in trainer.last.text
    listed = (await trainer.send("/talks"))[-1]
    assert "Noor (Kwartiermaker)" in listed.text and "🎤" in listed.text
    assert "⏳ Wacht op een tijd." in listed.text
    heard = await trainer.click("🎧 1", message=listed)
    assert heard[-1].kind == "voice"
    await omar.tap(button(listed, "ct:v"), listed)
    assert "Dit kan niet in jouw rol" in bot.api.callback_answers[-1]["text"]

    await trainer.click("🗓 1", message=listed)  # no consultation hour planned: type a day
    assert "geen spreekuur gepland" in trainer.last.text
    await trainer.send("vrijdag")
    await trainer.click("10:00")
    await bot.deliver()
    assert "vrijdag 4 december 2026, 10:00 tot 10:30" in noor.last.text


async def test_the_request_and_its_talk_go_with_the_person(bot, cohort):
    trainer, noor, _ = cohort
    await consultation_hour(trainer)
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await lina.send("/talk")
    await lina.send("Ik loop vast met de huurtoeslag")
    await bot.deliver()
    await trainer.click("Stel een tijd voor", message=trainer.last)
    await trainer.click("di 1 dec")
    await bot.deliver()
    await lina.click("Een andere keer", message=lina.last)
    await bot.deliver()
    await trainer.click("Stel een andere tijd voor", message=trainer.last)
    await trainer.click("di 8 dec")
    await bot.deliver()
    await lina.click("Dat komt me uit", message=lina.last)
    await lina.click("niet meer nodig", message=(await lina.send("/talk"))[-1])
    await lina.send("/talk")  # she asks again, this time by voice
    await lina.send_voice(duration=20)
    await bot.deliver()
    await trainer.click("Stel een tijd voor", message=trainer.last)
    await trainer.click("di 1 dec")
    await bot.deliver()
    await lina.click("Dat komt me uit", message=lina.last)
    bot.clock.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    await bot.tick()
    assert len(talk_reminders(trainer)) == 1

    mydata = await lina.send("/mydata")
    assert "💬 Gesprekken die je aanvroeg: 2" in mydata[0].text
    first, second = json.loads(mydata[-1].file_bytes)["talks_requested"]
    assert first["text"] == "Ik loop vast met de huurtoeslag" and first["status"] == "withdrawn"
    assert second["voice_file_id"] == lina.last_voice_file_id and second["status"] == "agreed"
    trainers_file = json.dumps(json.loads((await trainer.send("/mydata"))[-1].file_bytes),
                               ensure_ascii=False)
    assert "huurtoeslag" not in trainers_file and "Lina" not in trainers_file  # hers, not his
    traces = ("huurtoeslag", "Lina", lina.last_voice_file_id)
    before = await everything(bot)
    assert all(trace in before for trace in traces)

    await forget(lina)
    await bot.tick()
    after = await everything(bot)
    assert [trace for trace in traces if trace in after] == [], [
        line for line in after.splitlines() if any(trace in line for trace in traces)][:5]
    assert await bot.rows("SELECT count(*) FROM consultation") == [(0,)]
    assert "Er zijn nu geen aanvragen" in (await trainer.send("/talks"))[-1].text
    bot.clock.now = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    await bot.tick()
    assert len(talk_reminders(trainer)) == 1  # the talk is gone from the trainer's plan too


async def test_times_that_passed_forged_slots_and_an_erased_trainer(bot, cohort, admin):
    trainer, noor, _ = cohort
    await consultation_hour(trainer)
    omar = bot.user(OMAR, "Omar")
    await join(omar, await make_invite(noor))
    await omar.send("/talk")
    await omar.send("Over mijn buren")
    await bot.deliver()
    await trainer.tap("ct:pr:999", trainer.last)  # no such request
    assert bot.api.callback_answers[-1]["text"] == ("Die knop werkt niet meer, of is al "
                                                    "gebruikt.")
    await trainer.click("Stel een tijd voor", message=trainer.last)
    await trainer.click("Een andere dag en tijd")
    await trainer.click(1)  # today, Sunday 29 November
    replies = await trainer.send("9:00")  # already over: the day is asked again
    assert replies[0].text == "Dat moment is al voorbij."
    await trainer.send("morgen")
    await trainer.send("11:00")
    await bot.deliver()
    proposal = omar.last
    assert "maandag 30 november 2026, 11:00" in proposal.text

    bot.clock.now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # he answers too late
    await omar.click("Dat komt me uit", message=proposal)
    assert bot.api.callback_answers[-1]["text"].startswith("Die tijd is al voorbij.")
    await omar.click("Een andere keer", message=proposal)  # still possible
    await bot.deliver()
    assert trainer.last.text.startswith("🔁 Omar")

    request = bot.request(await membership.identify(bot.request(), trainer.user_id))
    with pytest.raises(TalkGone):  # a moment that is no date of the consultation hour
        await consultations.propose(request, 1, datetime(2026, 12, 1, 14, 30, tzinfo=UTC),
                                    at_slot=True)
    await trainer.click("Stel een andere tijd voor", message=trainer.last)
    await trainer.click("di 1 dec")
    await bot.deliver()
    proposal = omar.last
    await forget(trainer)  # the trainer leaves before Omar answered: the request is open again
    await omar.click("Dat komt me uit", message=proposal)
    assert bot.api.callback_answers[-1]["text"] == ("Die knop werkt niet meer, of is al "
                                                    "gebruikt.")
    listed = (await admin.send("/talks"))[-1]
    assert "Omar (Bewoner)" in listed.text and "⏳ Wacht op een tijd." in listed.text


async def test_without_trainers_the_admin_hears_of_a_request(bot, admin):
    await join(admin)
    noor = bot.user(NOOR, "Noor")
    await join(noor, await make_invite(admin, "Kwartiermaker"))
    await noor.send("/talk")
    await noor.click("Overslaan")
    await bot.deliver()
    assert admin.last.text.startswith("💬 Noor (Kwartiermaker) vraagt om een gesprek.")
    told = len(admin.inbox)
    bot.with_settings(admin_ids=frozenset())  # no longer an admin: no longer told
    await bot.restart()
    await noor.click("Ik heb het gesprek niet meer nodig", message=(await noor.send("/talk"))[-1])
    await noor.send("/talk")
    await noor.click("Overslaan")
    await bot.deliver()
    assert len(admin.inbox) == told
