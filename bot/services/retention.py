"""What is kept only for a while: the words of sent messages (``outbox_retention_days``), and
the sent messages themselves (``outbox_keep_days``)."""

from __future__ import annotations

from datetime import timedelta

from bot.services.request import Request
from bot.storage import outbox


async def forget_old_messages(req: Request) -> int:
    """Blanks what sent messages said once they are older than the retention; returns how many.
    That they were sent, to whom and with what outcome stays (for the broadcast reports)."""
    before = req.now - timedelta(days=req.settings.outbox_retention_days)
    async with req.db.tx() as conn:
        blanked = await outbox.forget_payloads(conn, before)
        await outbox.prune(conn, req.now - timedelta(days=req.settings.outbox_keep_days))
    return blanked
