"""A kwartiermaker's view of their circle, suggested pairs, and the residents' answers to an
introduction and its follow-up; a trainer's overview in numbers (no names, no texts)."""

from __future__ import annotations

from collections import defaultdict

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows.common import refuse, remove_keyboard, requires, say
from bot.services import introductions, sharing

P = "mx"
MAX_CHARS = 3800


async def _labels(context: BotContext) -> dict[str, str]:
    return await sharing.labels(context.req, context.t)


@requires(Action.CIRCLE)
async def circle(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sharing.circle(context.req)
    if not found:
        await say(update, context, t.gettext("Nothing shared in your circle yet."))
        return
    labels = await _labels(context)
    grouped: dict[str, list] = defaultdict(list)
    for item, name, _ in found:
        grouped[item.category].append((item, name))
    lines = [t.gettext("Needs and offers in your circle:")]
    for code, entries in grouped.items():
        needs = sum(1 for item, _ in entries if item.kind == "need")
        offers = len(entries) - needs
        lines.append("")
        lines.append(f"{labels.get(code, code)} · 🤲 {needs} · 🎁 {offers}")
        for item, name in entries:
            hand = "🤲" if item.kind == "need" else "🎁"
            detail = f" “{item.text}”" if item.text else ""
            voice = " 🎤" if item.voice_file_id else ""
            lines.append(f"  {hand} {name}{detail}{voice}")
    text = "\n".join(lines)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit("\n", 1)[0] + "\n…"
    await say(update, context, text)


@requires(Action.MATCHES)
async def matches(update: Update, context: BotContext) -> None:
    t = context.t
    found = await introductions.suggestions(context.req)
    if not found:
        await say(update, context, t.gettext("No suggestions right now. /circle shows what "
                                             "your circle shared."))
        return
    labels = await _labels(context)
    names = {item.id: name for item, name, _ in await sharing.circle(context.req)}
    await say(update, context, t.gettext("Who could help whom:"))
    for s in found:
        text = "\n".join([
            f"🤲 {names.get(s.need.item_id, '?')}: {labels.get(s.need.category)}",
            f"🎁 {names.get(s.offer.item_id, '?')}: {labels.get(s.offer.category)}",
        ])
        ids = (s.need.item_id, s.offer.item_id)
        await say(update, context, text, reply_markup=InlineKeyboardMarkup([
            [keyboards.button(P, "🤝 " + t.gettext("Introduce"), "i", *ids)],
            [keyboards.button(P, "✅ " + t.gettext("Arranged in person"), "a", *ids),
             keyboards.button(P, "✖️ " + t.gettext("Dismiss"), "d", *ids)]]))


async def _pair_action(update: Update, context: BotContext, key: str) -> None:
    query = update.callback_query
    ids = cb.int_args(query.data, f"{P}:{key}", 2)
    t = context.t
    if ids is None:
        await query.answer()
        return
    try:
        if key == "i":
            done = await introductions.introduce(context.req, ids[0], ids[1])
        else:
            done = await introductions.settle(context.req, ids[0], ids[1],
                                              "done" if key == "a" else "dismissed")
    except introductions.NotOnTelegram:
        await query.answer(t.gettext("One of them is not on Telegram yet: arrange it in "
                                     "person, or give them their claim link first."),
                           show_alert=True)
        return
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    if not done:
        await say(update, context, t.gettext("That was already done."))
    elif key == "i":
        await say(update, context, t.gettext(
            "Both got a question in their own language. You hear when they answered."))
        if context.services.delivery is not None:
            context.services.delivery.wake.set()
    elif key == "a":
        await say(update, context, t.gettext("Noted as arranged in person."))
    else:
        await say(update, context, t.gettext("Dismissed. It will not be suggested again."))


@requires(Action.MATCHES)
async def introduce(update: Update, context: BotContext) -> None:
    await _pair_action(update, context, "i")


@requires(Action.MATCHES)
async def arranged(update: Update, context: BotContext) -> None:
    await _pair_action(update, context, "a")


@requires(Action.MATCHES)
async def dismiss(update: Update, context: BotContext) -> None:
    await _pair_action(update, context, "d")


async def _answer(update: Update, context: BotContext, yes: bool) -> None:
    query = update.callback_query
    match_id = cb.int_arg(query.data, cb.MATCH_YES if yes else cb.MATCH_NO)
    t = context.t
    if context.person is None or match_id is None:
        await refuse(update, context)
        return
    try:
        result = await introductions.answer(context.req, match_id, yes)
    except introductions.MatchGone:
        await query.answer(t.gettext("This introduction is no longer possible."),
                           show_alert=True)
        await remove_keyboard(update)
        return
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    text = {
        "recorded": t.gettext("Thank you. We wait for the other person's answer."),
        "agreed": t.gettext("Thank you! You both said yes: their contact follows."),
        "declined": t.gettext("All right, nothing is shared. Thank you for answering."),
        "already": t.gettext("We already had your answer."),
    }[result]
    await say(update, context, text)
    if result in ("agreed", "declined") and context.services.delivery is not None:
        context.services.delivery.wake.set()


async def answer_yes(update: Update, context: BotContext) -> None:
    await _answer(update, context, True)


async def answer_no(update: Update, context: BotContext) -> None:
    await _answer(update, context, False)


async def follow_up(update: Update, context: BotContext) -> None:
    query = update.callback_query
    args = cb.int_args(query.data, cb.FOLLOW_UP, 2)
    t = context.t
    if context.person is None or args is None or args[1] not in (1, 2, 3):
        await refuse(update, context)
        return
    try:
        await introductions.follow_up_answer(context.req, args[0], args[1])
    except introductions.MatchGone:
        await query.answer(t.gettext("This introduction is no longer possible."),
                           show_alert=True)
        return
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    await say(update, context, t.gettext("Thank you for letting us know."))


@requires(Action.OVERVIEW)
async def overview(update: Update, context: BotContext) -> None:
    t = context.t
    rows = await sharing.counts(context.req)
    if not rows:
        await say(update, context, t.gettext("No open needs or offers yet."))
        return
    labels = await _labels(context)
    lines = [t.gettext("Open needs and offers, per kwartiermaker and category:")]
    current = object()
    for organiser, kind, code, count in rows:
        if organiser != current:
            lines.append("")
            lines.append(f"👤 {organiser or t.gettext('(no kwartiermaker)')}")
            current = organiser
        hand = "🤲" if kind == "need" else "🎁"
        lines.append(f"  {hand} {labels.get(code, code)}: {count}")
    await say(update, context, "\n".join(lines)[:MAX_CHARS])


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    return [
        CommandHandler("circle", circle),
        CommandHandler("matches", matches),
        CommandHandler("overview", overview),
        tap("i", introduce), tap("a", arranged), tap("d", dismiss),
        CallbackQueryHandler(answer_yes, pattern=cb.pattern(cb.MATCH_YES)),
        CallbackQueryHandler(answer_no, pattern=cb.pattern(cb.MATCH_NO)),
        CallbackQueryHandler(follow_up, pattern=cb.pattern(cb.FOLLOW_UP)),
    ]
