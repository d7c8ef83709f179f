"""Group commit: updates that wait together are handled in one transaction, each in its own
savepoint, and share one COMMIT; an update that fails takes only its own writes and replies
with it; no reply leaves before the commit that stored it."""

from __future__ import annotations

import pytest

from bot.receiving import Receiver
from bot.storage import inbox
from tests.fakes.journeys import join, make_invite

PEOPLE = range(300, 305)


@pytest.fixture
async def residents(bot, cohort):
    _, noor, _ = cohort
    code = await make_invite(noor, uses=2)  # a group invite
    found = []
    for n, telegram_id in enumerate(PEOPLE):
        user = bot.user(telegram_id, f"Buur{n}")
        if n % 2 == 0 and n:
            code = await make_invite(noor, uses=2)
        await join(user, code)
        found.append(user)
    return found


def watch(bot, monkeypatch) -> list[str]:
    """What happens, in order: each COMMIT, and each update's replies handed to be sent."""
    seen: list[str] = []
    conn = bot.db.conn
    execute = conn.execute

    async def counting(sql, params=()):
        if sql == "COMMIT":
            seen.append("commit")
        return await execute(sql, params)

    monkeypatch.setattr(conn, "execute", counting)
    lanes = bot.app.bot_data["services"].lanes
    submit = lanes.submit

    def submitted(chat_id, stored):
        seen.append(f"send to {chat_id}")
        return submit(chat_id, stored)

    monkeypatch.setattr(lanes, "submit", submitted)
    return seen


async def test_updates_waiting_together_share_one_commit_and_reply_after_it(
        bot, residents, monkeypatch):
    updates = [user.text_update("/help").to_dict() for user in residents]
    receiver = Receiver(bot.app)
    await receiver.store(updates)  # five arrive in one getUpdates
    seen = watch(bot, monkeypatch)
    assert await receiver.handle_waiting() == 5
    assert seen == ["commit", *(f"send to {t}" for t in PEOPLE)]  # one commit, then replies
    await bot.app.settle()
    assert all(user.last.text.startswith("Je doet mee als bewoner") for user in residents)
    assert await bot.rows("SELECT last_done FROM inbox_mark") == [(updates[-1]["update_id"],)]


async def test_a_failing_update_takes_only_itself_and_is_tried_again(
        bot, residents, monkeypatch):
    first, second, third = residents[:3]
    await first.send("/share")
    await third.send("/share")
    updates = [first.text_update("/cancel").to_dict(), second.text_update("/help").to_dict(),
               third.text_update("/cancel").to_dict()]
    receiver = Receiver(bot.app)
    await receiver.store(updates)
    done = inbox.done

    async def fails_for_the_second(conn, update_id):
        if update_id == updates[1]["update_id"]:
            raise RuntimeError("this update's last write fails")
        return await done(conn, update_id)

    monkeypatch.setattr(inbox, "done", fails_for_the_second)
    seen = watch(bot, monkeypatch)
    before = len(second.inbox)
    assert await receiver.handle_waiting() == 1  # the first; the second stops the batch
    assert seen == ["commit", f"send to {first.user_id}"]  # the second says nothing
    await bot.app.settle()
    assert len(second.inbox) == before and first.last.text.startswith("Geannuleerd")
    monkeypatch.setattr(inbox, "done", done)
    assert await receiver.handle_waiting() == 2  # tried again: it and the third go now
    await bot.app.settle()
    assert second.last.text.startswith("Je doet mee als bewoner")
    assert third.last.text.startswith("Geannuleerd")


async def test_in_a_batch_each_unit_keeps_or_loses_its_own_writes_and_actions(bot):
    db, ran = bot.db, []

    async def note(what):
        ran.append(what)

    async with db.batch() as conn:
        async with db.unit():
            await conn.execute(
                "INSERT INTO audit_log (at, actor_id, action) VALUES ('x', NULL, 'a')")
            db.after_commit(lambda: note("a"))
        with pytest.raises(RuntimeError):
            async with db.unit():
                await conn.execute(
                    "INSERT INTO audit_log (at, actor_id, action) VALUES ('x', NULL, 'b')")
                db.after_commit(lambda: note("b"))
                raise RuntimeError("the second update fails after asking for its replies")
        assert ran == []  # nothing runs before the commit
    assert ran == ["a"]
    assert await bot.rows("SELECT action FROM audit_log WHERE at = 'x'") == [("a",)]


async def test_a_polled_batch_while_nothing_waits_costs_one_commit_and_no_copy(
        bot, residents, monkeypatch):
    """Long polling's short way: handled at once, marked in the same commit, and the words
    people wrote are never written to the inbox."""
    updates = [user.text_update("/help").to_dict() for user in residents]
    receiver = Receiver(bot.app)
    await receiver.handle_waiting()  # start-up: nothing left from before
    seen = watch(bot, monkeypatch)
    assert await receiver.take(updates) == 5
    assert seen == ["commit", *(f"send to {t}" for t in PEOPLE)]
    await bot.app.settle()
    assert all(user.last.text.startswith("Je doet mee als bewoner") for user in residents)
    assert await bot.rows("SELECT count(*) FROM inbox") == [(0,)]
    assert await bot.rows("SELECT last_done FROM inbox_mark") == [(updates[-1]["update_id"],)]
    assert await receiver.take(updates) == 0  # Telegram sends them again: known, not redone


async def test_what_a_failure_leaves_in_hand_is_stored_before_it_is_confirmed(
        bot, residents, monkeypatch):
    first, second, third = residents[:3]
    updates = [u.text_update("/help").to_dict() for u in (first, second, third)]
    receiver = Receiver(bot.app)
    await receiver.handle_waiting()
    done = inbox.done

    async def fails_for_the_second(conn, update_id):
        if update_id == updates[1]["update_id"]:
            raise RuntimeError("this update's last write fails")
        return await done(conn, update_id)

    monkeypatch.setattr(inbox, "done", fails_for_the_second)
    assert await receiver.take(updates) == 3
    # the first was handled; the second and third are kept, so the next getUpdates may go
    assert await bot.rows("SELECT update_id FROM inbox ORDER BY update_id") == [
        (updates[1]["update_id"],), (updates[2]["update_id"],)]
    await bot.crash_and_restart()  # even a crash now loses neither
    monkeypatch.setattr(inbox, "done", done)
    assert await Receiver(bot.app).handle_waiting() == 2
    await bot.app.settle()
    assert second.last.text.startswith("Je doet mee als bewoner")
    assert third.last.text.startswith("Je doet mee als bewoner")


async def test_a_batch_arriving_while_others_wait_is_stored_behind_them(bot, residents):
    first, second = residents[:2]
    receiver = Receiver(bot.app)
    await receiver.store([first.text_update("/help").to_dict()])  # waits (a backlog)
    later = second.text_update("/help").to_dict()
    assert await receiver.take([later]) == 1
    assert await bot.rows("SELECT count(*) FROM inbox") == [(2,)]  # stored, not handled
    assert await receiver.handle_waiting() == 2  # in order
