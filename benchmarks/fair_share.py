"""Fair share of the send budget: one chat floods, strangers crowd in, a broadcast runs, and
members go on using the bot.

``samenbot run`` as a subprocess, long polling the Bot API emulator of ``throughput.py``
(``throughput_api.py``, HTTP on loopback) which, like Telegram, answers 429 (retry_after 1)
beyond ``--telegram-limit`` messages in any second (30; 0 for no limit). The database is seeded
by ``throughput_seed.py``; a broadcast to ``--recipients`` residents (2,000) is written into it
before the start as the /broadcast flow would (a broadcast row, one outbox row each, its status
message), not yet due. When the bot polls, the broadcast is made due and for ``--seconds``
(60) three streams of messages are injected at fixed rates, whatever the bot manages:

- one stranger's chat sends ``--flood-rate`` (30) messages a second;
- ``--strangers`` (100) other strangers send ``--stranger-rate`` (10) a second in all;
- ``--members`` (20) residents send ``--member-rate`` (2) a second in all, "/help" and plain
  text in turn.

Printed: the broadcast's pace (copies a second, over the window or until it finished) against
SAMEN_SEND_RATE (goal: at least 80%); members' reply latency p50/p99 from injection to reply
(goal: p99 under 100 ms) and the strangers'; the flooding chat's replies and its backlog (sent
to it but not yet answered) at the end of the window, and how many of its replies the database
still holds after the stop (waiting, not dropped); 429 answers; duplicates; the seconds from
SIGTERM to exit; CPU of the bot and of other processes (the machine is shared: a window in
which others used more than 15% of a core is flagged).

    .venv/bin/python benchmarks/fair_share.py                       # 60 s
    .venv/bin/python benchmarks/fair_share.py --seconds 20          # quicker
    .venv/bin/python benchmarks/fair_share.py --source /tmp/before  # another samenbot tree
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import math
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from throughput import (
    OTHERS_WARNING_PCT,
    cpu_seconds,
    log_tail,
    machine_busy_seconds,
    peak_rss_mib,
    percentile,
)
from throughput_api import BotApiEmulator, _ok
from throughput_seed import MEMBER_BASE_ID, ROOT, bot_env, seed

TOKEN = "123456:TEST"
STRANGER_BASE_ID = 900_000_000
FLOOD_ID = 899_999_999
MARK = "📣 Buurtnieuws"  # the broadcast's text starts with this
TOO_MANY = json.dumps({"ok": False, "error_code": 429,
                       "description": "Too Many Requests: retry after 1",
                       "parameters": {"retry_after": 1}}).encode()
STRANGER_TEXTS = ("Hallo, hoe kan ik meedoen?", "Hi, what is this bot?", "Goedemiddag")
STRANGER_LANGUAGES = ("nl", "en", "ar", "tr", "nl")
MEMBER_TEXTS = ("/help", "Hoi! Ik wilde even iets vragen.")


class Emulator(BotApiEmulator):
    """The throughput emulator, plus Telegram's overall limit and the broadcast's copies."""

    def __init__(self, token: str, limit: int) -> None:
        super().__init__(token)
        self.limit = limit
        self._window: deque[float] = deque()
        self.rate_limited = 0
        self.copies: Counter[int] = Counter()
        self.copies_at: list[float] = []
        self.sends_at: list[float] = []  # every message accepted

    async def _dispatch(self, target: str, content_type: str, body: bytes,
                        received: float) -> tuple[int, bytes]:
        method = target.partition("?")[0].rsplit("/", 1)[-1]
        if method.startswith(("send", "copy", "forward")) and method != "sendChatAction":
            while self._window and received - self._window[0] >= 1.0:
                self._window.popleft()
            if self.limit and len(self._window) >= self.limit:
                self.rate_limited += 1
                return 429, TOO_MANY
            self._window.append(received)
            self.sends_at.append(received)
        return await super()._dispatch(target, content_type, body, received)

    def _send_message(self, params: dict[str, Any], received: float) -> bytes:
        text = str(params.get("text", ""))
        if text.startswith(MARK):
            chat_id = int(params.get("chat_id") or 0)
            self.copies[chat_id] += 1
            self.copies_at.append(received)
            return _ok(self._message(chat_id, text))
        return super()._send_message(params, received)


@dataclass
class Stream:
    name: str
    users: list[int]
    rate: float
    texts: tuple[str, ...]
    languages: tuple[str, ...]


# set-up ----------------------------------------------------------------------------------------
def add_broadcast(db_path: Path, recipients: list[int], trainer_telegram_id: int) -> int:
    """A broadcast as /broadcast → Everyone → Send now leaves it, due in a year (made due when
    the load begins); its status message counts as sent, so the bot edits it every 2 s."""
    now = datetime.now(UTC)
    later = (now + timedelta(days=365)).isoformat()
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("BEGIN")
        trainer = conn.execute("SELECT id FROM person WHERE telegram_id = ?",
                               (trainer_telegram_id,)).fetchone()[0]
        cur = conn.execute(
            "INSERT INTO broadcast (created_by, audience, total, status_chat_id, created_at)"
            " VALUES (?, 'everyone', ?, ?, ?)",
            (trainer, len(recipients), trainer_telegram_id, now.isoformat()))
        broadcast_id = cur.lastrowid
        people = dict(conn.execute("SELECT telegram_id, id FROM person").fetchall())
        conn.executemany(
            "INSERT INTO outbox (person_id, chat_id, kind, ref, payload, due_at, created_at)"
            " VALUES (?, ?, 'broadcast', ?, ?, ?, ?)",
            [(people[chat], chat, f"broadcast:{broadcast_id}",
              json.dumps({"method": "send_message", "text": f"{MARK}: de buurtmaaltijd is "
                          "vrijdag om 18:00 in het buurthuis. Neem een bord mee!",
                          "buttons": None, "parse_mode": None}, ensure_ascii=False),
              later, now.isoformat()) for chat in recipients])
        conn.execute("INSERT INTO sent_ref (ref, status, message_id) VALUES (?, 'sent', 1)",
                     (f"broadcast:{broadcast_id}:status",))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return broadcast_id


def make_due(db_path: Path, broadcast_id: int) -> None:
    """Send now: the broadcast's rows become due (the bot's busy_timeout waits for this)."""
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        conn.execute("UPDATE outbox SET due_at = ? WHERE ref = ?",
                     (datetime.now(UTC).isoformat(), f"broadcast:{broadcast_id}"))
    finally:
        conn.close()


def left_in_database(db_path: Path, broadcast_id: int, flood_id: int) -> tuple[int, dict]:
    """After the stop: the flooding chat's replies still stored, and the broadcast by status."""
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        replies = conn.execute("SELECT count(*) FROM reply WHERE chat_id = ?",
                               (flood_id,)).fetchone()[0]
        statuses = dict(conn.execute("SELECT status, count(*) FROM outbox WHERE ref = ?"
                                     " GROUP BY status", (f"broadcast:{broadcast_id}",)))
    finally:
        conn.close()
    return replies, statuses


# the run ---------------------------------------------------------------------------------------
def schedule(streams: list[Stream], seconds: float) -> list[tuple[float, int, Stream, int]]:
    """(offset in seconds, tie-breaker, stream, n) of every message, in time order."""
    events = []
    for order, stream in enumerate(streams):
        count = round(stream.rate * seconds)
        events.append([(n / stream.rate, order, stream, n) for n in range(count)])
    return list(heapq.merge(*events, key=lambda e: (e[0], e[1])))


async def run(opts: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="samenbot-fair-share-"))
    try:
        began = time.perf_counter()
        seeded = seed(workdir / "seed", people=opts.recipients + 400, items=opts.items,
                      source=opts.source)
        residents = seeded.resident_ids
        recipients = residents[:opts.recipients]
        members = residents[:opts.members]  # they get the broadcast too
        trainer = MEMBER_BASE_ID + 2
        run_dir = workdir / "run"
        run_dir.mkdir()
        db_path = run_dir / "samenbot.sqlite3"
        shutil.copyfile(seeded.path, db_path)
        broadcast_id = add_broadcast(db_path, recipients, trainer)
        flood_id = residents[opts.members] if opts.flood_member else FLOOD_ID
        seed_s = time.perf_counter() - began
        await measure(opts, run_dir, db_path, broadcast_id, members, flood_id, seed_s)
    finally:
        if opts.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


async def measure(opts: argparse.Namespace, run_dir: Path, db_path: Path, broadcast_id: int,
                  members: list[int], flood_id: int, seed_s: float) -> None:
    api = Emulator(TOKEN, opts.telegram_limit)
    await api.start()
    env = bot_env(run_dir, MEMBER_BASE_ID + 1, api.base_url)
    env["SAMEN_SEND_RATE"] = f"{opts.send_rate:g}"
    env["SAMEN_LOG_LEVEL"] = "WARNING"
    log_path = run_dir / "output.log"
    streams = [
        Stream("flood", [flood_id], opts.flood_rate, STRANGER_TEXTS, ("nl",)),
        Stream("strangers", [STRANGER_BASE_ID + n for n in range(opts.strangers)],
               opts.stranger_rate, STRANGER_TEXTS, STRANGER_LANGUAGES),
        Stream("members", members, opts.member_rate, MEMBER_TEXTS, ("nl",)),
    ]
    which: dict[int, str] = {}  # injected message index → stream
    exit_s, exit_code = math.nan, None
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=opts.source, env=env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.perf_counter() + 60
            while api.first_poll_at is None:
                if proc.returncode is not None or time.perf_counter() > deadline:
                    raise RuntimeError("the bot did not start polling:\n" + log_tail(log_path))
                await asyncio.sleep(0.01)
            await asyncio.sleep(1.0)  # its start-up work (menus, planning) out of the way
            make_due(db_path, broadcast_id)
            start = time.perf_counter()
            cpu0, busy0, driver0 = cpu_seconds(proc.pid), machine_busy_seconds(), \
                time.process_time()
            for offset, _, stream, n in schedule(streams, opts.seconds):
                delay = start + offset - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                if proc.returncode is not None:
                    raise RuntimeError("the bot exited during the run:\n" + log_tail(log_path))
                user = stream.users[n % len(stream.users)]
                index = api.inject(user, f"U{user % 100_000}",
                                   stream.languages[n % len(stream.languages)],
                                   stream.texts[n % len(stream.texts)])
                which[index] = stream.name
            delay = start + opts.seconds - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            end = time.perf_counter()
            span = end - start
            cpu = 100 * (cpu_seconds(proc.pid) - cpu0) / span
            driver = time.process_time() - driver0
            others = max(0.0, 100 * ((machine_busy_seconds() - busy0)
                                     - (cpu_seconds(proc.pid) - cpu0) - driver) / span)
            flood_answered_in_window = sum(
                1 for i, s in which.items() if s == "flood" and api.answered_at[i] <= end)
            flood_injected = sum(1 for s in which.values() if s == "flood")
            copies_in_window = sum(1 for t in api.copies_at if t <= end)
            finished_at = (max(api.copies_at) if len(api.copies) >= opts.recipients
                           and api.copies_at else None)
            sends_in_window = sum(1 for t in api.sends_at if start <= t <= end)
            limited_in_window = api.rate_limited
            # members and strangers: a short drain for replies still on their way
            give_up = end + opts.drain
            while time.perf_counter() < give_up and any(
                    math.isnan(api.answered_at[i]) for i, s in which.items() if s != "flood"):
                await asyncio.sleep(0.05)
            stopped = time.perf_counter()
            rss = peak_rss_mib(proc.pid)
            term = time.perf_counter()
            proc.send_signal(15)
            try:
                exit_code = await asyncio.wait_for(proc.wait(), 60)
                exit_s = time.perf_counter() - term
            except TimeoutError:
                proc.kill()
                await proc.wait()
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            await api.close()
    stored_flood, statuses = left_in_database(db_path, broadcast_id, flood_id)
    output = log_path.read_text(errors="replace")

    def latencies(name: str) -> tuple[list[float], int]:
        found, unanswered = [], 0
        for i, s in which.items():
            if s != name:
                continue
            answered = api.answered_at[i]
            if math.isnan(answered):
                unanswered += 1
                answered = stopped
            found.append((answered - api.injected_at[i]) * 1000)
        return sorted(found), unanswered

    pace_span = (finished_at - start) if finished_at is not None else span
    pace = (opts.recipients if finished_at is not None else copies_in_window) / pace_span
    print()
    print(f"fair share: samenbot from {opts.source}; {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}; SAMEN_SEND_RATE={opts.send_rate:g}; Telegram limit "
          f"{opts.telegram_limit or 'off'}/s; window {opts.seconds:g} s (seeded in "
          f"{seed_s:.0f} s)")
    flooder = "a member" if opts.flood_member else "a stranger"
    print(f"load: 1 chat x {opts.flood_rate:g} msg/s ({flooder}), {opts.strangers} strangers "
          f"{opts.stranger_rate:g} msg/s in all, "
          f"{len(members)} members {opts.member_rate:g} msg/s in all; broadcast to "
          f"{opts.recipients:,}")
    print()
    state = (f"finished after {pace_span:.1f} s" if finished_at is not None
             else f"{copies_in_window:,} of {opts.recipients:,} copies in the window")
    print(f"broadcast pace: {pace:.1f}/s = {100 * pace / opts.send_rate:.0f}% of "
          f"SAMEN_SEND_RATE (goal >= 80%); {state}")
    for name, label in (("members", "members' replies"), ("strangers", "strangers' replies")):
        values, unanswered = latencies(name)
        bound = ">=" if unanswered else ""
        goal = " (goal p99 < 100 ms)" if name == "members" else ""
        print(f"{label}: p50 {_ms(percentile(values, 0.5))} ms, p99 {bound}"
              f"{_ms(percentile(values, 0.99))} ms{goal}; {len(values):,} messages"
              + (f", {unanswered:,} unanswered {opts.drain:g} s after the window" if unanswered
                 else ""))
    print(f"flooding chat: {flood_injected:,} sent, {flood_answered_in_window:,} answered in the "
          f"window, backlog {flood_injected - flood_answered_in_window:,} at its end; "
          f"{stored_flood:,} of its replies still stored after the stop (sent at the next start)")
    print(f"all messages the emulator accepted: {sends_in_window / span:.1f}/s in the window; "
          f"429 answers: {limited_in_window:,}")
    twice = sum(1 for n in api.copies.values() if n > 1)
    print(f"duplicates: {twice} recipients with 2+ copies, {api.unmatched_replies} replies to "
          f"chats that had nothing unanswered; broadcast rows by status after the stop: "
          f"{dict(sorted(statuses.items()))}")
    print(f"SIGTERM to exit: {exit_s:.1f} s (exit code {exit_code}); bot CPU {cpu:.0f}% of a "
          f"core, peak RSS {rss:.0f} MiB; errors in its log: "
          f"{output.count(' ERROR ') + output.count('Traceback')}")
    flag = " (DISTURBED: these figures are not reliable)" if others > OTHERS_WARNING_PCT else ""
    print(f"other processes used {others:.0f}% of a core during the window{flag}")


def _ms(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="the window (60)")
    parser.add_argument("--send-rate", type=float, default=25.0, help="SAMEN_SEND_RATE (25)")
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--flood-rate", type=float, default=30.0)
    parser.add_argument("--flood-member", action="store_true",
                        help="the flooding chat is a member's instead of a stranger's")
    parser.add_argument("--strangers", type=int, default=100)
    parser.add_argument("--stranger-rate", type=float, default=10.0, help="in all")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--member-rate", type=float, default=2.0, help="in all")
    parser.add_argument("--telegram-limit", type=int, default=30,
                        help="the emulator answers 429 beyond this many messages a second (0: off)")
    parser.add_argument("--drain", type=float, default=10.0,
                        help="seconds to wait after the window for members' and strangers' "
                        "replies still on their way")
    parser.add_argument("--items", type=int, default=5_000, help="needs and offers in the db")
    parser.add_argument("--source", type=Path, default=ROOT,
                        help="the samenbot tree to run (default: this one)")
    parser.add_argument("--keep", action="store_true", help="keep the database and bot log")
    opts = parser.parse_args(argv)
    opts.source = opts.source.resolve()
    if not (opts.source / "bot" / "__main__.py").is_file():
        parser.error(f"--source {opts.source} has no bot/__main__.py")
    if min(opts.seconds, opts.send_rate, opts.flood_rate, opts.stranger_rate,
           opts.member_rate) <= 0 or min(opts.recipients, opts.strangers, opts.members) < 1:
        parser.error("rates, counts and --seconds must be positive")
    return opts


if __name__ == "__main__":
    asyncio.run(run(parse_args()))
