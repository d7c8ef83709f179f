"""kill -9 campaign: ``samenbot run`` as a real process against a Bot API emulator over HTTP on
127.0.0.1, killed with SIGKILL at random moments while residents fill in /share.

Set-up (no kills): the admin joins, invites a kwartiermaker, who joins and makes group invites;
``--users`` residents (default 40) join with them at the same time. Then every resident does
rounds of /share (one need, Next, Skip, one offer, Next, Skip, Save) like a person would: after
each action they wait for something visible in their chat; with nothing after 4 s they repeat
the action once, then re-read the screen and carry on from what it shows (the newest question,
"that button is no longer active", the summary; with nothing to tap they send /share again).
60 s without reaching a new stage is "stuck". Meanwhile the bot is killed ``--kills`` times
(default 50), each time 0.5–4 s after it was started again, and restarted within a second.
After the last kill the residents finish their round, and the bot gets SIGTERM.

Printed: user updates sent; updates after which nothing appeared in that chat before the
person's next action; stuck users; duplicated rows (items beyond what the rounds a person saw
"saved" should have created); confirmed rounds whose stored items differ from the summary the
person last saw; kills; run time; tracebacks in the bot's stderr. The bot is a black box: only
its Bot API calls and its SQLite file (``person``, ``item``) are read.

    .venv/bin/python benchmarks/kill9.py [--users 40] [--kills 50] [--seed 1]
    .venv/bin/python benchmarks/kill9.py --bot-dir /tmp/samenbot-before   # another checkout
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.simulator.http import BotApiEmulator, ChatMessage, EmulatedUser, Pushed, is_any

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST"
ADMIN, ORGANISER, FIRST_RESIDENT = 9001, 9002, 20_001
LINK_RE = re.compile(r"https://t\.me/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)")
REACTION_SECONDS = 4.0  # a person waits this long for something to happen, then repeats once
QUIET_SECONDS = 0.6  # after a reaction: the screen is read once the chat is quiet this long
STUCK_SECONDS = 60.0
# The confirmation after Save, in the languages the residents may pick (they pick the first).
SAVED_PREFIXES = ("Opgeslagen. Dank je!", "Saved. Thank you!")
SUMMARY_LINE = re.compile(r"^\d+\. (🤲|🎁) (.+?)(?: – .*)?$")


class SetupError(RuntimeError):
    pass


# the bot as a process ------------------------------------------------------------------------
def bot_env(api: BotApiEmulator, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
               TELEGRAM_API_BASE_FILE_URL=api.base_file_url, SAMEN_DATA_DIR=str(data_dir),
               PYTHONUNBUFFERED="1", **extra)
    return env


def pace_env(send_rate: float) -> dict[str, str]:
    """The send budget: by default lifted, like the emulator, which answers everything (this
    campaign is about crashes; ``fair_share.py`` is about pacing); ``--send-rate 25`` runs it
    at the production pace."""
    return {"SAMEN_SEND_RATE": f"{send_rate:g}", "SAMEN_SEND_RATE_UNCHECKED": "1"}


class BotProcess:
    """``python -m bot run`` in ``bot_dir``; stdout and stderr of every start go to one log."""

    def __init__(self, bot_dir: Path, env: dict[str, str], log: Path) -> None:
        self.bot_dir, self.env, self.log = bot_dir, env, log
        self.proc: subprocess.Popen | None = None
        self.started: list[float] = []
        self.killed: list[float] = []  # time.time() of every SIGKILL
        self.kills = 0
        self.unexpected: list[int] = []  # exit codes of exits nobody asked for
        self._lock = threading.Lock()
        self._down_on_purpose = False

    def start(self) -> None:
        with self._lock:
            self._down_on_purpose = False
            self.started.append(time.time())
            with open(self.log, "ab") as log:
                log.write(f"=== start {len(self.started)} ===\n".encode())
                log.flush()
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "bot", "run"], cwd=self.bot_dir, env=self.env,
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def restart_if_dead(self) -> bool:
        """A watchdog: an exit nobody asked for is noted and the bot started again."""
        with self._lock:
            dead = (not self._down_on_purpose and self.proc is not None
                    and self.proc.poll() is not None)
            if dead:
                self.unexpected.append(self.proc.returncode)
        if dead:
            self.start()
        return dead

    def kill(self) -> None:
        with self._lock:
            self._down_on_purpose = True
            if self.proc is not None and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
                self.killed.append(time.time())
                self.proc.wait()
                self.kills += 1

    def terminate(self, timeout: float = 60.0) -> tuple[float, int | None]:
        """SIGTERM; returns (seconds until the process exited, exit code); SIGKILL after
        ``timeout`` (exit code None then)."""
        with self._lock:
            self._down_on_purpose = True
            if self.proc is None or self.proc.poll() is not None:
                return 0.0, None if self.proc is None else self.proc.returncode
            began = time.monotonic()
            self.proc.send_signal(signal.SIGTERM)
            try:
                code: int | None = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()
                code = None
            return time.monotonic() - began, code

    def startup_seconds(self, api: BotApiEmulator) -> list[float]:
        """Per start that got that far: seconds from the start to its first getUpdates."""
        polls, found = sorted(api.poll_started), []
        for n, began in enumerate(self.started):
            until = self.started[n + 1] if n + 1 < len(self.started) else float("inf")
            first = next((p for p in polls if began < p < until), None)
            if first is not None:
                found.append(first - began)
        return found


def tracebacks(log: Path) -> tuple[int, Counter[str]]:
    """How many tracebacks the log holds, and their last lines (the exception) counted."""
    count, last_lines = 0, Counter()
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    for i, line in enumerate(lines):
        if not line.startswith("Traceback (most recent call last)"):
            continue
        count += 1
        j = i + 1
        while j < len(lines) and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
            j += 1
        last_lines[lines[j][:160] if j < len(lines) else "(cut off by a kill)"] += 1
    return count, last_lines


class Database:
    """Reads the bot's SQLite file (a fresh connection per query; WAL lets the bot write)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        if not self.path.exists():
            return []
        conn = sqlite3.connect(self.path, timeout=10)
        try:
            return conn.execute(sql, args).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []
        finally:
            conn.close()

    def is_member(self, telegram_id: int) -> bool:
        return bool(self.rows("SELECT 1 FROM person WHERE telegram_id = ?", (telegram_id,)))


def ts(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


# a person on their phone ---------------------------------------------------------------------
@dataclass(frozen=True)
class Action:
    kind: str  # send, tap
    text: str = ""  # the text sent, or the callback data tapped
    message: ChatMessage | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.text}"


def send(text: str) -> Action:
    return Action("send", text)


def tap(message: ChatMessage, data: str) -> Action:
    return Action("tap", data, message)


def button(message: ChatMessage | None, key: str) -> str | None:
    """The callback data of the first button that is ``key`` or ``key:…`` (buttons may carry
    more after the part a person recognises, such as a version)."""
    if message is None:
        return None
    return next((d for _label, d in message.buttons if d == key or d.startswith(key + ":")),
                None)


class Person:
    """Acts, waits for a visible reaction, repeats once, and lets the chat settle."""

    def __init__(self, api: BotApiEmulator, user_id: int, name: str) -> None:
        self.api, self.id = api, user_id
        self.user: EmulatedUser = api.user(user_id, name, "nl")
        self.repeats = 0  # actions repeated after 4 s without a reaction
        self.unanswered = 0  # actions that stayed without a reaction after the repeat too
        self.history: list[str] = []

    def push(self, action: Action) -> Pushed:
        self.history.append(f"{time.strftime('%H:%M:%S')} {action}")
        del self.history[:-12]
        if action.kind == "send":
            return self.user.send(action.text)
        return self.user.tap(action.message, action.text)

    def do(self, action: Action, stop: threading.Event | None = None) -> bool:
        """True when something visible happened after the action (or its one repeat)."""
        for attempt in range(2):
            if stop is not None and stop.is_set():
                return False
            pushed = self.push(action)
            if self.user.wait(pushed.seq, REACTION_SECONDS) is not None:
                self.settle(pushed.seq)
                return True
            if attempt == 0:
                self.repeats += 1
        self.unanswered += 1
        return False

    def settle(self, after_seq: int) -> None:
        """Waits until the chat has been quiet for a moment (a question usually follows the
        removal of the old buttons)."""
        last, deadline = after_seq, time.monotonic() + 5
        while time.monotonic() < deadline:
            activity = self.api.wait_activity(self.id, last, QUIET_SECONDS, is_any)
            if activity is None:
                return
            last = activity.seq

    def newest_with(self, after_seq: int, prefix: str) -> ChatMessage | None:
        for message in reversed(self.user.messages()):
            if message.seq > after_seq and message.data_starting(prefix):
                return message
        return None

    def newest_buttons(self, after_seq: int) -> ChatMessage | None:
        return self.user.last_with_buttons(after_seq)

    def drive(self, goal: Callable[[int], object], decide: Callable[[int], Action | None],
              restart: Action, timeout: float = 90.0) -> object:
        """A set-up journey: acts until ``goal`` returns something; ``decide`` reads the screen
        (None: nothing to tap, so ``restart``)."""
        began = self.api.seq()
        deadline = time.monotonic() + timeout
        action = restart
        while True:
            self.do(action)
            found = goal(began)
            if found:
                return found
            if time.monotonic() > deadline:
                last = [m.text[:100] for m in self.user.messages()[-2:]]
                raise SetupError(f"user {self.id} did not get there: {self.history[-6:]}; "
                                 f"last messages: {last}")
            action = decide(began) or restart


def join(person: Person, db: Database, code: str | None) -> None:
    """/start (with the invite code), the first language, I agree."""

    def decide(began: int) -> Action | None:
        screen = person.newest_buttons(began)
        if button(screen, "ob:yes"):
            return tap(screen, button(screen, "ob:yes"))
        if button(screen, "ob:lang"):
            return tap(screen, screen.buttons[0][1])  # the first language
        return None

    person.drive(lambda _began: db.is_member(person.id), decide,
                 send(f"/start {code}" if code else "/start"))


def make_invite(person: Person, role: str | None, uses: int, days: int) -> str:
    """/invite → role (unless only one) → round (none) → for how many → how long → language
    (they choose themselves); the code from the caption."""

    def link(began: int) -> str | None:
        for message in reversed(person.user.messages()):
            found = LINK_RE.search(message.text) if message.seq > began else None
            if found:
                return found.group(1)
        return None

    def decide(began: int) -> Action | None:
        screen = person.newest_buttons(began)
        for key, value in (("inv:role", role), ("inv:rnd", 0), ("inv:uses", uses),
                           ("inv:days", days), ("inv:lang", "any")):
            if button(screen, key) and button(screen, f"{key}:{value}"):
                return tap(screen, button(screen, f"{key}:{value}"))
        return None

    return str(person.drive(link, decide, send("/invite")))


# a resident doing rounds of /share -----------------------------------------------------------
@dataclass
class Round:
    number: int
    need: str
    offer: str
    started_seq: int = 0
    started_at: float = 0.0
    shares: int = 0  # /share sent in this round (more than one: started again)
    save_seq: int | None = None  # the first tap on Save
    summary: list[tuple[str, str]] | None = None  # (kind, category) last shown before Save
    summary_text: str = ""
    saved_at: float | None = None  # when "saved" appeared
    best: int = 0  # the furthest stage reached
    ticked: set[tuple[str, str]] = field(default_factory=set)  # seen ✅ when tapping Next
    missing: list[tuple[str, str]] = field(default_factory=list)  # ticked, not in the summary


STAGES = {"needs": 1, "needs_ticked": 2, "need_detail": 3, "offers": 4, "offers_ticked": 5,
          "offer_detail": 6, "nudge": 4, "summary": 7, "saved": 8}


@dataclass
class Screen:
    kind: str  # needs, offers, detail, nudge, summary, saved
    message: ChatMessage | None = None


class Resident(Person):
    def __init__(self, api: BotApiEmulator, user_id: int, name: str, rng: random.Random,
                 categories: list[str]) -> None:
        super().__init__(api, user_id, name)
        self.rng, self.categories = rng, categories
        self.rounds: list[Round] = []
        self.labels: dict[str, str] = {}  # category label (as on the buttons) → code
        self.stuck: str | None = None
        self.unfinished = False
        self.restarts = 0  # /share sent again within a round
        self.gave_up_tick = 0  # a tick that got nothing, even repeated: Next tapped anyway
        self.dead_ends = 0  # something happened (buttons went), but no question followed
        self._no_reaction: tuple[int, str] | None = None  # (message id, data) that got nothing

    # reading the screen -----------------------------------------------------------------------
    def screen(self, r: Round) -> Screen | None:
        messages = [m for m in self.user.messages() if m.seq > r.started_seq]
        if r.save_seq is not None:
            saved = next((m for m in messages if m.seq > r.save_seq and not m.buttons
                          and m.text.startswith(SAVED_PREFIXES)), None)
            if saved is not None:
                r.saved_at = saved.sent_at
                return Screen("saved", saved)
        for message in reversed(messages):
            if button(message, "sh:save") or button(message, "sh:again"):
                return Screen("summary", message)
            if button(message, "sh:next"):
                return Screen("offers" if button(message, "sh:none") else "needs", message)
            if button(message, "sh:skip"):
                return Screen("detail", message)
            if button(message, "sh:small"):
                return Screen("nudge", message)
        return None

    def _grid(self, message: ChatMessage) -> tuple[dict[str, str], set[str]]:
        """category code → callback data of its button; the ticked codes."""
        found, ticked = {}, set()
        for label, data in message.buttons:
            parts = data.split(":")
            if len(parts) >= 3 and parts[:2] == ["sh", "c"]:
                found[parts[2]] = data
                self.labels[label.removeprefix("✅").strip()] = parts[2]
                if label.startswith("✅"):  # what the person sees, whatever the data says
                    ticked.add(parts[2])
        return found, ticked

    def stage(self, r: Round, screen: Screen) -> int:
        if screen.kind in ("needs", "offers"):
            _grid, ticked = self._grid(screen.message)
            target = r.need if screen.kind == "needs" else r.offer
            return STAGES[f"{screen.kind}_ticked" if target in ticked else screen.kind]
        if screen.kind == "detail":
            offer_label = next((lab for lab, code in self.labels.items() if code == r.offer), "")
            is_offer = bool(offer_label) and screen.message.text.startswith(offer_label)
            return STAGES["offer_detail" if is_offer else "need_detail"]
        return STAGES[screen.kind]

    def parse_summary(self, text: str) -> list[tuple[str, str]]:
        items = []
        for line in text.splitlines():
            found = SUMMARY_LINE.match(line.strip())
            if found:
                kind = "need" if found.group(1) == "🤲" else "offer"
                items.append((kind, self.labels.get(found.group(2).strip(), found.group(2))))
        return items

    # deciding -------------------------------------------------------------------------------
    def decide(self, r: Round, screen: Screen) -> Action:
        """What a person taps on this screen. The same tap that already got nothing twice is
        not tried a third time: a tick that is not redrawn → Next; anything else → /share."""
        message = screen.message
        action = self._choose(r, screen)
        if self._no_reaction == (message.message_id, action.text):
            if action.text.startswith("sh:c:") and button(message, "sh:next"):
                self.gave_up_tick += 1
                return tap(message, button(message, "sh:next"))
            return self.restart(r)
        if action.text.startswith("sh:save") and r.save_seq is None:
            r.save_seq = self.api.seq()
        return action

    def _choose(self, r: Round, screen: Screen) -> Action:
        message = screen.message
        if screen.kind in ("needs", "offers"):
            buttons, ticked = self._grid(message)
            target = r.need if screen.kind == "needs" else r.offer
            tick = buttons.get(target)
            if target in ticked or tick is None:
                if target in ticked:
                    r.ticked.add(("need" if screen.kind == "needs" else "offer", target))
                return tap(message, button(message, "sh:next"))
            return tap(message, tick)
        if screen.kind == "detail":
            return tap(message, button(message, "sh:skip"))
        if screen.kind == "nudge":
            return tap(message, button(message, "sh:small"))
        r.summary_text = message.text  # the summary: what the person reads before saving
        r.summary = self.parse_summary(message.text)
        r.missing = sorted(r.ticked - set(r.summary))
        save = button(message, "sh:save") or button(message, "sh:again")
        return tap(message, save) if save else self.restart(r)

    def restart(self, r: Round) -> Action:
        r.ticked = set()
        r.shares += 1
        if r.shares > 1:
            self.restarts += 1
        return send("/share")

    # playing ----------------------------------------------------------------------------------
    def run(self, no_new_rounds: threading.Event, abort: threading.Event) -> None:
        while not no_new_rounds.is_set() and not abort.is_set():
            need, offer = self.rng.sample(self.categories, 2)
            r = Round(len(self.rounds) + 1, need, offer)
            r.started_seq, r.started_at = self.api.seq(), time.time()
            self.rounds.append(r)
            self.play(r, abort)
            if self.stuck or r.saved_at is None:
                if abort.is_set() and not self.stuck:
                    self.unfinished = True
                return

    def play(self, r: Round, abort: threading.Event) -> None:
        progress = time.monotonic()
        action = self.restart(r)
        while not abort.is_set():
            reacted = self.do(action, abort)
            self._no_reaction = (None if reacted or action.message is None
                                 else (action.message.message_id, action.text))
            screen = self.screen(r)
            if screen is None and reacted:  # e.g. the buttons went: the question may follow
                mark = self.api.seq()
                if self.user.wait(mark, REACTION_SECONDS) is not None:
                    self.settle(mark)
                    screen = self.screen(r)
                if screen is None:
                    self.dead_ends += 1
            if screen is not None:
                stage = self.stage(r, screen)
                if stage > r.best:
                    r.best, progress = stage, time.monotonic()
                if screen.kind == "saved":
                    return
            if time.monotonic() - progress > STUCK_SECONDS:
                last = self.user.messages()[-1:] or [None]
                self.stuck = (f"round {r.number}, furthest stage {r.best}, screen "
                              f"{screen.kind if screen else None}; last actions "
                              f"{self.history[-4:]}; last message "
                              f"{last[0].text[:80] if last[0] else None!r}")
                return
            action = self.decide(r, screen) if screen is not None else self.restart(r)


# the campaign --------------------------------------------------------------------------------
def killer(bot: BotProcess, kills: int, rng: random.Random, up: tuple[float, float],
           done: threading.Event, abort: threading.Event) -> None:
    for _ in range(kills):
        if abort.wait(rng.uniform(*up)):
            break
        bot.kill()
        time.sleep(rng.uniform(0.05, 1.0))
        bot.start()
    done.set()


def watchdog(bot: BotProcess, stop: threading.Event) -> None:
    while not stop.wait(0.5):
        bot.restart_if_dead()


def unanswered_updates(api: BotApiEmulator, chat_ids: list[int]) -> tuple[int, list[Pushed]]:
    """(updates sent, updates after which nothing happened in the chat before the next one)."""
    sent, silent = 0, []
    for chat_id in chat_ids:
        pushed = api.pushed(chat_id)
        seqs = [a.seq for a in api.activity(chat_id)]
        for n, update in enumerate(pushed):
            until = pushed[n + 1].seq if n + 1 < len(pushed) else float("inf")
            sent += 1
            if not any(update.seq < s < until for s in seqs):
                silent.append(update)
    return sent, silent


def never_answered(api: BotApiEmulator, chat_ids: list[int]) -> tuple[list[Pushed], list[Pushed]]:
    """Updates the bot never reacted to at all, even late: taps whose callback query was never
    answered (exact: every tap gets an answer), and messages after which nothing at all ever
    happened in that chat (the bot answers every message)."""
    taps, texts = [], []
    for chat_id in chat_ids:
        last_seen = max((a.seq for a in api.activity(chat_id)), default=-1)
        for update in api.pushed(chat_id):
            if update.query_id is not None and not api.answered(update.query_id):
                taps.append(update)
            elif update.query_id is None and update.seq > last_seen:
                texts.append(update)
    return taps, texts


def save_groups(rows: list[tuple]) -> list[tuple[float, Counter]]:
    """Items stored by one save share a moment: group them (0.5 s apart at most)."""
    groups: list[tuple[float, Counter]] = []
    for kind, category, created in sorted(rows, key=lambda r: ts(r[2])):
        moment = ts(created)
        if groups and moment - groups[-1][0] <= 0.5:
            groups[-1][1][(kind, category)] += 1
        else:
            groups.append((moment, Counter({(kind, category): 1})))
    return groups


def compare(residents: list[Resident], db: Database, kills: list[float]) -> dict[str, object]:
    rows = db.rows("SELECT p.telegram_id, i.kind, i.category, i.created_at FROM item i "
                   "JOIN person p ON p.id = i.person_id")
    by_person: dict[int, list[tuple]] = {}
    for telegram_id, kind, category, created in rows:
        by_person.setdefault(telegram_id, []).append((kind, category, created))
    extra_in_round = unconfirmed_rows = unconfirmed_saves = 0
    differing, lost, examples = 0, 0, []
    for resident in residents:
        stored = by_person.get(resident.id, [])
        confirmed = [r for r in resident.rounds if r.saved_at is not None]
        groups = save_groups(stored)
        left = list(groups)
        for r in confirmed:
            candidates = [g for g in left if r.started_at - 0.5 <= g[0] <= r.saved_at + 0.5]
            if not candidates:
                differing += 1
                lost += 1
                if len(examples) < 5:
                    examples.append(f"user {resident.id} round {r.number}: saw saved, "
                                    f"nothing stored; summary {r.summary}")
                continue
            group = candidates[-1]
            left.remove(group)
            shown = Counter(r.summary or [])
            extra_in_round += sum((group[1] - shown).values())
            if set(group[1]) != set(shown):
                differing += 1
                if len(examples) < 5:
                    examples.append(f"user {resident.id} round {r.number}: summary {r.summary}"
                                    f" but stored {dict(group[1])}")
        unconfirmed_saves += len(left)
        unconfirmed_rows += sum(sum(g[1].values()) for g in left)
        for moment, items in left:
            if len(examples) >= 8:
                break
            kill = next((k for k in kills if k >= moment), None)
            during = next((r for r in reversed(resident.rounds) if r.started_at <= moment), None)
            examples.append(
                f"user {resident.id}: saved {sorted(items)} at "
                f"{time.strftime('%H:%M:%S', time.localtime(moment))}, never confirmed"
                + (f"; SIGKILL {kill - moment:.2f} s later" if kill is not None else "")
                + (f"; the person then did round {during.number} again and saw saved "
                   f"{during.saved_at - moment:.1f} s later with {during.summary}"
                   if during is not None and during.saved_at else ""))
    # Counted per save, so that a save that went missing cannot hide a duplicate elsewhere.
    return {"duplicated": extra_in_round + unconfirmed_rows, "extra_in_round": extra_in_round,
            "unconfirmed_rows": unconfirmed_rows, "unconfirmed_saves": unconfirmed_saves,
            "differing": differing, "lost": lost, "examples": examples,
            "stored": len(rows)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40, help="residents (default 40)")
    parser.add_argument("--kills", type=int, default=50, help="SIGKILLs (default 50)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--send-rate", type=float, default=1000,
                        help="SAMEN_SEND_RATE (default 1000: unpaced; 25 is production's)")
    parser.add_argument("--up", type=float, nargs=2, default=(0.5, 4.0), metavar=("MIN", "MAX"),
                        help="seconds the bot runs between a restart and the next kill")
    parser.add_argument("--bot-dir", type=Path, default=ROOT,
                        help="the checkout whose bot is run (default: this one)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="kept afterwards (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    print("kill -9 campaign: samenbot run as a subprocess against a Bot API emulator over HTTP")
    print(f"  {args.users} residents doing rounds of /share, {args.kills} SIGKILLs "
          f"({args.up[0]}-{args.up[1]} s after each restart, restarted within 1 s), then SIGTERM;"
          f" bot from {args.bot_dir}; SAMEN_SEND_RATE {args.send_rate:g}")
    began = time.monotonic()
    holder = None
    if args.data_dir is None:
        holder = tempfile.TemporaryDirectory(prefix="kill9-")
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
    with BotApiEmulator(TOKEN, seed=args.seed) as api:
        bot = BotProcess(args.bot_dir, bot_env(api, data_dir, SAMEN_ADMIN_IDS=str(ADMIN),
                                                **pace_env(args.send_rate)), log)
        stop_watchdog = threading.Event()
        bot.start()
        threading.Thread(target=watchdog, args=(bot, stop_watchdog), daemon=True).start()
        try:
            residents = setup(api, db, args.users, rng)
            print(f"  set-up done after {time.monotonic() - began:.0f} s: "
                  f"{len(residents)} residents joined")
            no_new_rounds, abort, kills_done = (threading.Event(), threading.Event(),
                                                threading.Event())
            threads = [threading.Thread(target=r.run, args=(no_new_rounds, abort), daemon=True)
                       for r in residents]
            for thread in threads:
                thread.start()
            threading.Thread(target=killer, args=(bot, args.kills, rng, tuple(args.up),
                                                  kills_done, abort), daemon=True).start()
            kills_done.wait()
            campaign_end = time.monotonic()
            no_new_rounds.set()
            for thread in threads:  # everyone finishes the round they are in
                thread.join(max(0.1, campaign_end + STUCK_SECONDS + 60 - time.monotonic()))
            abort.set()
            for thread in threads:
                thread.join(10)
            settle_seconds = time.monotonic() - campaign_end
        finally:
            stop_watchdog.set()
            exit_seconds, exit_code = bot.terminate()
        report(args, api, db, bot, residents, log, began, settle_seconds,
               (exit_seconds, exit_code))


def setup(api: BotApiEmulator, db: Database, users: int, rng: random.Random
          ) -> list[Resident]:
    admin = Person(api, ADMIN, "Ada")
    join(admin, db, None)
    organiser = Person(api, ORGANISER, "Kees")
    join(organiser, db, make_invite(admin, "organiser", 1, 7))
    codes = [make_invite(organiser, None, 30, 30) for _ in range(0, users, 30)]
    categories = [row[0] for row in db.rows("SELECT code FROM category WHERE active = 1")]
    if len(categories) < 2:
        raise SetupError(f"no categories in the database: {categories}")
    residents = [Resident(api, FIRST_RESIDENT + n, f"Bewoner{n}", random.Random(rng.random()),
                          categories) for n in range(users)]
    problems: list[str] = []

    def joining(resident: Resident, code: str) -> None:
        try:
            join(resident, db, code)
        except SetupError as exc:
            problems.append(str(exc))

    threads = [threading.Thread(target=joining, args=(r, codes[n // 30]), daemon=True)
               for n, r in enumerate(residents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if problems:
        raise SetupError(f"{len(problems)} residents could not join: {problems[0]}")
    return residents


def report(args: argparse.Namespace, api: BotApiEmulator, db: Database, bot: BotProcess,
           residents: list[Resident], log: Path, began: float, settle_seconds: float,
           exit_: tuple[float, int | None]) -> None:
    chats = [ADMIN, ORGANISER, *(r.id for r in residents)]
    sent, silent = unanswered_updates(api, chats)
    fetched = [u for u in silent if api.deliveries[u.update_id]]
    confirmed = [u for u in fetched if u.update_id <= api.confirmed_up_to]
    found = compare(residents, db, bot.killed)
    stuck = [r for r in residents if r.stuck]
    rounds = [r for res in residents for r in res.rounds]
    saved = sum(1 for r in rounds if r.saved_at is not None)
    count, last_lines = tracebacks(log)
    startup = sorted(bot.startup_seconds(api))
    redelivered = sum(n - 1 for n in api.deliveries.values() if n > 1)
    print()
    print(f"user updates sent: {sent}")
    print(f"updates without any visible reply: {len(silent)}")
    taps, texts = never_answered(api, chats)
    print(f"updates never answered at all, even late: {len(taps) + len(texts)} "
          f"({len(taps)} taps never answered, {len(texts)} messages with nothing after them)")
    print(f"stuck users: {len(stuck)}")
    print(f"duplicated rows: {found['duplicated']}")
    print(f"rounds where the last summary seen differs from the database: {found['differing']}")
    print(f"kills done: {bot.kills}")
    print(f"run time: {time.monotonic() - began:.0f} s")
    print(f"tracebacks in the bot's stderr: {count}")
    for line, n in last_lines.most_common():
        print(f"  {n} x {line}")
    print()
    print("details:")
    print(f"  rounds started {len(rounds)}, confirmed as saved {saved}, "
          f"unfinished at the end {sum(1 for r in residents if r.unfinished)}; "
          f"items stored {found['stored']}")
    print(f"  duplicated rows: {found['extra_in_round']} beyond the summary within a confirmed "
          f"round, {found['unconfirmed_rows']} in {found['unconfirmed_saves']} saves the person"
          f" never saw confirmed")
    print(f"  confirmed rounds with nothing stored: {found['lost']}; confirmed rounds whose "
          f"summary lacked a choice the person had seen ticked (✅) on the grid: "
          f"{sum(1 for r in rounds if r.saved_at is not None and r.missing)}")
    for resident in residents:
        for r in resident.rounds:
            if r.saved_at is not None and r.missing and len(found["examples"]) < 10:
                found["examples"].append(
                    f"user {resident.id} round {r.number}: saw {sorted(r.ticked)} ticked, the "
                    f"summary showed {r.summary}")
    for example in found["examples"]:
        print(f"    {example}")
    print(f"  of the updates without a reply: {len(fetched)} were fetched by the bot, "
          f"{len(confirmed)} of them confirmed (getUpdates offset moved past them), so "
          f"Telegram would never hand them out again; {len(silent) - len(fetched)} never "
          f"fetched; e.g. " + "; ".join(f"user {u.chat_id} {u.kind} {u.data!r}"
                                        for u in silent[:3]))
    print(f"  actions repeated after {REACTION_SECONDS:.0f} s without a reaction: "
          f"{sum(r.repeats for r in residents)}; still nothing after the repeat: "
          f"{sum(r.unanswered for r in residents)}; /share sent again within a round: "
          f"{sum(r.restarts for r in residents)}; ticks that got nothing even repeated (Next "
          f"tapped anyway): {sum(r.gave_up_tick for r in residents)}; reactions after which "
          f"no question was left to answer (buttons taken off, nothing followed): "
          f"{sum(r.dead_ends for r in residents)}")
    for resident in stuck[:5]:
        print(f"  stuck: user {resident.id}: {resident.stuck}")
    print(f"  updates handed out again by getUpdates (not confirmed before a kill): "
          f"{redelivered}")
    print(f"  bot starts {len(bot.started)}, reached getUpdates {len(startup)}, start to first "
          f"getUpdates median {startup[len(startup) // 2] if startup else 0:.1f} s; exits "
          f"nobody asked for: {len(bot.unexpected)} {bot.unexpected[:5]}")
    print(f"  settling after the last kill: {settle_seconds:.0f} s; SIGTERM to exit "
          f"{exit_[0]:.1f} s (exit code {exit_[1]})")
    errors = ", ".join(f"{n} x {e[:70]}" for e, n in api.errors.most_common(6))
    print(f"  Bot API error answers: {errors or 'none'}")
    print(f"  Bot API calls: {dict(api.calls.most_common())}")


if __name__ == "__main__":
    try:
        main()
    except Exception:  # a benchmark: say what broke, but exit 0
        traceback.print_exc()
    sys.exit(0)
