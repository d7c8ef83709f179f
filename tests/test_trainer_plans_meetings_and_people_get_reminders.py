"""A trainer plans meetings; everyone they are for gets reminders in their own language, answers
with a button, and hears of changes. Scheduling runs on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.fakes.journeys import AMAL, NOOR, join, make_invite, plan

LINA = 300


def reminders(user) -> list:
    return [m for m in user.inbox if m.text.startswith(("Herinnering", "تذكير", "Reminder"))]


async def test_reminders_in_each_language_and_answers(bot, cohort):
    trainer, noor, amal = cohort
    saved = await plan(trainer)
    assert "Opgeslagen" in saved[-1].text
    assert "vrijdag 4 december 2026" in saved[-1].text and "10:00 tot 16:00" in saved[-1].text

    bot.clock.now = datetime(2026, 12, 3, 8, 59, tzinfo=UTC)  # 09:59 in Amsterdam
    assert await bot.tick() == 0
    bot.clock.advance(minutes=1)  # the day before at 10:00
    assert await bot.tick() == 2
    dutch = reminders(noor)[-1]
    assert "Wortels (Trainingsdag)" in dutch.text and "📍 Buurthuis De Kraal" in dutch.text
    assert [label for label, _ in dutch.buttons] == ["✅ Ik kom", "❌ Ik kan niet komen",
                                                     "🗓 Zet in mijn agenda"]
    arabic = reminders(amal)[-1]
    assert "ديسمبر" in arabic.text and "Wortels" in arabic.text
    assert await bot.tick() == 0  # queued once, never twice

    await noor.click("Ik kom", message=dutch)
    assert bot.api.callback_answers[-1]["text"].startswith("Dank je")
    await noor.click("Ik kom", message=dutch)  # a double tap records one answer
    assert "al gezegd" in bot.api.callback_answers[-1]["text"]
    await amal.click("❌", message=arabic)
    await amal.click(2)  # an appointment with the benefits agency
    assert await bot.rows("SELECT p.telegram_id, r.answer, r.reason FROM rsvp r JOIN person p"
                          " ON p.id = r.person_id ORDER BY p.telegram_id") == [
        (NOOR, "yes", None), (AMAL, "no", "benefits")]
    await bot.deliver()
    notice = trainer.last.text
    assert notice.startswith("Amal kan niet komen: Afspraak met het UWV of de sociale dienst.")
    listed = (await trainer.send("/events"))[-1].text  # the planner sees the count
    assert "🙋 Antwoorden voor 4 december: ✅ 1 · ❌ 1 · 👥 2" in listed

    bot.clock.now = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)  # two hours before, 08:00 local
    assert await bot.tick() == 1  # Amal said she cannot come: no second reminder for her
    assert len(reminders(noor)) == 2 and len(reminders(amal)) == 1


async def test_restart_between_planning_and_reminder(bot, cohort):
    trainer, noor, _amal = cohort
    await plan(trainer)
    await bot.crash_and_restart()
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert await bot.tick() == 2
    await bot.crash_and_restart()
    assert await bot.tick() == 0
    assert len(reminders(noor)) == 1


async def test_reminder_due_while_down_is_sent_late_once_or_dropped(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer)
    bot.clock.now = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)  # down from 10:00 until 21:00
    assert await bot.tick() == 2
    assert len(reminders(noor)) == 1
    bot.clock.now = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)  # event began at 09:00 UTC
    assert await bot.tick() == 0  # the two-hours-before reminder is dropped, not sent late
    assert await bot.rows("SELECT status FROM reminder ORDER BY remind_at") == [
        ("queued",), ("skipped",)]


@pytest.mark.parametrize(("today", "first", "later", "label"), [
    (datetime(2027, 3, 20, 9, 0, tzinfo=UTC), "24-3", datetime(2027, 3, 30, 9, 0, tzinfo=UTC),
     "March"),
    (datetime(2026, 10, 17, 9, 0, tzinfo=UTC), "21-10", datetime(2026, 10, 27, 9, 0, tzinfo=UTC),
     "October"),
])
async def test_weekly_consultation_hour_across_summer_time(bot, cohort, today, first, later,
                                                           label):
    trainer, noor, _ = cohort
    bot.clock.now = today
    await plan(trainer, kind="Spreekuur", title="Inloopspreekuur", day=first, at="14:00",
               hours="1 uur", audience="Iedereen", repeat="Elke week")
    bot.clock.now = later  # the day before the second occurrence, after the clocks changed
    bot.clock.advance(hours=1)
    await bot.tick()
    text = reminders(noor)[-1].text
    assert "14:00 tot 15:00" in text, (label, text)


async def test_cancel_announces_and_later_answers_are_refused(bot, cohort):
    trainer, noor, amal = cohort
    await plan(trainer)
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    await bot.tick()
    reminder = reminders(noor)[-1]
    listed = (await trainer.send("/events"))[-1].text  # the answers so far, in numbers
    assert "🙋 Antwoorden voor 4 december: ✅ 0 · ❌ 0 · 👥 2" in listed
    asked = await trainer.click("Afzeggen 1")  # a question first, with a way back
    assert asked[-1].text.startswith('"Wortels (Trainingsdag)" afzeggen voor iedereen?')
    await trainer.click("Nee, bewaren")
    assert await bot.rows("SELECT cancelled_at IS NULL FROM event") == [(1,)]
    await trainer.send("/events")
    await trainer.click("Afzeggen 1")
    done = await trainer.click("Ja, zeg het af")
    assert done[-1].text.startswith("Afgezegd.")
    await bot.deliver()
    assert noor.last.text.startswith("Afgelast")
    assert "العربية" not in amal.last.text and amal.last.text.startswith("أُلغي")
    await noor.click("Ik kom", message=reminder)
    assert "afgelast" in bot.api.callback_answers[-1]["text"]
    bot.clock.now = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
    assert await bot.tick() == 0


async def test_move_tells_who_was_reminded_with_fresh_buttons(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer)
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    await bot.tick()
    await trainer.send("/events")
    await trainer.click("Verplaats 1")
    await trainer.send("11-12")
    replies = await trainer.send("13:00")
    assert "Verplaatst" in replies[-1].text
    await bot.deliver()
    assert noor.last.text.startswith("Gewijzigd")
    assert "vrijdag 11 december 2026" in noor.last.text and "13:00 tot 19:00" in noor.last.text
    bot.clock.now = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    assert await bot.tick() == 2  # reminders were planned anew for the new date


async def test_wrong_answers_in_the_planning_flow_keep_what_was_entered(bot, cohort):
    trainer, _, _ = cohort
    await trainer.send("/event")
    await trainer.click("Terugkomdag")
    await trainer.send("🙂")
    assert "letters" in trainer.inbox[-2].text
    await trainer.send("Terugkomdag 1")
    replies = await trainer.send("31-2")
    assert "kon die datum niet lezen" in replies[0].text
    replies = await trainer.send("1-1-2020")
    assert "vandaag tot een jaar" in replies[0].text
    await trainer.send("8 december")
    await bot.crash_and_restart()
    replies = await trainer.send("25:99")
    assert "kon die tijd niet lezen" in replies[0].text
    await trainer.send("9:30")
    await trainer.send("drie uur")  # text where a button is expected
    assert trainer.last.text == "Hoe lang duurt het?"
    await trainer.click("3 uur")
    await trainer.click("Nog geen plek")
    await trainer.click("Alle kwartiermakers")
    await trainer.click("Eén keer")
    await trainer.click("Twee uur van tevoren")  # switch one reminder off
    replies = await trainer.click("Opslaan")
    assert "Terugkomdag 1" in replies[-1].text and "dinsdag 8 december 2026" in replies[-1].text
    assert await bot.rows("SELECT count(*) FROM reminder") == [(1,)]


async def test_organiser_plans_table_sessions_for_their_circle_only(bot, cohort):
    _, noor, _ = cohort
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    other = bot.user(301, "Sam")
    await join(other, await make_invite(cohort[2]))  # Amal's circle
    await plan(noor, kind=None, title="Naaiatelier", day="maandag", at="19:00",
               hours="2 uur", place="Bij Noor", audience="De bewoners uit mijn kring")
    bot.clock.now = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    assert await bot.tick() == 1
    assert "Naaiatelier (Buurttafel)" in reminders(lina)[-1].text
    assert reminders(other) == []
    # A forged button for a trainer's kind of meeting is not accepted.
    await noor.send("/event")
    await noor.tap("ev:kind:training", noor.last)
    assert await bot.rows("SELECT count(*) FROM event WHERE kind = 'training'") == [(0,)]
    await lina.send("/event")
    assert "Dit kan niet in jouw rol" in lina.last.text


async def test_agenda_and_calendar_file(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer)
    replies = await noor.send("/agenda")
    assert "Wortels" in replies[-1].text and "vrijdag 4 december 2026" in replies[-1].text
    replies = await noor.click("Agendabestand 1")
    ics = replies[-1]
    assert ics.kind == "document" and ics.file_name == "samenbot.ics"
    assert b"DTSTART:20261204T090000Z" in ics.file_bytes
    assert b"LOCATION:Buurthuis De Kraal" in ics.file_bytes
    visitor = bot.user(999, "Vi")
    await visitor.tap(ics_data := noor.last_with_buttons().buttons[0][1],
                      noor.last_with_buttons())
    assert ics_data.startswith("ics:")
    assert bot.api.callback_answers[-1].get("show_alert") is True


async def test_skip_one_date_of_the_weekly_consultation_hour(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer, kind="Spreekuur", title="Inloopspreekuur", day="woensdag", at="14:00",
               hours="1 uur", audience="Iedereen", repeat="Elke week")
    bot.clock.now = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # day before the 2nd, 10:00 local
    await bot.tick()
    assert "woensdag 9 december 2026" in reminders(noor)[-1].text
    await trainer.send("/events")
    await trainer.click("Sla een datum over van 1")
    await trainer.click("9 december 2026")
    assert "Klaar: die datum vervalt" in trainer.last.text
    await bot.deliver()
    assert noor.last.text.startswith("Afgelast") and "9 december" in noor.last.text
    bot.clock.now = datetime(2026, 12, 9, 11, 0, tzinfo=UTC)  # two hours before: nothing
    assert await bot.tick() == 0
    bot.clock.now = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)  # the week after goes on
    assert await bot.tick() == 4  # everyone: admin, trainer, Noor, Amal
    replies = await noor.send("/agenda")
    assert "9 december" not in replies[-1].text and "16 december" in replies[-1].text


async def test_trainer_addresses_one_kwartiermakers_circle(bot, cohort):
    trainer, noor, amal = cohort
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    sam = bot.user(301, "Sam")
    await join(sam, await make_invite(amal))
    await trainer.send("/event")
    await trainer.click("Conferentie")
    for answer in ("Slotconferentie", "vrijdag", "10:00"):
        await trainer.send(answer)
    await trainer.click("6 uur")
    await trainer.click("Nog geen plek")
    await trainer.click("De bewoners van één kwartiermaker")
    await trainer.tap("ev:own:1", trainer.last)  # the admin is no kwartiermaker: asked again
    assert trainer.last.text == "Wiens kring?"
    await trainer.click("Noor")
    await trainer.click("Eén keer")
    await trainer.click("Opslaan")
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert await bot.tick() == 1
    assert "Slotconferentie" in reminders(lina)[-1].text and reminders(sam) == []


async def test_hand_picked_list_and_forged_picks(bot, cohort):
    trainer, noor, amal = cohort
    await trainer.send("/event")
    await trainer.click("Klankbordgroep")
    await trainer.send("Klankbord 5")
    await trainer.send("vrijdag")
    await trainer.send("14:00")
    await trainer.click("2 uur")
    await trainer.send("Stadsdeelkantoor")
    await trainer.click("Mensen die ik kies")
    await trainer.click("Klaar met kiezen")  # nobody picked yet
    assert "Kies minstens één persoon" in trainer.inbox[-2].text
    await trainer.click("▫️ Amal")
    await trainer.tap("ev:pk:1", trainer.last_with_buttons())  # the admin: not pickable
    await trainer.click("Klaar met kiezen")
    await trainer.click("Eén keer")
    replies = await trainer.click("Opslaan")
    assert "Opgeslagen" in replies[-1].text
    assert await bot.rows("SELECT p.telegram_id FROM event_member m JOIN person p"
                          " ON p.id = m.person_id") == [(AMAL,)]
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert await bot.tick() == 1
    assert reminders(amal) and not reminders(noor)
