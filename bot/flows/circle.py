"""A kwartiermaker's view of their circle, suggested pairs, and the residents' answers to an
introduction and its follow-up."""

from __future__ import annotations

from collections import defaultdict

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import act, refuse, requires, say
from bot.services import introductions, sharing

P = "mx"
MAX_CHARS = 3800


@requires(Action.CIRCLE)
async def circle(update: Update, context: BotContext) -> None:
    t = context.t
    found = await sharing.circle(context.req)
    if not found:
        await say(update, context, t.gettext("Nothing shared in your circle yet."))
        return
    labels = await ui.category_labels(context)
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
    labels = await ui.category_labels(context)
    names = {item.id: name for item, name, _ in await sharing.circle(context.req)}
    await say(update, context, t.gettext("Who could help whom:"))
    for s in found:
        text = "\n".join([
            f"🤲 {names.get(s.need.item_id, '?')}: {labels.get(s.need.category)}",
            f"🎁 {names.get(s.offer.item_id, '?')}: {labels.get(s.offer.category)}",
        ])
        ids = (s.need.item_id, s.offer.item_id)
        await say(update, context, text, reply_markup=InlineKeyboardMarkup([
            [ui.button(P, "🤝 " + t.gettext("Introduce"), "i", *ids)],
            [ui.button(P, "✅ " + t.gettext("Arranged in person"), "a", *ids),
             ui.button(P, "✖️ " + t.gettext("Dismiss"), "d", *ids)]]))


def _wake(context: BotContext) -> None:
    if context.services.delivery is not None:
        context.services.delivery.wake.set()


def _gone(t) -> dict:
    return {introductions.MatchGone: t.gettext("This introduction is no longer possible.")}


def _pair_action(key: str):
    @requires(Action.MATCHES)
    async def handler(update: Update, context: BotContext) -> None:
        ids = cb.int_args(update.callback_query.data, f"{P}:{key}", 2) or [0, 0]
        t = context.t
        work = (introductions.introduce(context.req, *ids) if key == "i" else
                introductions.settle(context.req, *ids, "done" if key == "a" else "dismissed"))
        done = await act(update, context, work, lambda done: {
            "i": t.gettext("Both got a question in their own language. You hear when they "
                           "answered."),
            "a": t.gettext("Noted as arranged in person."),
            "d": t.gettext("Dismissed. It will not be suggested again.")}[key]
            if done else t.gettext("That was already done."),
            refusals={introductions.NotOnTelegram: t.gettext(
                "One of them is not on Telegram yet: arrange it in person, or give them their "
                "claim link first.")})
        if done and key == "i":
            _wake(context)
    return handler


def _answer(yes: bool):
    async def handler(update: Update, context: BotContext) -> None:
        match_id = cb.int_arg(update.callback_query.data, cb.MATCH_YES if yes else cb.MATCH_NO)
        if context.person is None or match_id is None:
            await refuse(update, context)
            return
        t = context.t
        result = await act(update, context, introductions.answer(context.req, match_id, yes),
                           lambda result: {
            "recorded": t.gettext("Thank you. We wait for the other person's answer."),
            "agreed": t.gettext("Thank you! You both said yes: their contact follows."),
            "declined": t.gettext("All right, nothing is shared. Thank you for answering."),
            "already": t.gettext("We already had your answer.")}[result], refusals=_gone(t))
        if result in ("agreed", "declined"):
            _wake(context)
    return handler


async def follow_up(update: Update, context: BotContext) -> None:
    args = cb.int_args(update.callback_query.data, cb.FOLLOW_UP, 2)
    if context.person is None or args is None or args[1] not in (1, 2, 3):
        await refuse(update, context)
        return
    t = context.t
    await act(update, context, introductions.follow_up_answer(context.req, *args),
              lambda _: t.gettext("Thank you for letting us know."), refusals=_gone(t))


def handlers() -> list:
    return [
        CommandHandler("circle", circle),
        CommandHandler("matches", matches),
        *(ui.tap(P, key, _pair_action(key)) for key in ("i", "a", "d")),
        CallbackQueryHandler(_answer(True), pattern=cb.pattern(cb.MATCH_YES)),
        CallbackQueryHandler(_answer(False), pattern=cb.pattern(cb.MATCH_NO)),
        CallbackQueryHandler(follow_up, pattern=cb.pattern(cb.FOLLOW_UP)),
    ]
