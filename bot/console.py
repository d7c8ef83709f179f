"""``samenbot console``: the real Application in a terminal, through the simulated Bot API.

Type text to send it; a number taps that button of the last message with buttons; lines
starting with ``!`` steer the console (``!help`` lists them). Pictures and files the bot
sends are saved under ``<data dir>/console/``.
"""

from __future__ import annotations

import asyncio
import shlex
from dataclasses import replace
from pathlib import Path

from telegram.ext import Application

from bot.app import close_application, create_application, start_application
from bot.config import Settings
from bot.simulator import FakeBotApi, SentMessage, SimulatedUser
from bot.simulator.client import ButtonNotFound

CONSOLE_ADMIN_ID = 1
HELP = """Console commands:
  <text>            send text (commands too: /help, /invite, ...)
  <number>          tap that button of the last message with buttons
  !say <text>       send text literally, even a number
  !open <link>      open an invite link (or paste the t.me link itself)
  !as <id> [name] [language]   speak as another person (created if new)
  !users            the people simulated so far
  !voice [seconds]  send a voice message;  !photo  send a photo
  !location LAT LON share a location (for /find → near me)
  !restart          stop and start the bot again (state must survive)
  !quit             leave"""


class Console:
    def __init__(self, settings: Settings, first_user: int) -> None:
        self.settings = settings
        self.api = FakeBotApi()
        self.app: Application | None = None
        self.users: dict[int, SimulatedUser] = {}
        self.seen: dict[int, int] = {}  # how many of each chat's messages were printed
        self.texts_seen: dict[int, str] = {}  # message id → text and buttons as last printed
        self.current = first_user
        self.answers_seen = 0
        self.out_dir = settings.data_dir / "console"

    async def start(self) -> None:
        self.app = await create_application(self.settings, request=self.api)
        await start_application(self.app)
        await self.app.start()  # the job queue: reminders and planning
        for user in self.users.values():
            user.app = self.app

    async def stop(self) -> None:
        if self.app is not None:
            await close_application(self.app)
            self.app = None

    def user(self, user_id: int, name: str | None = None, lang: str | None = None
             ) -> SimulatedUser:
        if user_id not in self.users:
            self.users[user_id] = SimulatedUser(self.app, self.api, user_id,
                                                name or f"Person{user_id}", lang or "nl")
        return self.users[user_id]

    def prompt(self) -> str:
        user = self.user(self.current)
        return f"\n[{user.first_name} #{user.user_id}] > "

    def show(self, _replies: list[SentMessage] | None = None) -> None:
        """Prints what arrived in the current chat since last time: replies, and what the
        outbox delivered meanwhile (reminders, broadcasts)."""
        for answer in self.api.callback_answers[self.answers_seen:]:
            if answer.get("text"):  # a notice on the tapped button (an alert on a phone)
                print(f"💬 {answer['text']}")
        self.answers_seen = len(self.api.callback_answers)
        inbox = self.api.chat(self.current)
        start = self.seen.get(self.current, 0)
        for message in inbox[:start]:
            # Changed since printed: a status message counting up, or a grid ticked in place.
            # A keyboard that only disappeared is not worth a reprint.
            changed = self._shown(message) != self.texts_seen.get(message.message_id)
            if changed and (message.buttons or message.text != self._last_text(message)):
                print("✏️ " + self.render(message))
        for message in inbox[start:]:
            print(self.render(message))
        for message in inbox:
            self.texts_seen[message.message_id] = self._shown(message)
        self.seen[self.current] = len(inbox)

    @staticmethod
    def _shown(message: SentMessage) -> str:
        return message.text + "\x00" + repr(message.buttons)

    def _last_text(self, message: SentMessage) -> str:
        return self.texts_seen.get(message.message_id, "").split("\x00")[0]

    def render(self, message: SentMessage) -> str:
        lines = []
        if message.kind == "location":
            return f"🤖 [map location: {message.text}]"
        if message.kind in ("photo", "document") and message.file_bytes is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            path = self.out_dir / f"{message.message_id}-{message.file_name or message.kind}"
            path.write_bytes(message.file_bytes)
            lines.append(f"🤖 [{message.kind} saved: {path}]")
        text = message.text
        if message.parse_mode == "HTML":
            text = text.replace("<b>", "").replace("</b>", "")
        lines += [f"🤖 {line}" if i == 0 else f"   {line}"
                  for i, line in enumerate(text.splitlines() or [""])]
        lines += [f"   [{n}] {label}" for n, (label, _) in enumerate(message.buttons, start=1)]
        return "\n".join(lines)

    async def handle(self, line: str) -> bool:
        """Runs one console line; False means quit."""
        line = line.strip()
        user = self.user(self.current)
        if not line:
            return True
        if line.startswith("https://t.me/") and "?start=" in line:
            line = "!open " + line
        if line.isascii() and line.isdigit() and user.last_with_buttons() is not None:
            try:
                self.show(await user.click(int(line)))
            except ButtonNotFound:
                count = len(user.last_with_buttons().buttons)
                print(f"(no button {line}: the last buttons are 1 to {count}; "
                      f"!say {line} sends it as text)")
            return True
        if not line.startswith("!"):
            self.show(await user.send(line))
            return True
        parts = shlex.split(line[1:]) or [""]
        command, args = parts[0], parts[1:]
        if command == "quit":
            return False
        if command == "say":
            self.show(await user.send(" ".join(args)))
        elif command == "open" and args:
            code = args[0].split("?start=")[-1]
            self.show(await user.send(f"/start {code}"))
        elif command == "as" and args and args[0].isascii() and args[0].isdigit():
            self.current = int(args[0])
            self.user(self.current, args[1] if len(args) > 1 else None,
                      args[2] if len(args) > 2 else None)
            await asyncio.sleep(0.3)  # let the outbox worker finish what is due
            self.show()
        elif command == "users":
            for u in self.users.values():
                print(f"  #{u.user_id} {u.first_name} (Telegram language {u.language_code})")
        elif command == "voice":
            seconds = args[0] if args and args[0].isascii() and args[0].isdigit() else "5"
            self.show(await user.send_voice(int(seconds)))
        elif command == "photo":
            self.show(await user.send_photo())
        elif command == "location" and len(args) == 2:
            try:
                latitude, longitude = float(args[0]), float(args[1])
            except ValueError:
                print(HELP)
            else:
                self.show(await user.send_location(latitude, longitude))
        elif command == "restart":
            await self.stop()
            await self.start()
            print("(the bot was restarted)")
        else:
            print(HELP)
        return True


async def run_console(settings: Settings, as_user: int | None) -> None:
    if not settings.admin_ids:
        settings = replace(settings, admin_ids=frozenset({CONSOLE_ADMIN_ID}))
    first = as_user or min(settings.admin_ids)
    console = Console(settings, first)
    await console.start()
    print(f"samenbot console · database {Path(settings.database_path).resolve()}")
    print(f"You are #{first} (an admin). Type /start to begin, !help for console commands.")
    try:
        while True:
            try:
                line = await asyncio.to_thread(input, console.prompt())
            except EOFError:
                break
            if not await console.handle(line):
                break
    finally:
        await console.stop()
