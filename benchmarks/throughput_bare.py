"""The bare reference bot of ``throughput.py``: the least a bot that keeps what it hears can do.

A python-telegram-bot Application with default settings, long polling; for every text message
one INSERT into SQLite (WAL, synchronous=FULL, committed before replying) and one sendMessage.
Run by ``throughput.py`` as a subprocess with the environment variables TELEGRAM_BOT_TOKEN,
TELEGRAM_API_BASE_URL and BARE_DATABASE (the SQLite file).
"""

from __future__ import annotations

import os
import time

import aiosqlite
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

# About as long as samenbot's how-to-join text, so both send a similar request body.
REPLY = ("Thank you! Your message is noted. This reply comes from the bare reference bot of the "
         "throughput benchmark: one row stored with synchronous=FULL, then this one message, "
         "and nothing else happens for this update.")


async def open_db(app: Application) -> None:
    db = await aiosqlite.connect(os.environ["BARE_DATABASE"])
    await db.execute("PRAGMA journal_mode=WAL")
    await db.execute("PRAGMA synchronous=FULL")
    await db.execute("CREATE TABLE IF NOT EXISTS heard (id INTEGER PRIMARY KEY,"
                     " update_id INTEGER NOT NULL, chat_id INTEGER NOT NULL,"
                     " text TEXT NOT NULL, at REAL NOT NULL)")
    await db.commit()
    app.bot_data["db"] = db


async def close_db(app: Application) -> None:
    db = app.bot_data.get("db")
    if db is not None:
        await db.close()


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    db: aiosqlite.Connection = context.bot_data["db"]
    await db.execute("INSERT INTO heard (update_id, chat_id, text, at) VALUES (?, ?, ?, ?)",
                     (update.update_id, update.effective_chat.id, update.message.text,
                      time.time()))
    await db.commit()
    await context.bot.send_message(update.effective_chat.id, REPLY)


def main() -> None:
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_BASE_URL"])
           .post_init(open_db).post_shutdown(close_db).build())
    app.add_handler(MessageHandler(filters.TEXT, on_text))
    app.run_polling()


if __name__ == "__main__":
    main()
