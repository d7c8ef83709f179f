"""The Bot API methods the emulator speaks (``_m_<method>``), as Telegram answers them:
a message id per chat, edits applied to the kept copy ("message is not modified" when nothing
changes), one answer per callback query. Mixed into ``BotApiEmulator``, whose state they use."""

from __future__ import annotations

import html
import json
import random
import re
import time
from dataclasses import replace
from typing import Any

from bot.simulator.emulated_chats import BOT_USER, Activity, ApiError, ChatMessage, _Chat

NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")
QUERY_TOO_OLD = ("Bad Request: query is too old and response timeout expired or query ID is "
                 "invalid")
_TAG = re.compile(r"<[^>]+>")


class BotMethods:
    """Each ``_m_<method>(params, files)`` returns the method's result or raises ApiError."""

    def _m_getme(self, params: dict, files: dict) -> dict:
        return BOT_USER

    def _m_deletewebhook(self, params: dict, files: dict) -> bool:
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self._pending.clear()
        return True

    def _m_setwebhook(self, params: dict, files: dict) -> bool:
        return True

    def _m_getwebhookinfo(self, params: dict, files: dict) -> dict:
        return {"url": "", "has_custom_certificate": False, "pending_update_count":
                len(self._pending)}

    def _m_close(self, params: dict, files: dict) -> bool:
        return True

    def _m_logout(self, params: dict, files: dict) -> bool:
        return True

    def _commands_key(self, params: dict) -> tuple[str, str, int | None]:
        scope = params.get("scope") or {"type": "default"}
        chat = scope.get("chat_id") if isinstance(scope, dict) else None
        return (json.dumps(scope, sort_keys=True), str(params.get("language_code") or ""),
                int(chat) if chat is not None else None)

    def _m_setmycommands(self, params: dict, files: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        scope, language, chat = self._commands_key(params)
        if chat is not None and not language:
            self._chat(chat).commands = commands
        self.default_commands[(scope, language)] = commands
        return True

    def _m_deletemycommands(self, params: dict, files: dict) -> bool:
        scope, language, chat = self._commands_key(params)
        if chat is not None and not language:
            self._chat(chat).commands = None
        self.default_commands.pop((scope, language), None)
        return True

    def _m_getmycommands(self, params: dict, files: dict) -> list:
        scope, language, _chat = self._commands_key(params)
        return self.default_commands.get((scope, language), [])

    def _m_sendchataction(self, params: dict, files: dict) -> bool:
        return True

    def _new(self, params: dict, kind: str, text: str, **extra: Any) -> dict:
        chat = self._chat(params["chat_id"])
        markup = _inline(params.get("reply_markup"))
        message_id = next(chat.ids)
        seq = next(self._seq)
        message = ChatMessage(chat_id=chat.chat_id, message_id=message_id, kind=kind, text=text,
                              reply_markup=markup, date=int(time.time()), seq=seq,
                              sent_at=time.time(), **extra)
        chat.messages.append(message)
        chat.activity.append(Activity(seq, message.sent_at, chat.chat_id, "message",
                                      message_id, text))
        chat.changed.notify_all()
        return message.as_json()

    def _m_sendmessage(self, params: dict, files: dict) -> dict:
        text = _plain(str(params.get("text") or ""), params.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._new(params, "text", text)

    def _caption(self, params: dict) -> str:
        caption = _plain(str(params.get("caption") or ""), params.get("parse_mode"))
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption

    def _file(self, params: dict, files: dict, name: str) -> tuple[str | None, bytes | None, str]:
        if name in files:
            filename, content = files[name]
            return filename, content, f"{name}{random.getrandbits(48)}"
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.get(value[len("attach://"):])
            if attached:
                return attached[0], attached[1], f"{name}{random.getrandbits(48)}"
        if not value:
            raise ApiError(400, f"Bad Request: there is no {name} in the request")
        return None, None, str(value)

    def _m_sendphoto(self, params: dict, files: dict) -> dict:
        filename, content, file_id = self._file(params, files, "photo")
        sizes = [{"file_id": f"{file_id}_{s}", "file_unique_id": f"u{file_id}_{s}", "width": s,
                  "height": s, "file_size": len(content or b"") or s * 40} for s in (90, 320)]
        return self._new(params, "photo", self._caption(params), file_name=filename,
                         file_bytes=content, extra={"photo": sizes})

    def _m_senddocument(self, params: dict, files: dict) -> dict:
        filename, content, file_id = self._file(params, files, "document")
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                    "file_name": filename or "file", "file_size": len(content or b"")}
        return self._new(params, "document", self._caption(params), file_name=filename,
                         file_bytes=content, extra={"document": document})

    def _m_sendvoice(self, params: dict, files: dict) -> dict:
        filename, content, file_id = self._file(params, files, "voice")
        voice = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                 "duration": int_param(params.get("duration") or 1, "duration")}
        return self._new(params, "voice", self._caption(params), file_name=filename,
                         file_bytes=content, extra={"voice": voice})

    def _m_sendlocation(self, params: dict, files: dict) -> dict:
        try:
            latitude, longitude = float(params["latitude"]), float(params["longitude"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ApiError(400, "Bad Request: wrong latitude or longitude") from exc
        return self._new(params, "location", f"{latitude},{longitude}",
                         extra={"location": {"latitude": latitude, "longitude": longitude}})

    def _editable(self, params: dict) -> tuple[_Chat, int]:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: inline messages are not emulated")
        if "chat_id" not in params:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self._chat(params["chat_id"])
        index = chat.find(int_param(params.get("message_id") or 0, "message_id"))
        if index is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat, index

    def _apply(self, chat: _Chat, index: int, **changes: Any) -> dict:
        old = chat.messages[index]
        if all(getattr(old, key) == value for key, value in changes.items()):
            raise ApiError(400, NOT_MODIFIED)
        seq = self._record(chat, "edit", old.message_id, changes.get("text", old.text))
        new = replace(old, edited_seq=seq, edits=old.edits + 1, **changes)
        chat.messages[index] = new
        return new.as_json()

    def _m_editmessagetext(self, params: dict, files: dict) -> dict:
        chat, index = self._editable(params)
        if chat.messages[index].kind != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text = _plain(str(params.get("text") or ""), params.get("parse_mode"))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        # Without reply_markup, Telegram takes the inline keyboard off.
        return self._apply(chat, index, text=text,
                           reply_markup=_inline(params.get("reply_markup")))

    def _m_editmessagecaption(self, params: dict, files: dict) -> dict:
        chat, index = self._editable(params)
        if chat.messages[index].kind == "text":
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        return self._apply(chat, index, text=self._caption(params),
                           reply_markup=_inline(params.get("reply_markup")))

    def _m_editmessagereplymarkup(self, params: dict, files: dict) -> dict:
        chat, index = self._editable(params)
        return self._apply(chat, index, reply_markup=_inline(params.get("reply_markup")))

    def _m_deletemessage(self, params: dict, files: dict) -> bool:
        chat = self._chat(params.get("chat_id", 0))
        index = chat.find(int_param(params.get("message_id") or 0, "message_id"))
        if index is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        chat.messages[index] = replace(chat.messages[index], deleted=True)
        self._record(chat, "delete", chat.messages[index].message_id)
        return True

    def _m_answercallbackquery(self, params: dict, files: dict) -> bool:
        query = self._queries.get(str(params.get("callback_query_id") or ""))
        window = self.callback_answer_window
        if query is None or query.answered or (
                window is not None and time.monotonic() - query.created > window):
            raise ApiError(400, QUERY_TOO_OLD)
        query.answered = True
        self._record(self._chat(query.chat_id), "answer", None, str(params.get("text") or ""))
        return True


def int_param(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, f"Bad Request: invalid {name}") from exc


def _inline(raw: Any) -> dict | None:
    """Only inline keyboards are echoed back; an empty one is the same as none."""
    if isinstance(raw, str):
        raw = json.loads(raw) if raw else None
    if not isinstance(raw, dict) or not raw.get("inline_keyboard"):
        return None
    return {"inline_keyboard": raw["inline_keyboard"]}


def _plain(text: str, parse_mode: Any) -> str:
    """What the person reads: HTML tags are formatting, not text."""
    if str(parse_mode or "").upper() == "HTML":
        return html.unescape(_TAG.sub("", text))
    return text
