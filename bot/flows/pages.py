"""Lists that can grow, one page per message: "page 2 of 5" in the text, ◀️ / ▶️ under it, and
a page button puts the new page in place of the message it was tapped on.

A page is cut by its rendered length, not by a count alone (items can be long), and stays
well under Telegram's 4,096 characters; ``most`` also caps the entries per page, which keeps
the buttons of a page (one row per entry in /mine) few enough to read. A list that fits one
page is the same text as before, without page buttons. The page number in a button comes from
the client: it is only a wish, clamped to the pages there are now, and the list itself is
always the one of the person asking (the views load it for ``context.req``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import callbacks as cb
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import say
from bot.i18n import Translator

BUDGET = 3500  # UTF-16 units per page: well under Telegram's 4,096
FOOTER_ROOM = 60  # kept free for the "page 2 of 5" line
MOST = 15  # entries per page at most
BACK, ON = "◀️", "▶️"


def size(text: str) -> int:
    """A text's length as Telegram counts it (UTF-16 code units: most emoji count twice)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Page:
    text: str
    number: int  # 1-based, within 1..count
    count: int
    shown: range  # indexes of the entries on this page

    @property
    def paged(self) -> bool:
        return self.count > 1


def _fit(block: str, room: int) -> str:
    """An entry longer than a whole page (none is, with the caps on what people type) is
    shortened with a visible "…" rather than overflowing."""
    if size(block) <= room:
        return block
    block = block[:room - 1]
    while size(block) > room - 1:
        block = block[:-1]
    return block + "…"


def cut(blocks: Sequence[str], room: int, most: int = MOST) -> list[range]:
    """Consecutive runs of entries, each as long as fits in ``room`` and at most ``most``."""
    ranges, start, used = [], 0, 0
    for i, block in enumerate(blocks):
        cost = size(block) + 1  # its line break
        if i > start and (used + cost > room or i - start >= most):
            ranges.append(range(start, i))
            start, used = i, 0
        used += cost
    ranges.append(range(start, len(blocks)))
    return ranges


def page(t: Translator, blocks: Sequence[str], *, number: int = 1,
         head: Sequence[str] = (), tail: Sequence[str] = (), most: int = MOST,
         budget: int = BUDGET) -> Page:
    """Page ``number`` (clamped) of ``head``, the entries and ``tail``, joined by line breaks;
    on more than one page, with "Page 2 of 5" at the end."""
    room = budget - size("\n".join([*head, *tail])) - FOOTER_ROOM
    blocks = [_fit(b, room) for b in blocks]
    ranges = cut(blocks, room, most)
    number = min(max(number, 1), len(ranges))
    shown = ranges[number - 1]
    lines = [*head, *(blocks[i] for i in shown), *tail]
    if len(ranges) > 1:
        lines += ["", t.gettext("Page {page} of {pages}").format(page=number, pages=len(ranges))]
    return Page("\n".join(lines), number, len(ranges), shown)


def nav(found: Page, prefix: str, key: str, *parts: str | int) -> list[list[InlineKeyboardButton]]:
    """The ◀️ / ▶️ row (none on a single page): ``prefix:key:page``."""
    if not found.paged:
        return []
    row = []
    if found.number > 1:
        row.append(ui.button(prefix, BACK, key, *parts, found.number - 1))
    if found.number < found.count:
        row.append(ui.button(prefix, ON, key, *parts, found.number + 1))
    return [row]


def wanted(update: Update, prefix: str, key: str) -> int:
    """The page a page button asks for (1 when there is no button or the number is garbage;
    ``page`` clamps a number past the end)."""
    query = update.callback_query
    return (cb.int_arg(query.data, f"{prefix}:{key}") or 1) if query is not None else 1


def item_and_page(data: str | None, prefix: str) -> tuple[int, int | None]:
    """An item button ``prefix:id`` (0 when malformed), or ``prefix:id:page`` on a page of a
    longer list (the page to redraw after it)."""
    both = cb.int_args(data, prefix, 2)
    if both is not None:
        return both[0], both[1]
    return cb.int_arg(data, prefix) or 0, None


async def show(update: Update, context: BotContext, text: str,
               rows: list[list[InlineKeyboardButton]] | None = None) -> None:
    """A command sends the page; a page button puts it in place of the tapped message."""
    markup = InlineKeyboardMarkup(rows) if rows else None
    query = update.callback_query
    if query is None:
        await say(update, context, text, reply_markup=markup)
        return
    await query.answer()
    if in_own_chat(update):
        await query.edit_message_text(text, reply_markup=markup)
    else:  # to the asker's own private chat (whose id is theirs), never the tapped one
        await context.bot.send_message(update.effective_user.id, text, reply_markup=markup)


async def redraw(context: BotContext, chat_id: int, message_id: int, text: str,
                 rows: list[list[InlineKeyboardButton]] | None = None) -> None:
    """Puts a page in place of an earlier message (after a conversation that began on it)."""
    await context.bot.edit_message_text(text, chat_id, message_id,
                                        reply_markup=InlineKeyboardMarkup(rows) if rows else None)


def in_own_chat(update: Update) -> bool:
    """Only a message in the asker's own chat is edited (Telegram guarantees it; a forged
    update might not), so a page never lands in someone else's chat."""
    message = update.callback_query.message
    user = update.effective_user
    return (message is not None and user is not None and message.chat is not None
            and message.chat.id == user.id)
