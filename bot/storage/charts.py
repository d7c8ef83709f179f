"""The figures behind /table's charts: counts only, never a name (trainers see numbers)."""

from __future__ import annotations

from bot.storage.sqlite import Connection


async def sessions_per_month(conn: Connection) -> list[tuple[str, int, int]]:
    """(month as ``YYYY-MM``, table sessions held, people reached) for every month with a
    logged session, oldest first. People reached adds up each session's attendance, as the
    report's Table 1 does."""
    rows = await conn.execute_fetchall(
        "SELECT substr(held_on, 1, 7), count(*), coalesce(sum(attendance), 0)"
        " FROM table_session GROUP BY substr(held_on, 1, 7) ORDER BY 1")
    return [(r[0], r[1], r[2]) for r in rows]


async def noted_per_theme(conn: Connection) -> list[tuple[str, str, int]]:
    """(kind ``need`` or ``offer``, category, how many times) over every session log: the
    needs and offers a kwartiermaker noted at the table, per theme."""
    rows = await conn.execute_fetchall(
        "SELECT 'need', j.key, sum(j.value) FROM table_session s, json_each(s.needs) j"
        " GROUP BY j.key"
        " UNION ALL"
        " SELECT 'offer', j.key, sum(j.value) FROM table_session s, json_each(s.offers) j"
        " GROUP BY j.key")
    return [(r[0], r[1], r[2]) for r in rows if r[2]]
