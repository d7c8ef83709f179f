"""PTB persistence in the bot's own SQLite database, as JSON, so a restart resumes every flow."""

from __future__ import annotations

import json
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from bot.storage.db import Database


class SqlitePersistence(BasePersistence[dict, dict, dict]):
    """user_data, chat_data and conversation states; bot_data and callback_data are not used."""

    def __init__(self, db: Database) -> None:
        # The application writes the person's data inside each update's own transaction (see
        # app.SamenApplication), so PTB's periodic flush is only a rare safety net.
        super().__init__(
            store_data=PersistenceInput(bot_data=False, callback_data=False),
            update_interval=3600,
        )
        self.db = db
        self._written: dict[tuple[str, int], str] = {}  # what each row holds, to skip no-ops
        # Tables read whole at start-up: a key missing from ``_written`` has no row, so an
        # update that leaves someone without data writes nothing (no DELETE per update).
        self._complete: set[str] = set()

    async def write_user(self, user_id: int, data: dict | None) -> None:
        """Writes (or, for None or {}, deletes) a user's row when it changed."""
        await self._put("ptb_user_data", "user_id", user_id, data or {})

    async def write_chat(self, chat_id: int, data: dict | None) -> None:
        await self._put("ptb_chat_data", "chat_id", chat_id, data or {})

    async def get_user_data(self) -> dict[int, dict]:
        return await self._load("ptb_user_data", "user_id")

    async def get_chat_data(self) -> dict[int, dict]:
        return await self._load("ptb_chat_data", "chat_id")

    async def _load(self, table: str, column: str) -> dict[int, dict]:
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(f"SELECT {column}, data FROM {table}")
        self._written.update({(table, key): text for key, text in rows})
        self._complete.add(table)
        return {key: json.loads(text) for key, text in rows}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        async with self.db.read() as conn:
            rows = await conn.execute_fetchall(
                "SELECT key, state FROM ptb_conversation WHERE name = ?", (name,)
            )
        return {tuple(json.loads(row[0])): json.loads(row[1]) for row in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        async with self.db.tx() as conn:
            if new_state is None:
                await conn.execute(
                    "DELETE FROM ptb_conversation WHERE name = ? AND key = ?",
                    (name, json.dumps(list(key))),
                )
            else:
                await conn.execute(
                    "INSERT INTO ptb_conversation (name, key, state) VALUES (?, ?, ?)"
                    " ON CONFLICT (name, key) DO UPDATE SET state = excluded.state",
                    (name, json.dumps(list(key)), json.dumps(new_state)),
                )

    async def update_user_data(self, user_id: int, data: dict) -> None:
        await self._put("ptb_user_data", "user_id", user_id, data)

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        await self._put("ptb_chat_data", "chat_id", chat_id, data)

    async def _put(self, table: str, column: str, key: int, data: dict[str, Any]) -> None:
        text = json.dumps(data)
        if self._written.get((table, key), "{}" if table in self._complete else None) == text:
            return
        async with self.db.tx() as conn:
            if data:
                await conn.execute(
                    f"INSERT INTO {table} ({column}, data) VALUES (?, ?)"
                    f" ON CONFLICT ({column}) DO UPDATE SET data = excluded.data",
                    (key, text),
                )
            else:  # an empty dict leaves no row behind
                await conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (key,))
        self._written[(table, key)] = text

    async def update_bot_data(self, data: dict) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    def forget_written(self) -> None:
        """After a rolled-back update nothing is known to be written: the next write goes."""
        self._written.clear()
        self._complete.clear()

    async def drop_chat_data(self, chat_id: int) -> None:
        self._written.pop(("ptb_chat_data", chat_id), None)
        async with self.db.tx() as conn:
            await conn.execute("DELETE FROM ptb_chat_data WHERE chat_id = ?", (chat_id,))

    async def drop_user_data(self, user_id: int) -> None:
        self._written.pop(("ptb_user_data", user_id), None)
        async with self.db.tx() as conn:
            await conn.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))

    async def drop_conversations_of(self, user_id: int) -> None:
        """Removes every conversation state keyed by this user (used by /forget)."""
        async with self.db.tx() as conn:
            rows = await conn.execute_fetchall("SELECT name, key FROM ptb_conversation")
            for name, key in rows:
                if user_id in json.loads(key):
                    await conn.execute(
                        "DELETE FROM ptb_conversation WHERE name = ? AND key = ?", (name, key)
                    )

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict) -> None:
        return None

    async def flush(self) -> None:
        return None
