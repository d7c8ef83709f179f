"""A kwartiermaker's view of their circle, suggested pairs, and the residents' answers to an
introduction and its follow-up."""

from __future__ import annotations

from collections import defaultdict

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import callbacks as cb
from bot.access import AccessDenied, Action
from bot.context import BotContext
from bot.flows import groups, pages, ui
from bot.flows.common import act, refuse, requires, say
from bot.services import groups as group_rules
from bot.services import introductions, sharing

P = "mx"


@requires(Action.CIRCLE)
async def circle(update: Update, context: BotContext) -> None:
    """Needs and offers of the kwartiermaker's residents, a page at a time; every voice message
    has a ▶️ button on the page where it is listed."""
    t = context.t
    found = await sharing.circle(context.req)
    if not found:
        await pages.show(update, context, t.gettext("Nothing shared in your circle yet."))
        return
    labels = await ui.category_labels(context)
    grouped: dict[str, list] = defaultdict(list)
    for item, name, _ in found:
        grouped[item.category].append((item, name))
    lines: list[str] = []
    voices: dict[int, tuple[int, str]] = {}  # line index → (item id, label of its button)
    for code, entries in grouped.items():
        needs = sum(1 for item, _ in entries if item.kind == "need")
        lines.append(f"\n{labels.get(code, code)} · 🤲 {needs} · 🎁 {len(entries) - needs}")
        for item, name in entries:
            hand = "🤲" if item.kind == "need" else "🎁"
            detail = f" “{item.text}”" if item.text else ""
            if item.voice_file_id:
                number = len(voices) + 1
                voices[len(lines)] = (item.id, f"▶️ {number} {name}"[:30])
                detail += f" 🎤 {number}"
            lines.append(f"  {hand} {name}{detail}")
    shown = pages.page(t, lines, number=pages.wanted(update, P, "pg"),
                       head=[t.gettext("Needs and offers in your circle:")],
                       tail=[t.gettext("▶️ listen to a voice message")] if voices else [])
    buttons = [ui.button(P, label, "v", item_id) for index, (item_id, label) in voices.items()
               if index in shown.shown]
    group = [[ui.button(groups.P, "👥 " + t.gettext("Group activity"), "l")]]
    await pages.show(update, context, shown.text,
                     ui.rows(buttons, per_row=2) + pages.nav(shown, P, "pg") + group)


@requires(Action.CIRCLE)
async def listen(update: Update, context: BotContext) -> None:
    """Sends the voice message again to the kwartiermaker; for a need told only by voice, with
    the themes to pick from once they listened."""
    t = context.t
    try:
        item, name = await sharing.heard_in_circle(context.req, ui.int_arg(
            update.callback_query.data, f"{P}:v"))
    except AccessDenied:
        await refuse(update, context)
        return
    await update.callback_query.answer()
    labels = await ui.category_labels(context)
    hand = "🤲" if item.kind == "need" else "🎁"
    rows = None
    if item.category == sharing.TOLD:
        themes = [ui.button(P, label, "th", item.id, code)
                  for code, label in labels.items() if code != sharing.TOLD]
        rows = InlineKeyboardMarkup(ui.rows(themes, per_row=2))
    caption = f"{hand} {name} · {labels.get(item.category, item.category)}"
    if rows is not None:
        caption += "\n" + t.gettext("Which theme is it? Tap one after listening.")
    await context.bot.send_voice(update.effective_user.id, item.voice_file_id, caption=caption,
                                 reply_markup=rows)


@requires(Action.CIRCLE)
async def theme(update: Update, context: BotContext) -> None:
    t = context.t
    args = (update.callback_query.data or "").split(":")[2:]
    item_id = int(args[0]) if args and args[0].isascii() and args[0].isdigit() else 0
    code = args[1] if len(args) > 1 else ""
    labels = await ui.category_labels(context)
    await act(update, context, sharing.theme_told(context.req, item_id, code),
              lambda done: (t.gettext("Saved as {theme}. It can now be matched.").format(
                  theme=labels.get(code, code)) if done else t.gettext("That was already done.")))


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
            [ui.button(P, "🤝 " + t.gettext("Introduce"), "i", *ids),
             ui.button(groups.P, "👥 " + t.gettext("Group activity"), "o", s.offer.item_id)],
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
                "One of them is not on Telegram yet. Arrange it in person, or give them their "
                "claim link first."), group_rules.GroupClosed: t.gettext(
                "This offer is a group activity now. Invite people to it with 👥 in /circle.")})
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
              lambda new: t.gettext("Thank you for letting us know.") if new
              else t.gettext("We already had your answer."), refusals=_gone(t))


def handlers() -> list:
    return [
        CommandHandler("circle", circle),
        ui.tap(P, "pg", circle),
        ui.tap(P, "v", listen),
        ui.tap(P, "th", theme),
        CommandHandler("matches", matches),
        *(ui.tap(P, key, _pair_action(key)) for key in ("i", "a", "d")),
        CallbackQueryHandler(_answer(True), pattern=cb.pattern(cb.MATCH_YES)),
        CallbackQueryHandler(_answer(False), pattern=cb.pattern(cb.MATCH_NO)),
        CallbackQueryHandler(follow_up, pattern=cb.pattern(cb.FOLLOW_UP)),
    ]
