"""The outbox worker: paced, honest about what reached Telegram, and never sends twice."""

from __future__ import annotations

import pytest

from bot.delivery.sending import text_payload
from bot.storage import outbox
from tests.fakes.journeys import join, make_invite

PEOPLE = (301, 302, 303)


@pytest.fixture
async def residents(bot, admin):
    await join(admin)
    organiser = bot.user(200, "Noor")
    await join(organiser, await make_invite(admin, "Kwartiermaker"))
    code = await make_invite(organiser, uses=2)
    for user_id in PEOPLE:
        await join(bot.user(user_id, f"R{user_id}"), code)
    await bot.deliver()  # Noor hears that each joined; then the outbox starts empty
    assert [m.text for m in organiser.inbox if "doet nu mee via jouw uitnodiging" in m.text] \
        == [f"👋 R{u} doet nu mee via jouw uitnodiging, als: Bewoner." for u in PEOPLE]
    async with bot.db.tx() as conn:
        await conn.execute("DELETE FROM outbox")
    return [bot.user(u) for u in PEOPLE]


async def enqueue(bot, chat_id: int, text: str, ref: str = "test:1") -> int:
    async with bot.db.tx() as conn:
        return await outbox.enqueue(conn, person_id=None, chat_id=chat_id, kind="notice",
                                    ref=ref, payload=text_payload(text), due_at=bot.clock.now,
                                    now=bot.clock.now)


def texts(bot, chat_id: int, needle: str) -> list[str]:
    return [m.text for m in bot.api.chat(chat_id) if needle in m.text]


async def statuses(bot) -> list[tuple]:
    return await bot.rows("SELECT chat_id, status FROM outbox ORDER BY id")


async def test_due_rows_are_sent_once_with_their_message_id(bot, residents):
    for user_id in PEOPLE:
        await enqueue(bot, user_id, f"hello {user_id}")
    await bot.deliver()
    await bot.deliver()  # a second pass finds nothing to do
    for user_id in PEOPLE:
        assert texts(bot, user_id, "hello") == [f"hello {user_id}"]
    rows = await bot.rows("SELECT status, telegram_message_id IS NOT NULL FROM outbox")
    assert rows == [("sent", 1)] * 3


async def test_429_waits_retry_after_then_sends_once(bot, residents):
    await enqueue(bot, 301, "hello")
    bot.api.fail_next("sendMessage", "429", retry_after=3)
    worker = bot.app.bot_data["services"].delivery
    await worker.run_once()
    await worker.drain()  # not due yet: retry_after has not passed on the clock
    assert await statuses(bot) == [(301, "pending")]
    assert texts(bot, 301, "hello") == []
    bot.clock.advance(seconds=3)
    await bot.deliver()
    assert texts(bot, 301, "hello") == ["hello"]
    assert await statuses(bot) == [(301, "sent")]


async def test_403_marks_the_person_unreachable_and_stops_sending(bot, residents):
    bot.api.blocked.add(302)
    await enqueue(bot, 302, "first")
    await bot.deliver()
    assert await statuses(bot) == [(302, "blocked")]
    assert await bot.rows("SELECT unreachable_at IS NOT NULL FROM person WHERE telegram_id = 302"
                          ) == [(1,)]
    # They unblock and write again: reachable once more.
    bot.api.blocked.discard(302)
    await bot.user(302).send("/help")
    assert await bot.rows("SELECT unreachable_at FROM person WHERE telegram_id = 302") == [
        (None,)]


async def test_403_cancels_what_was_queued_behind(bot, residents):
    bot.api.blocked.add(303)
    await enqueue(bot, 303, "one")
    worker = bot.app.bot_data["services"].delivery
    worker.per_chat_interval = 3600  # keep the second row waiting behind the first
    await enqueue(bot, 303, "two")
    await worker.run_once()
    await worker.drain(max_rounds=2)
    assert await statuses(bot) == [(303, "blocked"), (303, "cancelled")]


async def test_refused_connection_is_retried_and_sent_once(bot, residents):
    await enqueue(bot, 301, "hello")
    bot.api.fail_next("sendMessage", "connect")
    worker = bot.app.bot_data["services"].delivery
    await worker.run_once()
    await worker.drain()
    assert await statuses(bot) == [(301, "pending")]
    bot.clock.advance(seconds=2)
    await bot.deliver()
    assert texts(bot, 301, "hello") == ["hello"]
    assert await bot.rows("SELECT status, attempts FROM outbox") == [("sent", 2)]


async def test_answer_lost_after_sending_is_unknown_and_not_resent(bot, residents):
    await enqueue(bot, 301, "hello")
    bot.api.fail_next("sendMessage", "drop")
    await bot.deliver()
    bot.clock.advance(minutes=10)
    await bot.deliver()
    assert texts(bot, 301, "hello") == ["hello"]  # Telegram got it once; we never resend
    assert await statuses(bot) == [(301, "unknown")]


async def test_kill_during_sending_marks_unknown_and_does_not_resend(bot, residents):
    row_id = await enqueue(bot, 301, "hello")
    await enqueue(bot, 302, "hello")
    async with bot.db.tx() as conn:
        assert await outbox.claim(conn, row_id)  # the worker had claimed it, then: kill -9
    await bot.crash_and_restart()
    await bot.deliver()
    assert await statuses(bot) == [(301, "unknown"), (302, "sent")]
    assert texts(bot, 301, "hello") == []


async def test_one_message_a_second_per_private_chat(bot, residents):
    await enqueue(bot, 301, "a")
    await enqueue(bot, 301, "b")
    await enqueue(bot, 302, "c")
    worker = bot.app.bot_data["services"].delivery
    worker.per_chat_interval = 1.0
    started = await worker.run_once()
    assert started == 2  # 301 once, 302 once; 301's second waits for the next second
    await bot.deliver()
    assert [m.text for m in bot.api.chat(301)][-2:] == ["a", "b"]


async def test_forget_removes_pending_messages(bot, residents):
    person_id = (await bot.rows("SELECT id FROM person WHERE telegram_id = 301"))[0][0]
    async with bot.db.tx() as conn:
        await outbox.enqueue(conn, person_id=person_id, chat_id=301, kind="notice", ref=None,
                             payload=text_payload("later"), due_at=bot.clock.now,
                             now=bot.clock.now)
    user = bot.user(301)
    await user.send("/forget")
    await user.click("🗑")
    assert await bot.rows("SELECT count(*) FROM outbox") == [(0,)]


async def test_twenty_a_minute_per_group(bot, residents):
    for n in range(22):
        await enqueue(bot, -1001, f"group {n}")
    worker = bot.app.bot_data["services"].delivery
    assert await worker.run_once() == 20
    await worker.drain(max_rounds=1)
    assert await bot.rows("SELECT count(*) FROM outbox WHERE status = 'pending'") == [(2,)]
