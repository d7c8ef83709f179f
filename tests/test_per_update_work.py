"""Less work per update: what an update did not change is not written. A member asking for
/help, or a stranger writing, leaves the stored conversation data alone; only the update's own
bookkeeping (its inbox mark and its reply) is written."""

from __future__ import annotations

from tests.fakes.journeys import TRAINER

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def writes_during(bot) -> list[str]:
    """The write statements SQLite runs from now on (read from its trace)."""
    seen: list[str] = []
    bot.db.conn._raw.set_trace_callback(
        lambda sql: seen.append(sql) if sql.lstrip().upper().startswith(WRITES) else None)
    return seen


async def test_an_update_that_changes_nothing_writes_no_conversation_data(bot, cohort):
    _, noor, _ = cohort
    await noor.send("/help")
    seen = writes_during(bot)
    replies = await noor.send("/help")
    assert "/invite" in replies[-1].text
    assert [s for s in seen if "ptb_" in s] == []
    assert any("inbox_mark" in s for s in seen) and any("INTO reply" in s for s in seen)


async def test_a_stranger_writing_leaves_no_conversation_rows(bot):
    stranger = bot.user(777, "Onbekend")
    seen = writes_during(bot)
    for text in ("hallo", "is dit de buurtbot?"):
        assert (await stranger.send(text))[-1].text
    assert [s for s in seen if "ptb_" in s] == []
    assert await bot.rows("SELECT count(*) FROM ptb_user_data WHERE user_id = 777") == [(0,)]


async def test_a_flow_is_still_written_when_it_changes_and_survives_a_restart(bot, cohort):
    trainer, _, _ = cohort
    seen = writes_during(bot)
    await trainer.send("/broadcast")  # a flow starts: its step is stored
    assert any("ptb_user_data" in s for s in seen)
    kept = bot.app.user_data[TRAINER]
    assert kept
    await bot.crash_and_restart()
    assert bot.app.user_data[TRAINER] == kept
