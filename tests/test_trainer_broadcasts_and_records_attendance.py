"""A trainer reaches a group in each person's language, watches the count, gets a report;
after a training day they tick who was there and the absence rule does the rest."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from bot.storage import outbox
from tests.fakes.journeys import AMAL, plan


async def test_broadcast_in_each_language_with_a_report(bot, cohort):
    trainer, noor, amal = cohort
    await trainer.send("/broadcast")
    await trainer.send("Vrijdag geen training: het buurthuis is dicht.")
    review = await trainer.click("Alle kwartiermakers")
    assert review[-1].text.startswith("Dit bereikt 2 mensen.")
    assert "• Nederlands: 1" in review[-1].text and "• العربية: 1" in review[-1].text
    await trainer.click("✍️ العربية")
    await trainer.send("لا تدريب يوم الجمعة: المركز مغلق.")
    review = copy.deepcopy(trainer.last)  # as the phone still shows it
    assert "• العربية: 1 ✍️" in review.text
    replies = await trainer.click("Verstuur nu")
    status = replies[-1]
    assert status.text == "📣 Versturen: 0 van 2"
    await trainer.click("Verstuur nu", message=review)  # a double tap sends nothing more
    assert await bot.rows("SELECT count(*) FROM broadcast") == [(1,)]

    await bot.tick()
    # Each copy says who it comes from, in the reader's language, above what the trainer wrote.
    assert noor.last.text == ("📣 Van Tessa (Trainer):\n\n"
                              "Vrijdag geen training: het buurthuis is dicht.")
    assert amal.last.text.endswith("\n\nلا تدريب يوم الجمعة: المركز مغلق.")
    assert "Tessa" in amal.last.text.split("\n")[0]
    report = next(m for m in trainer.inbox if m.message_id == status.message_id).text
    assert "Afgeleverd: 2" in report and "Blokkeerde de bot: 0" in report
    assert await bot.rows("SELECT status FROM broadcast") == [("done",)]


async def test_photo_broadcast_to_everyone_with_someone_who_blocked_the_bot(bot, cohort):
    trainer, noor, _amal = cohort
    bot.api.blocked.add(AMAL)
    await trainer.send("/broadcast")
    await trainer.send_photo()
    await trainer.click("Iedereen")
    await trainer.click("Verstuur nu")
    await bot.tick()
    assert noor.last.kind == "photo"
    report = [m for m in trainer.inbox if m.text.startswith("📣")][-1].text
    assert "Afgeleverd: 2" in report  # Noor and the admin
    assert "Blokkeerde de bot: 1" in report
    assert await bot.rows("SELECT unreachable_at IS NOT NULL FROM person WHERE telegram_id = ?",
                          AMAL) == [(1,)]


async def test_half_sent_broadcast_survives_a_kill_and_sends_nothing_twice(bot, cohort):
    trainer, _noor, _amal = cohort
    await trainer.send("/broadcast")
    await trainer.send("Nieuws")
    await trainer.click("Iedereen")
    await trainer.click("Verstuur nu")
    rows = await bot.rows("SELECT id FROM outbox WHERE kind = 'broadcast' ORDER BY id")
    async with bot.db.tx() as conn:  # the worker sent to the first, then was killed mid-send
        await outbox.claim(conn, rows[0][0])
        await outbox.finish(conn, rows[0][0], "sent", now=bot.clock.now, message_id=1)
        await outbox.claim(conn, rows[1][0])
    await bot.crash_and_restart()
    await bot.tick()
    statuses = await bot.rows("SELECT status FROM outbox WHERE kind = 'broadcast' ORDER BY id")
    assert statuses == [("sent",), ("unknown",), ("sent",)]
    report = [m for m in trainer.inbox if m.text.startswith("📣")][-1].text
    assert "Onbekend (misschien aangekomen): 1" in report


async def test_broadcast_mistakes_are_answered(bot, cohort):
    trainer, _, _ = cohort
    await trainer.send("/broadcast")
    await trainer.tap("bc:aud:organisers", trainer.last)  # a button of a later step, too early
    assert "werkt niet meer" in bot.api.callback_answers[-1]["text"]
    replies = await trainer.send("x" * 5000)
    assert "de eerste 3900 tekens" in replies[0].text
    await trainer.click("Annuleren")
    assert await bot.rows("SELECT count(*) FROM broadcast") == [(0,)]


async def test_attendance_and_the_absence_limit(bot, cohort):
    trainer, _noor, amal = cohort
    for day, title in (("vrijdag", "Wortels"), ("11-12", "Grenzen")):
        await plan(trainer, title=title, day=day)
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    await bot.tick()
    reminder = [m for m in amal.inbox if m.text.startswith("تذكير")][-1]
    await amal.click("❌", message=reminder)
    await amal.click(1)  # caring for someone

    bot.clock.now = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    await trainer.send("/attendance")
    sheet = await trainer.click("Wortels")
    labels = [label for label, _ in sheet[-1].buttons]
    assert "✅ Noor" in labels and "▫️ Amal" in labels  # she said she could not come
    replies = await trainer.click("Opslaan")
    assert replies[-1].text == "Opgeslagen: 1 aanwezig, 1 niet aanwezig."

    bot.clock.now = datetime(2026, 12, 11, 16, 0, tzinfo=UTC)
    await trainer.send("/attendance")
    await trainer.click("Grenzen")
    await trainer.click("✅ Amal")  # tap to mark her absent
    replies = await trainer.click("Opslaan")
    assert "Amal heeft nu 2 trainingsdagen gemist (de grens is 2)" in replies[-1].text
    await bot.deliver()
    assert amal.last.text.startswith("فاتك يوما تدريب.")
    # Saving the same list again does not count the absence twice.
    await trainer.send("/attendance")
    await trainer.click("Grenzen")
    replies = await trainer.click("Opslaan")
    assert "gemist" not in replies[-1].text


async def test_attendance_only_for_own_meetings(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer)
    bot.clock.now = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    await noor.send("/attendance")
    assert "Geen bijeenkomsten" in noor.last.text
    await noor.tap("at:pick:1:1796374800", noor.last)
    assert bot.api.callback_answers[-1].get("show_alert") is True


async def test_broadcast_to_people_picked_by_hand(bot, cohort):
    trainer, noor, amal = cohort
    await trainer.send("/broadcast")
    await trainer.send("Alleen voor Noor")
    await trainer.click("Mensen die ik kies")
    await trainer.click("▫️ Noor")
    review = await trainer.click("Klaar met kiezen")
    assert review[-1].text.startswith("Dit bereikt 1 persoon.")
    await trainer.click("Verstuur nu")
    await bot.tick()
    assert noor.last.text.endswith("\n\nAlleen voor Noor")
    assert all(m.text != "Alleen voor Noor" for m in amal.inbox)
