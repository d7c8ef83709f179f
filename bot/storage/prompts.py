"""SQL for recorded prompts: a voice note per conversation step and language."""

from __future__ import annotations

from datetime import datetime

from bot.storage.sqlite import Connection


async def all_voices(conn: Connection) -> dict[tuple[str, str], str]:
    rows = await conn.execute_fetchall("SELECT step, language, voice_file_id FROM prompt")
    return {(r[0], r[1]): r[2] for r in rows}


async def voice(conn: Connection, step: str, language: str) -> str | None:
    rows = await conn.execute_fetchall(
        "SELECT voice_file_id FROM prompt WHERE step = ? AND language = ?", (step, language))
    return rows[0][0] if rows else None


async def put(conn: Connection, *, step: str, language: str, file_id: str, seconds: int | None,
              by: int, now: datetime) -> None:
    await conn.execute(
        "INSERT INTO prompt (step, language, voice_file_id, seconds, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (step, language) DO UPDATE SET"
        " voice_file_id = excluded.voice_file_id, seconds = excluded.seconds,"
        " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        (step, language, file_id, seconds, by, now.isoformat()))


async def remove(conn: Connection, step: str, language: str) -> bool:
    cur = await conn.execute("DELETE FROM prompt WHERE step = ? AND language = ?",
                             (step, language))
    return cur.rowcount > 0
