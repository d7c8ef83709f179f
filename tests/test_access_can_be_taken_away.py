"""Trainers and admins can pause a member's access or change their role, with an audit line;
an invite works only while its maker may still hand out its role."""

from __future__ import annotations

from tests.fakes.journeys import NOOR, TRAINER, join, make_invite

PAUSED = "Je toegang is gepauzeerd"


async def test_a_trainer_pauses_a_kwartiermaker_and_gives_access_back(bot, cohort):
    trainer, noor, _ = cohort
    link = await make_invite(noor)  # made before the pause
    await trainer.send("/members")
    await trainer.click("Noor")
    assert "De toegang van Noor is gepauzeerd" in trainer.last.text
    assert PAUSED in (await noor.send("/circle"))[-1].text
    assert (await noor.send("/mydata"))[-1].kind == "document"  # her data stays hers
    visitor = bot.user(900, "Vi")
    assert "ingetrokken" in (await visitor.send(f"/start {link}"))[-1].text
    assert await bot.rows("SELECT action FROM audit_log WHERE action LIKE 'person.%'"
                          " ORDER BY id DESC LIMIT 1") == [("person.pause",)]
    await trainer.send("/members")
    await trainer.click("▶️ Noor")
    assert "nog niets gedeeld" in (await noor.send("/circle"))[-1].text


async def test_a_trainer_cannot_pause_another_trainer_even_by_a_forged_button(bot, cohort, admin):
    trainer, _, _ = cohort
    other = bot.user(151, "Tom")
    await join(other, await make_invite(admin, "Trainer"))
    await trainer.send("/members")
    assert all("Tom" not in label for label, _ in trainer.last.buttons)
    tom_id = (await bot.rows("SELECT id FROM person WHERE telegram_id = 151"))[0][0]
    await trainer.tap(f"mb:off:{tom_id}", trainer.last)
    assert bot.api.callback_answers[-1].get("show_alert") is True
    assert await bot.rows("SELECT active FROM person WHERE telegram_id = 151") == [(1,)]


async def test_an_admin_makes_a_kwartiermaker_a_trainer(bot, cohort, admin):
    _, noor, _ = cohort
    await admin.send("/members")
    await admin.click("Maak Noor Trainer")
    assert "Noor is nu: Trainer." in admin.last.text
    await noor.send("/broadcast")  # what a trainer may do
    assert bot.app.user_data[NOOR]["flow"] == "broadcast"
    assert await bot.rows("SELECT role FROM person WHERE telegram_id = ?", NOOR) == [
        ("trainer",)]


async def test_an_invite_stops_working_when_its_maker_may_no_longer_grant(bot, admin):
    await join(admin)
    link = await make_invite(admin, "Trainer")
    bot.with_settings(admin_ids=frozenset())  # the admin is removed from SAMEN_ADMIN_IDS
    await bot.restart()
    someone = bot.user(TRAINER, "Tessa")
    assert "ingetrokken" in (await someone.send(f"/start {link}"))[-1].text
    assert await bot.rows("SELECT count(*) FROM person WHERE telegram_id = ?", TRAINER) == [
        (0,)]
