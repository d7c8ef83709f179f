"""SimulatedUser: speaks to the real Application as one Telegram user would.

``await user.send("/start CODE")``, ``await user.click("English")``, then look at
``user.inbox`` (what the bot sent to this chat) or the ``replies`` each call returns.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.simulator.api import FakeBotApi, SentMessage

_update_ids = itertools.count(1)
_message_ids = itertools.count(10_000_000)


class ButtonNotFound(LookupError):
    pass


class SimulatedUser:
    def __init__(self, app: Application, api: FakeBotApi, user_id: int, first_name: str,
                 language_code: str | None = "nl") -> None:
        self.app, self.api = app, api
        self.user_id, self.first_name, self.language_code = user_id, first_name, language_code

    # what the bot sent --------------------------------------------------------------------
    @property
    def inbox(self) -> list[SentMessage]:
        return self.api.chat(self.user_id)

    @property
    def last(self) -> SentMessage:
        return self.inbox[-1]

    def last_with_buttons(self) -> SentMessage | None:
        return next((m for m in reversed(self.inbox) if m.buttons), None)

    # speaking -----------------------------------------------------------------------------
    def _user(self) -> dict[str, Any]:
        user = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def _message(self, **content: Any) -> dict[str, Any]:
        return {"message_id": next(_message_ids), "date": int(time.time()),
                "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
                "from": self._user(), **content}

    def _update(self, payload: dict[str, Any]) -> Update:
        return Update.de_json({"update_id": next(_update_ids), **payload}, self.app.bot)

    async def _process(self, payload: dict[str, Any]) -> list[SentMessage]:
        return await self._handle(self._update(payload))

    async def _handle(self, update: Update) -> list[SentMessage]:
        """Handles the update and waits until the bot's answers to it arrived, as a person
        waits for the phone."""
        before = len(self.inbox)
        await self.app.process_update(update)
        settle = getattr(self.app, "settle", None)
        if settle is not None:
            await settle()
        return self.inbox[before:]

    def text_update(self, text: str) -> Update:
        """The update a text would be, without handling it (to store it in the inbox)."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            content["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        return self._update({"message": self._message(**content)})

    async def send(self, text: str) -> list[SentMessage]:
        return await self._handle(self.text_update(text))

    async def send_in_group(self, text: str, group_id: int = -100_555) -> list[SentMessage]:
        """Writes in a group chat the bot is in; returns what the bot said in that group."""
        update = self.text_update(text).to_dict()
        update["message"]["chat"] = {"id": group_id, "type": "group", "title": "Buurtgroep"}
        before = len(self.api.chat(group_id))
        await self._handle(Update.de_json(update, self.app.bot))
        return self.api.chat(group_id)[before:]

    async def send_voice(self, duration: int = 5) -> list[SentMessage]:
        n = next(_message_ids)
        voice = {"file_id": f"voice{n}", "file_unique_id": f"v{n}", "duration": duration,
                 "mime_type": "audio/ogg"}
        self.last_voice_file_id = voice["file_id"]
        return await self._process({"message": self._message(voice=voice)})

    async def send_photo(self) -> list[SentMessage]:
        n = next(_message_ids)
        photo = [{"file_id": f"p{n}", "file_unique_id": f"p{n}", "width": 90, "height": 90}]
        return await self._process({"message": self._message(photo=photo)})

    async def send_location(self, latitude: float, longitude: float) -> list[SentMessage]:
        location = {"latitude": latitude, "longitude": longitude}
        return await self._process({"message": self._message(location=location)})

    async def click(self, label: str | int, message: SentMessage | None = None
                    ) -> list[SentMessage]:
        """Taps a button by its label (exact, or contained) or by its 1-based number."""
        message = message or self.last_with_buttons()
        if message is None:
            raise ButtonNotFound("no message with buttons")
        return await self.tap(self._find(message, label), message)

    async def tap(self, callback_data: str, message: SentMessage) -> list[SentMessage]:
        """Sends any callback data, as a forged or outdated client could."""
        query = {"id": str(next(_update_ids)), "from": self._user(), "chat_instance": "sim",
                 "data": callback_data, "message": message.as_json()}
        return await self._process({"callback_query": query})

    @staticmethod
    def _find(message: SentMessage, label: str | int) -> str:
        buttons = message.buttons
        if isinstance(label, int):
            if not 1 <= label <= len(buttons):
                raise ButtonNotFound(f"no button {label} in {buttons}")
            return buttons[label - 1][1]
        for text, data in buttons:
            if text == label:
                return data
        for text, data in buttons:
            if label.casefold() in text.casefold():
                return data
        raise ButtonNotFound(f"no button {label!r} in {[b[0] for b in buttons]}")
