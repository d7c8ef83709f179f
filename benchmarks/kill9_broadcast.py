"""A broadcast to 2,000 people while ``samenbot run`` is killed with SIGKILL, or stopped once
with SIGTERM, against a Bot API emulator over HTTP on 127.0.0.1 that answers 429 (retry_after
1) beyond 30 sends a second; the bot runs with SAMEN_SEND_RATE=25.

The recipients are written straight into the SQLite file after ``python -m bot migrate``
(residents with a Telegram id and a language); the admin joins through the bot and invites a
trainer, who sends ``/broadcast`` → the text → "Everyone" → "Send now". Then:

- default: ``--kills`` SIGKILLs (default 10) at random moments while rows are still waiting,
  each restarted within a second;
- ``--sigterm``: one SIGTERM when about half the copies went out; the seconds until the
  process exits are measured, then it is started again.

Printed: recipients; how many got 0, 1, 2 or more copies (counted at the emulator, by the exact
text); the outbox by status; unknown rows per kill; duration; the last status text the trainer
saw. The bot is a black box: its Bot API calls, its SQLite file, its stderr.

    .venv/bin/python benchmarks/kill9_broadcast.py [--recipients 2000] [--kills 10]
    .venv/bin/python benchmarks/kill9_broadcast.py --sigterm
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from kill9 import (
    ADMIN,
    ROOT,
    TOKEN,
    Action,
    BotProcess,
    Database,
    Person,
    SetupError,
    bot_env,
    button,
    join,
    make_invite,
    send,
    tap,
    tracebacks,
)

from bot.simulator.http import BotApiEmulator

TRAINER = 9003
FIRST_RECIPIENT = 100_000
LANGUAGES = (("nl", 0.7), ("en", 0.2), ("ar", 0.1))


def seed(bot_dir: Path, env: dict[str, str], db_path: Path, count: int, rng: random.Random
         ) -> None:
    """``count`` residents who agreed earlier, straight into the person table."""
    done = subprocess.run([sys.executable, "-m", "bot", "migrate"], cwd=bot_dir, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SetupError(f"migrate failed: {done.stderr.strip()[-300:]}")
    now = datetime.now(UTC).isoformat()
    codes, weights = zip(*LANGUAGES, strict=True)
    rows = [(FIRST_RECIPIENT + n, f"Buur{n}", "resident", rng.choices(codes, weights)[0],
             "benchmark", now, now) for n in range(count)]
    conn = sqlite3.connect(db_path, timeout=10)
    try:
        with conn:
            conn.executemany(
                "INSERT INTO person (telegram_id, display_name, role, language,"
                " consent_version, consent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        conn.close()


def start_broadcast(trainer: Person, db: Database, text: str) -> tuple[int, int]:
    """/broadcast → the text → Everyone → Send now; returns (broadcast id, total)."""
    typed = []

    def goal(_began: int) -> tuple[int, int] | None:
        rows = db.rows("SELECT id, total FROM broadcast ORDER BY id DESC LIMIT 1")
        return rows[0] if rows else None

    def decide(began: int) -> Action | None:
        screen = trainer.newest_buttons(began)
        if screen is None:
            return None
        for key in ("bc:go", "bc:aud:everyone"):
            if button(screen, key):
                return tap(screen, button(screen, key))
        others = [d for _label, d in screen.buttons if not d.startswith("bc:stop")]
        if not others and len(typed) < 3:  # the question with only Cancel under it: the text
            typed.append(text)
            return send(text)
        return None

    found = trainer.drive(goal, decide, send("/broadcast"))
    return found  # type: ignore[return-value]


BIDI_CONTROLS = set("\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e")


class Broadcast:
    def __init__(self, api: BotApiEmulator, db: Database, text: str, broadcast_id: int) -> None:
        self.api, self.db, self.text, self.id = api, db, text, broadcast_id

    def copies(self) -> Counter[int]:
        # A copy carries a header that says who sends it ("📣 Van Tessa (Trainer):"), then the
        # trainer's text.
        # trainer's text (for a right-to-left reader with its Latin runs isolated).
        def plain(text: str) -> str:
            return "".join(ch for ch in text if ch not in BIDI_CONTROLS)

        return self.api.count_messages(lambda m: plain(m.text).endswith("\n" + self.text)
                                       or plain(m.text) == self.text)

    def outbox(self) -> dict[str, int]:
        return dict(self.db.rows("SELECT status, count(*) FROM outbox GROUP BY status"))

    def waiting(self) -> int:
        rows = self.db.rows("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")
        return rows[0][0] if rows else 0

    def rows_by_chat(self) -> dict[int, list[str]]:
        rows = self.db.rows("SELECT chat_id, status FROM outbox WHERE ref = ?",
                            (f"broadcast:{self.id}",))
        if not rows:  # another way of marking the rows: every broadcast row then
            rows = self.db.rows("SELECT chat_id, status FROM outbox WHERE kind = 'broadcast'")
        found: dict[int, list[str]] = {}
        for chat_id, status in rows:
            found.setdefault(chat_id, []).append(status)
        return found

    def recipients(self) -> list[int]:
        return [row[0] for row in self.db.rows(
            "SELECT telegram_id FROM person WHERE telegram_id IS NOT NULL AND telegram_id != ?"
            " AND active = 1 AND unreachable_at IS NULL", (TRAINER,))]

    def finished(self, bot: BotProcess) -> bool:
        return bot.alive() and self.waiting() == 0


def killer(bot: BotProcess, broadcast: Broadcast, kills: int, up: tuple[float, float],
           rng: random.Random, stop: threading.Event) -> None:
    for _ in range(kills):
        if stop.wait(rng.uniform(*up)) or broadcast.waiting() == 0:
            return
        bot.kill()
        time.sleep(rng.uniform(0.05, 1.0))
        bot.start()


def wait_finished(bot: BotProcess, broadcast: Broadcast, deadline: float) -> bool:
    """Until nothing waits in the outbox (twice in a row, a second apart), or the deadline."""
    quiet = 0
    while time.monotonic() < deadline:
        bot.restart_if_dead()
        quiet = quiet + 1 if broadcast.finished(bot) else 0
        if quiet >= 2:
            return True
        time.sleep(0.5)
    return False


def status_text(api: BotApiEmulator, since_seq: int) -> str:
    """The newest message the trainer got after Send now (the status, edited in place)."""
    found = [m for m in api.messages(TRAINER) if m.seq > since_seq]
    counting = [m for m in found if m.text.startswith("📣")]
    chosen = (counting or found)[-1:] if (counting or found) else []
    return chosen[0].text if chosen else "(nothing)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--sigterm", action="store_true",
                        help="one SIGTERM halfway instead of the SIGKILLs")
    parser.add_argument("--up", type=float, nargs=2, default=(2.0, 10.0), metavar=("MIN", "MAX"),
                        help="seconds the bot runs between a restart and the next kill")
    parser.add_argument("--limit", type=int, default=30, help="emulator: sends a second")
    parser.add_argument("--send-rate", default="25", help="SAMEN_SEND_RATE")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bot-dir", type=Path, default=ROOT)
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=600, help="seconds, at most")
    args = parser.parse_args(argv)
    mode = "one SIGTERM halfway" if args.sigterm else f"{args.kills} SIGKILLs"
    print(f"broadcast to {args.recipients} recipients with {mode}: samenbot run as a subprocess "
          f"against a Bot API emulator over HTTP (429 beyond {args.limit}/s, "
          f"SAMEN_SEND_RATE={args.send_rate}); bot from {args.bot_dir}")
    began = time.monotonic()
    holder = None
    if args.data_dir is None:
        holder = tempfile.TemporaryDirectory(prefix="kill9-broadcast-")
        data_dir = Path(holder.name)
    else:
        data_dir = args.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
    try:
        run(args, data_dir, began)
    except SetupError as exc:
        print(f"set-up failed, no figures: {exc}")
    finally:
        if holder is not None:
            holder.cleanup()


def run(args: argparse.Namespace, data_dir: Path, began: float) -> None:
    rng = random.Random(args.seed)
    db = Database(data_dir / "samenbot.sqlite3")
    log = data_dir / "bot-output.log"
    with BotApiEmulator(TOKEN, rate_limit=args.limit, retry_after=1, seed=args.seed) as api:
        env = bot_env(api, data_dir, SAMEN_ADMIN_IDS=str(ADMIN), SAMEN_SEND_RATE=args.send_rate)
        seed(args.bot_dir, env, db.path, args.recipients, rng)
        bot = BotProcess(args.bot_dir, env, log)
        bot.start()
        try:
            admin = Person(api, ADMIN, "Ada")
            join(admin, db, None)
            trainer = Person(api, TRAINER, "Tess")
            join(trainer, db, make_invite(admin, "trainer", 1, 1))
            text = f"Benchmark broadcast {rng.getrandbits(32):08x}: de buurtmaaltijd is vrijdag."
            mark = api.seq()
            broadcast_id, total = start_broadcast(trainer, db, text)
            broadcast = Broadcast(api, db, text, broadcast_id)
            sent_at = time.monotonic()
            print(f"  set-up done after {sent_at - began:.0f} s; broadcast {broadcast_id} to "
                  f"{total} people queued")
            deadline = began + args.timeout
            if args.sigterm:
                term = sigterm_halfway(bot, broadcast, total, deadline, rng)
            else:
                stop = threading.Event()
                thread = threading.Thread(target=killer, args=(
                    bot, broadcast, args.kills, tuple(args.up), rng, stop), daemon=True)
                thread.start()
                done = wait_finished(bot, broadcast, deadline)
                stop.set()
                thread.join()
                if not done or bot.kills < args.kills:  # the killer may have just restarted
                    done = wait_finished(bot, broadcast, deadline)
                term = None
            duration = time.monotonic() - sent_at
            finished = broadcast.waiting() == 0
            report_deadline = time.monotonic() + 10  # the status message turns into the report
            while time.monotonic() < report_deadline and not db.rows(
                    "SELECT 1 FROM broadcast WHERE id = ? AND status = 'done'", (broadcast_id,)):
                time.sleep(0.5)
            time.sleep(2.5)  # one more status refresh
        finally:
            exit_seconds, exit_code = bot.terminate()
        report(args, api, bot, broadcast, total, duration, finished, term, mark, log,
               time.monotonic() - began, (exit_seconds, exit_code))


def sigterm_halfway(bot: BotProcess, broadcast: Broadcast, total: int, deadline: float,
                    rng: random.Random) -> dict[str, float | int | None]:
    while time.monotonic() < deadline and sum(broadcast.copies().values()) < total // 2:
        time.sleep(0.1)
    before = sum(broadcast.copies().values())
    seconds, code = bot.terminate(timeout=60)
    after = sum(broadcast.copies().values())
    at_exit = broadcast.outbox()
    time.sleep(rng.uniform(0.05, 1.0))
    bot.start()
    finished = wait_finished(bot, broadcast, deadline)
    return {"seconds": seconds, "code": code, "before": before, "during": after - before,
            "at_exit": at_exit, "finished": finished}


def report(args: argparse.Namespace, api: BotApiEmulator, bot: BotProcess,
           broadcast: Broadcast, total: int, duration: float, finished: bool,
           term: dict | None, mark: int, log: Path, run_time: float,
           exit_: tuple[float, int | None]) -> None:
    copies = broadcast.copies()
    recipients = broadcast.recipients()
    per = Counter(min(copies.get(chat, 0), 2) for chat in recipients)
    outside = sum(n for chat, n in copies.items() if chat not in set(recipients))
    outbox = broadcast.outbox()
    unknown = outbox.get("unknown", 0)
    rows = broadcast.rows_by_chat()
    arrived = Counter()
    for chat, statuses in rows.items():
        for status in statuses:
            arrived[(status, "arrived" if copies.get(chat, 0) else "did not arrive")] += 1
    count, last_lines = tracebacks(log)
    print()
    print(f"recipients: {len(recipients)} (the broadcast counted {total})")
    print(f"copies per recipient: 0: {per[0]}, 1: {per[1]}, 2+: {per[2]}"
          + (f" (and {outside} copies to chats that are not recipients)" if outside else ""))
    print(f"outbox by status: {dict(sorted(outbox.items()))}")
    if term is None:
        print(f"unknown rows: {unknown}; kills: {bot.kills}; unknown per kill: "
              f"{unknown / bot.kills if bot.kills else 0:.2f}")
    else:
        print(f"SIGTERM to exit: {term['seconds']:.1f} s (exit code {term['code']}); "
              f"copies sent between SIGTERM and exit: {term['during']}; unknown rows at the end:"
              f" {unknown}")
        print(f"outbox by status right after the exit: {dict(sorted(term['at_exit'].items()))}"
              " ('sending' rows become 'unknown' at the next start)")
    print(f"duration (Send now to nothing waiting): {duration:.0f} s"
          + ("" if finished else " (NOT finished: rows still waiting at the time limit)"))
    print("last status the trainer saw: " + status_text(api, mark).replace("\n", " | "))
    print(f"tracebacks in the bot's stderr: {count}")
    for line, n in last_lines.most_common():
        print(f"  {n} x {line}")
    print()
    print("details:")
    print("  outbox rows of the broadcast by status and whether the emulator got the message: "
          + ", ".join(f"{s} {a}: {n}" for (s, a), n in sorted(arrived.items())))
    print(f"  429 answers: {api.rate_limited}; sends accepted: {api.calls['sendmessage']} "
          f"sendMessage calls in all; run time {run_time:.0f} s")
    print(f"  bot starts {len(bot.started)}, exits nobody asked for {len(bot.unexpected)}; "
          f"final SIGTERM to exit {exit_[0]:.1f} s (exit code {exit_[1]})")
    errors = ", ".join(f"{n} x {e[:70]}" for e, n in api.errors.most_common(5))
    print(f"  Bot API error answers: {errors or 'none'}")


if __name__ == "__main__":
    try:
        main()
    except Exception:  # a benchmark: say what broke, but exit 0
        traceback.print_exc()
    sys.exit(0)
