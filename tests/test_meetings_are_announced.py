"""Planning a meeting tells its people at once, in their own languages, with the answer buttons;
a weekly meeting is one entry in /agenda and one repeating entry in the calendar file."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.fakes.journeys import join, make_invite, plan

LINA = 300


def told(user, words: str) -> list:
    return [m for m in user.inbox if words in m.text]


async def test_a_meeting_is_announced_in_three_languages_and_answered_from_there(bot, cohort):
    trainer, noor, amal = cohort
    lina = bot.user(LINA, "Lina", language_code="tr")
    await join(lina, await make_invite(noor), "Türkçe")
    saved = await plan(trainer, audience="Iedereen")
    assert saved[-1].text.startswith("Opgeslagen. 4 mensen horen het nu")  # the admin too
    await bot.crash_and_restart()  # planned means told, even if the bot dies right after
    await bot.deliver()

    dutch = told(noor, "Tessa nodigt je uit voor een bijeenkomst.")
    arabic = told(amal, "دعوة إلى لقاء من Tessa")
    turkish = told(lina, "Tessa sizi bir buluşmaya davet ediyor.")
    assert len(dutch) == len(arabic) == len(turkish) == 1  # each once, none twice
    assert "vrijdag 4 december 2026" in dutch[0].text and "📍 Buurthuis De Kraal" in dutch[0].text
    assert "ديسمبر" in arabic[0].text and "Aralık" in turkish[0].text
    assert [label for label, _ in dutch[0].buttons] == ["✅ Ik kom", "❌ Ik kan niet komen",
                                                        "🗓 Zet in mijn agenda"]
    assert told(trainer, "nodigt je uit voor een bijeenkomst") == []  # not the one who planned

    await lina.click("✅", message=turkish[0])
    assert await bot.rows("SELECT p.telegram_id, r.answer FROM rsvp r JOIN person p"
                          " ON p.id = r.person_id") == [(LINA, "yes")]


async def test_a_reminder_already_due_is_folded_into_the_announcement(bot, cohort):
    trainer, noor, _ = cohort
    bot.clock.now = datetime(2026, 12, 4, 13, 27, tzinfo=UTC)  # Friday 14:27 in Amsterdam
    await trainer.send("/event")
    await trainer.click("Trainingsdag")
    for answer in ("Koffie", "vrijdag", "16:00"):
        await trainer.send(answer)
    await trainer.click("1 uur")
    await trainer.send("Buurthuis De Kraal")
    await trainer.click("Alle kwartiermakers")
    summary = (await trainer.click("Eén keer"))[-1]
    # The summary says so, instead of a tick for a reminder that would never go out.
    assert "⏭ De dag ervoor om 10:00: al voorbij. De aankondiging gaat nu." in summary.text
    assert "⏭ Twee uur van tevoren: al voorbij." in summary.text
    assert not any("De dag ervoor" in label for label, _ in summary.buttons)
    saved = await trainer.click("Opslaan")
    assert "Opgeslagen. 2 mensen horen het nu" in saved[-1].text
    # The day before at 10:00 and two hours before (14:00) have both passed: no reminder row,
    # the announcement is what tells them.
    assert await bot.rows("SELECT count(*) FROM reminder") == [(0,)]
    await bot.deliver()
    assert len(told(noor, "Koffie")) == 1
    bot.clock.advance(hours=1)
    assert await bot.tick() == 0
    assert len(told(noor, "Koffie")) == 1


async def test_nobody_else_in_the_group_is_said_plainly(bot, cohort):
    _, noor, _ = cohort
    saved = await plan(noor, kind=None, title="Naaiatelier", day="maandag", at="19:00",
                       hours="2 uur", place="Bij Noor", audience="De bewoners uit mijn kring")
    assert saved[-1].text.startswith("Opgeslagen. Er zit nog niemand anders in deze groep.")


async def test_a_weekly_meeting_is_one_series_in_the_agenda_and_the_calendar(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer, kind="Spreekuur", title="Inloopspreekuur", day="woensdag", at="14:00",
               hours="1 uur", audience="Iedereen", repeat="Elke week")
    await bot.deliver()
    announced = told(noor, "Inloopspreekuur")
    assert len(announced) == 1 and "🔁 Elke week op woensdag." in announced[0].text
    await trainer.send("/events")
    await trainer.click("Sla een datum over van 1")
    await trainer.click("9 december 2026")

    agenda = (await noor.send("/agenda"))[-1]
    assert agenda.text.count("Inloopspreekuur") == 1  # one entry, not one per week
    assert "woensdag 2 december 2026" in agenda.text
    assert "🔁 Elke week op woensdag." in agenda.text and "⏸ Niet op 9 december." in agenda.text
    assert [label for label, _ in agenda.buttons] == ["🗓 Agendabestand 1",
                                                      "💬 Vraag een gesprek aan"]

    ics = (await noor.click("Agendabestand 1"))[-1].file_bytes
    assert ics.count(b"BEGIN:VEVENT") == 1
    assert b"RRULE:FREQ=WEEKLY" in ics
    assert b"DTSTART;TZID=Europe/Amsterdam:20261202T140000" in ics
    assert b"EXDATE;TZID=Europe/Amsterdam:20261209T140000" in ics
    assert b"BEGIN:VTIMEZONE" in ics  # the phone keeps 14:00 across summer time


async def test_a_one_off_meeting_keeps_a_one_date_calendar_file(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer)
    ics = (await noor.click("Agendabestand 1", message=(await noor.send("/agenda"))[-1]))
    assert b"RRULE" not in ics[-1].file_bytes
    assert b"DTSTART:20261204T090000Z" in ics[-1].file_bytes


async def test_who_heard_of_a_meeting_hears_it_is_cancelled_before_any_reminder(bot, cohort):
    trainer, noor, amal = cohort
    await plan(trainer)
    await bot.deliver()
    await trainer.send("/events")
    await trainer.click("Afzeggen 1")  # no reminder has gone out yet
    await trainer.click("Ja, zeg het af")
    await bot.deliver()
    assert noor.last.text.startswith("Afgelast") and amal.last.text.startswith("أُلغي")


async def test_a_meeting_named_after_its_kind_reads_in_each_language(bot, cohort):
    trainer, noor, amal = cohort
    await trainer.send("/event")
    await trainer.click("Trainingsdag")
    asked = await trainer.click("Trainingsdag")  # "or use 'Trainingsdag'" as the title
    assert "Welke dag" in asked[-1].text
    for answer in ("vrijdag", "10:00"):
        await trainer.send(answer)
    await trainer.click("6 uur")
    await trainer.click("Nog geen plek")
    await trainer.click("Alle kwartiermakers")
    await trainer.click("Eén keer")
    await trainer.click("Opslaan")
    await bot.deliver()
    assert "📅 Trainingsdag\n" in told(noor, "voor een bijeenkomst")[0].text  # not "X (X)"
    arabic = told(amal, "دعوة إلى لقاء")[0].text
    assert "Trainingsdag" not in arabic and "📅 يوم تدريب" in arabic
