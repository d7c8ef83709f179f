"""The bot as ``samenbot run`` wires it: the job queue, the outbox worker and pacing on (the
harness turns all three off). Reminders come from the real reminder job, a broadcast reaches
everyone through the worker at Telegram's pace while a member's answer does not wait for it, the
daily digest job tells the kwartiermakers, and a chat that writes 30 times a second holds
nobody up and loses nothing. Assertions are about order and outcome, never about time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from bot import app as app_module
from bot.access import Role
from bot.app import close_application, create_application, start_application
from bot.delivery.pacing import MEMBER, OUTBOX, VISITOR, ChatPace, SendBudget
from bot.services.membership import CONSENT_VERSION
from bot.storage import people
from tests.fakes.journeys import NOOR, join, make_invite, plan

RECIPIENTS = range(10_000, 10_030)  # residents who joined earlier
LINA, STRANGER = 300, 900
NEWS = "Buurtmaaltijd vrijdag om 18:00, neem een bord mee!"


async def add_residents(bot) -> None:
    async with bot.db.tx() as conn:
        for n, telegram_id in enumerate(RECIPIENTS):
            await people.insert(conn, telegram_id=telegram_id, display_name=f"Buur{n}",
                                role=Role.RESIDENT, language="nl",
                                consent_version=CONSENT_VERSION, now=bot.clock(),
                                invited_by=None)


async def run_for_real(bot, monkeypatch) -> None:
    """Swaps the harness's app for one started as ``samenbot run`` starts it, on the same
    database and fake Bot API; the reminder job ticks every 0.2 s instead of every 30 s."""
    monkeypatch.setattr(app_module, "REMINDER_TICK_SECONDS", 0.2)
    await close_application(bot.app)
    bot.app = await create_application(bot.settings, request=bot.api, clock=bot.clock)
    await start_application(bot.app, deliver=True)
    await bot.app.start()  # the job queue


async def until(found: Callable[[], bool], what: str, seconds: float = 20) -> None:
    for _ in range(int(seconds / 0.02)):
        if found():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


def copies(bot, text: str) -> dict[int, list[int]]:
    """Per recipient, the message ids of the copies that arrived (ids grow in sending order)."""
    return {chat: [m.message_id for m in bot.api.chat(chat) if text in m.text]
            for chat in RECIPIENTS}


def reminders(user) -> list:
    return [m for m in user.inbox if m.text.startswith(("Herinnering", "تذكير"))]


async def broadcast(trainer, text: str) -> None:
    await trainer.send("/broadcast")
    await trainer.send(text)
    await trainer.click("Iedereen")
    await trainer.click("Verstuur nu")


async def test_the_running_bot_reminds_broadcasts_and_answers_meanwhile(
        bot, cohort, monkeypatch):
    trainer, noor, amal = cohort
    await plan(trainer)  # Friday 4 December 10:00, for the kwartiermakers
    await add_residents(bot)
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # the day before, 10:00 local
    await run_for_real(bot, monkeypatch)

    await broadcast(trainer, NEWS)
    answer = (await noor.send("/help"))[-1]  # a member, while the copies go out

    await until(lambda: all(copies(bot, NEWS).values()), "the broadcast reached everyone")
    await until(lambda: reminders(noor) and reminders(amal), "the reminders arrived")
    sent = copies(bot, NEWS)
    assert all(len(ids) == 1 for ids in sent.values())  # each resident once
    assert answer.message_id < max(ids[0] for ids in sent.values())  # before the last copy
    assert "Wortels (Trainingsdag)" in reminders(noor)[0].text
    assert len(reminders(noor)) == 1 and len(reminders(amal)) == 1  # queued once


async def test_the_daily_digest_job_tells_the_kwartiermakers(bot, cohort, monkeypatch):
    _, noor, _ = cohort
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await lina.send("/share")
    await lina.click("🛒 Boodschappen")
    await lina.click("➡️")
    await lina.click("⏭")
    await lina.tap("sh:none", lina.last_with_buttons())
    await lina.tap("sh:later", lina.last_with_buttons())
    await lina.click("💾")
    await run_for_real(bot, monkeypatch)

    job = next(j for j in bot.app.job_queue.jobs() if j.name == "digest")
    assert job.next_t.astimezone(bot.settings.tz).strftime("%H:%M") == "18:00"
    await job.run(bot.app)  # what the scheduler does at 18:00
    await until(lambda: any("🤲 1 vraag: 🛒 Boodschappen 1" in m.text for m in noor.inbox),
                "Noor's digest arrived")


FLOODS = {  # who floods: what they send in turn, and a word of each answer
    "stranger": (STRANGER, "en", {"hello?": "Hello!", "/mydata": "not registered"}),
    "member": (RECIPIENTS[0], "nl", {"/pizza": "ken ik niet", "hallo": "wacht nu niet"}),
}


@pytest.mark.parametrize("who", FLOODS)
async def test_a_chat_that_floods_holds_up_neither_members_nor_the_outbox(
        bot, cohort, monkeypatch, who):
    trainer, noor, _ = cohort
    await add_residents(bot)
    await run_for_real(bot, monkeypatch)
    user_id, language, answers = FLOODS[who]
    flooder = bot.user(user_id, "Flo", language_code=language)
    await broadcast(trainer, NEWS)
    asked = list(answers) * 15
    for text in asked:  # 30 messages at once, the bot handles them without waiting for replies
        await bot.app.process_update(flooder.text_update(text))
    await bot.app.process_update(noor.text_update("/help"))
    before = len(noor.inbox)

    def answered() -> list:
        return [m for m in flooder.inbox if NEWS not in m.text]

    await until(lambda: len(noor.inbox) > before, "Noor's answer arrived")
    assert len(answered()) < len(asked)  # Noor did not wait for the flood
    await until(lambda: all(copies(bot, NEWS).values()), "the broadcast reached everyone")
    assert len(answered()) < len(asked)  # nor did the outbox: the flood waits in its lane
    services = bot.app.bot_data["services"]
    bot.clock.advance(minutes=5)  # its stored replies are overdue: still, only the lane sends
    assert await services.delivery.run_once() == 0  # them, the worker leaves them alone
    await services.lanes.stop(grace=0)
    waiting = (await bot.rows("SELECT count(*) FROM reply"))[0][0]
    assert len(answered()) + waiting == len(asked)  # what waits is stored, not dropped

    await bot.restart()  # a stop, as SIGTERM does; the harness starts it again
    await bot.deliver()  # the next start sends the rest, in the chat's order
    assert [next(word for word in answers.values() if word in m.text) for m in answered()] \
        == [answers[text] for text in asked]  # each answered once, in order


def test_each_chat_gets_a_burst_then_one_a_second():
    now = [0.0]
    pace = ChatPace(clock=lambda: now[0])  # 10 at once, then one a second; groups 3, then 1/3 s
    assert [pace.reserve(LINA) for _ in range(12)] == [0.0] * 10 + [1.0, 2.0]
    assert pace.reserve(NOOR) == 0.0  # another chat has its own pace
    now[0] = 5.0  # the last of the 12 went at 2.0: three turns came back since
    assert [pace.reserve(LINA) for _ in range(4)] == [0.0, 0.0, 0.0, 1.0]
    assert [pace.reserve(-100) for _ in range(4)] == [0.0, 0.0, 0.0, 3.0]


@pytest.mark.parametrize("rate", [20, 25])
async def test_members_go_first_strangers_get_a_slice_the_outbox_at_least_half(rate):
    now = [0.0]
    budget = SendBudget(rate, clock=lambda: now[0])
    granted: list[tuple[float, str]] = []

    async def wants(kind: str) -> None:
        while True:
            await budget.turn(kind)
            granted.append((now[0], kind))

    # Everyone wants more than there is: 3 members' chats, 100 strangers, the outbox's 8 slots.
    tasks = [asyncio.create_task(wants(kind))
             for kind in [MEMBER] * 3 + [VISITOR] * 100 + [OUTBOX] * 8]
    for _ in range(400):  # four seconds in steps of 10 ms
        await asyncio.sleep(0)
        now[0] += 0.01
        budget._dispatch()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    last = [kind for at, kind in granted if 1.0 <= at < 4.0]  # three seconds, after the start
    members, visitors, outbox = (last.count(k) / 3 for k in (MEMBER, VISITOR, OUTBOX))
    assert members <= rate * SendBudget.MEMBER_SHARE + 1
    assert 1 <= visitors <= rate * SendBudget.VISITOR_SHARE + 1
    assert outbox >= rate / 2 and members + visitors + outbox <= rate + 1


async def test_members_use_the_whole_budget_while_the_outbox_is_idle():
    now = [0.0]
    budget = SendBudget(25, clock=lambda: now[0])
    granted: list[str] = []

    async def wants(kind: str) -> None:
        await budget.turn(kind)
        granted.append(kind)

    tasks = [asyncio.create_task(wants(MEMBER)) for _ in range(30)]
    await asyncio.sleep(0)
    assert len(granted) == 25  # not held to their 40% share: nothing else wanted the budget
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
