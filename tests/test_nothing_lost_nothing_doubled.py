"""Crash safety: an update is stored whole or not at all, with its replies; what Telegram
delivered and the bot had not yet handled survives a crash; a tap that arrives twice changes
nothing twice; a stop in the middle of a broadcast leaves nothing half sent."""

from __future__ import annotations

import asyncio
import copy
import json
from datetime import UTC, datetime

import pytest

from bot.receiving import Receiver
from bot.storage import inbox
from tests.fakes.journeys import AMAL, join, make_invite, plan

LINA = 300


@pytest.fixture
async def lina(bot, cohort):
    _, noor, _ = cohort
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    return lina


async def to_summary(lina) -> None:
    await lina.send("/share")
    await lina.click("🛒 Boodschappen")
    await lina.click("Volgende")
    await lina.click("Overslaan")
    await lina.click("Nu even niets")
    await lina.click("Nu niet")


async def items(bot) -> int:
    return (await bot.rows("SELECT count(*) FROM item"))[0][0]


def saved(user) -> int:
    return sum(m.text.startswith("Opgeslagen") for m in user.inbox)


async def test_an_update_that_dies_halfway_leaves_nothing_and_shows_nothing(
        bot, lina, monkeypatch):
    await to_summary(lina)
    summary = copy.deepcopy(lina.last)

    async def killed(*_args):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(inbox, "done", killed)  # the last write of the update fails
    with pytest.raises(RuntimeError):
        await lina.click("Opslaan")
    assert await items(bot) == 0 and saved(lina) == 0  # nothing stored, nothing shown
    monkeypatch.undo()
    await bot.crash_and_restart()
    await lina.click("Opslaan", message=summary)  # the same tap again, as after a restart
    assert await items(bot) == 1 and saved(lina) == 1


async def test_what_telegram_delivered_survives_a_crash_and_is_handled_once(bot, lina):
    update = lina.text_update("/share").to_dict()
    await Receiver(bot.app).store([update])  # stored, then the process dies
    await bot.crash_and_restart()
    receiver = Receiver(bot.app)
    assert await receiver.handle_waiting() == 1
    await bot.app.settle()  # its replies were sent
    grids = [m for m in lina.inbox if m.text.startswith("🤲 Waar kun je")]
    assert len(grids) == 1
    assert await receiver.store([update]) == 0  # Telegram sends it again: it is known
    assert await receiver.handle_waiting() == 0
    await Receiver(bot.app).store([])  # the next batch
    assert await bot.rows("SELECT count(*) FROM inbox") == [(0,)]  # its content is gone


async def test_replies_stored_before_a_crash_are_sent_after_it(bot, lina, monkeypatch):
    await to_summary(lina)

    def died_before_sending(*_args):
        return None

    monkeypatch.setattr(bot.app.bot_data["services"].lanes, "submit", died_before_sending)
    await lina.click("Opslaan")
    assert await items(bot) == 1 and saved(lina) == 0  # stored, not yet seen
    monkeypatch.undo()
    await bot.crash_and_restart()
    await bot.deliver()  # what the start-up sends first
    assert saved(lina) == 1
    await bot.deliver()
    assert saved(lina) == 1 and await bot.rows("SELECT count(*) FROM reply") == [(0,)]


async def test_a_tick_that_arrives_twice_ticks_once(bot, lina):
    await lina.send("/share")
    grid = lina.last
    data = next(d for label, d in grid.buttons if "Boodschappen" in label)
    await lina.tap(data, grid)
    await lina.tap(data, copy.deepcopy(grid))  # the same tap, delivered again
    assert [label for label, _ in lina.last.buttons if label.startswith("✅")] == [
        "✅ 🛒 Boodschappen"]
    await lina.click("Volgende")
    await lina.click("Overslaan")
    await lina.click("Nu even niets")
    await lina.click("Nu niet")
    summary = copy.deepcopy(lina.last)
    await lina.click("Opslaan")
    await lina.click("Opslaan", message=summary)  # a double tap on Save
    assert await items(bot) == 1 and saved(lina) == 1


async def test_introduce_rsvp_and_voucher_taps_that_arrive_twice(bot, cohort, lina):
    trainer, noor, amal = cohort
    omar = bot.user(301, "Omar")
    await join(omar, await make_invite(noor))
    await to_summary(lina)
    await lina.click("Opslaan")
    await omar.send("/share")
    await omar.click("Volgende")
    await omar.click("🛒 Boodschappen")
    await omar.click("Volgende")
    await omar.click("Overslaan")
    await omar.click("Opslaan")
    await noor.send("/matches")
    pair = copy.deepcopy(noor.last)
    await noor.click("Stel voor", message=pair)
    await noor.click("Stel voor", message=pair)
    assert await bot.rows("SELECT count(*) FROM match") == [(1,)]
    questions = await bot.rows("SELECT count(*) FROM outbox WHERE ref LIKE 'match:%'")
    assert questions == [(2,)]  # one question to each of them, not four

    await plan(trainer, audience="Alle kwartiermakers")
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # the day before, 10:00
    await bot.tick()
    reminder = copy.deepcopy(next(m for m in reversed(amal.inbox) if m.buttons))
    await amal.click(2, message=reminder)  # I can't come
    why = copy.deepcopy(amal.last)
    await amal.click(1, message=why)
    await amal.click(1, message=why)
    notices = await bot.rows("SELECT count(*) FROM outbox WHERE chat_id = ? AND kind = 'notice'"
                             " AND ref LIKE 'rsvp:%'", trainer.user_id)
    assert notices == [(1,)]  # the organiser hears it once

    await noor.send("/voucher")
    await noor.send("250")
    await noor.send("Stof en garen")
    await noor.click("Geen reeks")
    await noor.click("Verstuur de aanvraag")
    await trainer.send("/vouchers")
    decision = copy.deepcopy(trainer.last)
    await trainer.click("Goedkeuren", message=decision)
    await trainer.click("Goedkeuren", message=decision)
    assert await bot.rows("SELECT status FROM voucher") == [("approved",)]
    told = await bot.rows("SELECT ref, chat_id FROM outbox WHERE ref LIKE 'voucher:%'"
                          " ORDER BY id")
    assert told == [("voucher:1:asked", trainer.user_id), ("voucher:1", noor.user_id)]


async def test_a_stop_in_the_middle_of_a_broadcast_leaves_nothing_half_sent(bot, cohort):
    trainer, _, _ = cohort
    for user_id in range(400, 410):
        await join(bot.user(user_id, f"K{user_id}"), await make_invite(trainer))
    delivery = bot.app.bot_data["services"].delivery
    delivery.budget.rate = 3  # slow enough to stop it halfway
    await trainer.send("/broadcast")
    await trainer.send("Nieuws")
    await trainer.click("Iedereen")
    await trainer.click("Verstuur nu")
    await delivery.start()
    await asyncio.sleep(1.2)
    await delivery.stop()
    statuses = dict(await bot.rows(
        "SELECT status, count(*) FROM outbox WHERE kind = 'broadcast' GROUP BY status"))
    assert "sending" not in statuses and statuses.get("pending", 0) > 0
    await bot.crash_and_restart()
    delivery = bot.app.bot_data["services"].delivery
    await bot.deliver()
    copies = await bot.rows("SELECT chat_id, count(*) FROM outbox WHERE kind = 'broadcast'"
                            " AND status = 'sent' GROUP BY chat_id")
    assert all(n == 1 for _, n in copies) and len(copies) == statuses_total(statuses)
    assert await bot.rows("SELECT count(*) FROM outbox WHERE status = 'unknown'") == [(0,)]


def statuses_total(statuses: dict[str, int]) -> int:
    return sum(statuses.values())


async def test_the_report_names_who_did_not_get_it_and_sends_again_what_never_left(
        bot, cohort):
    trainer, noor, _ = cohort
    bot.api.blocked.add(AMAL)
    await trainer.send("/broadcast")
    await trainer.send("Nieuws")
    await trainer.click("Iedereen")
    await trainer.click("Verstuur nu")
    async with bot.db.tx() as conn:  # Noor's copy failed before it could leave
        await conn.execute("UPDATE outbox SET status = 'failed' WHERE kind = 'broadcast'"
                           " AND chat_id = ?", (noor.user_id,))
    await bot.tick()
    report = [m for m in trainer.inbox if m.text.startswith("📣")][-1]
    assert "Blokkeerde de bot: Amal" in report.text and "Noor" not in report.text
    assert any("Opnieuw" in label for label, _ in report.buttons)
    await trainer.click("Opnieuw", message=report)
    await bot.tick()
    assert noor.last.text.endswith("\n\nNieuws")
    assert json.loads(json.dumps(await bot.rows(
        "SELECT status, count(*) FROM outbox WHERE kind = 'broadcast' GROUP BY status"))) == [
        ["blocked", 1], ["sent", 2]]


async def test_a_status_message_whose_answer_was_lost_is_sent_fresh(bot, cohort):
    trainer, _, _ = cohort
    await trainer.send("/broadcast")
    await trainer.send("Nieuws")
    await trainer.click("Iedereen")
    bot.api.fail_next("sendMessage", "drop")  # the status message arrives, its id is lost
    await trainer.click("Verstuur nu")
    await bot.tick()
    statuses = [m for m in trainer.inbox if m.text.startswith("📣")]
    assert statuses[0].text == "📣 Versturen: 0 van 3"  # stuck: the bot cannot edit it
    assert "Afgeleverd: 3" in statuses[-1].text  # a fresh one carries the report
