"""/find: help on the social map, by theme, by typing a few words, or by sharing a location;
with filters for open now, my language and the line (0 neighbours, 1 first line, 2 specialist).
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as f

from bot import callbacks as cb
from bot import keyboards
from bot.access import Action
from bot.context import BotContext
from bot.flows.common import (
    acknowledge,
    conversation,
    end_conversations,
    remove_keyboard,
    reprompt,
    requires,
    say,
)
from bot.i18n import Translator
from bot.services import sharing, socialmap
from bot.services.socialmap import Entry, Filters

P = "fd"
MENU, THEME, WORDS, PLACE = range(40, 44)


def _b(label: str, *parts: str | int):
    return keyboards.button(P, label, *parts)


def _filters(context: BotContext) -> dict:
    return context.user_data.setdefault("find", {"open": False, "mine": False, "line": -1})


def _as_filters(context: BotContext) -> Filters:
    d = _filters(context)
    return Filters(open_now=d["open"], language=context.t.code if d["mine"] else None,
                   line=None if d["line"] < 0 else d["line"])


def line_label(t: Translator, line: int) -> str:
    return {0: t.gettext("neighbours and volunteers"), 1: t.gettext("first line: GP, district "
                                                                    "team, social work"),
            2: t.gettext("specialist care")}[line]


def _menu_markup(context: BotContext) -> InlineKeyboardMarkup:
    t, d = context.t, _filters(context)
    line = t.gettext("All lines") if d["line"] < 0 else t.gettext("Line {line}").format(
        line=d["line"])
    return InlineKeyboardMarkup([
        [_b("🗂 " + t.gettext("By theme"), "theme")],
        [_b("⌨️ " + t.gettext("Type a few words"), "words")],
        [_b("📍 " + t.gettext("Near me"), "near")],
        [_b(("✅ " if d["open"] else "▫️ ") + t.gettext("Open now"), "f", "open"),
         _b(("✅ " if d["mine"] else "▫️ ") + t.gettext("Speaks my language"), "f", "mine")],
        [_b("🔁 " + line, "f", "line")],
        keyboards.cancel_row(t, P),
    ])


async def ask_menu(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("Find help. How do you want to look?"),
              reply_markup=_menu_markup(context))


@requires(Action.FIND)
async def start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="find")
    _filters(context)
    await ask_menu(update, context)
    return MENU


@requires(Action.FIND)
async def toggle(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    d, which = _filters(context), cb.arg(query.data, f"{P}:f")
    if which == "open":
        d["open"] = not d["open"]
    elif which == "mine":
        d["mine"] = not d["mine"]
    elif which == "line":
        d["line"] = (d["line"] + 2) % 4 - 1  # all → 0 → 1 → 2 → all
    await query.edit_message_reply_markup(_menu_markup(context))
    return MENU


async def ask_theme(update: Update, context: BotContext) -> None:
    labels = await sharing.labels(context.req, context.t)
    buttons = [_b(label, "cat", code) for code, label in labels.items()]
    await say(update, context, context.t.gettext("Which theme?"),
              reply_markup=InlineKeyboardMarkup([buttons[i:i + 2]
                                                 for i in range(0, len(buttons), 2)]))


@requires(Action.FIND)
async def choose(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    t = context.t
    if query.data == f"{P}:theme":
        await ask_theme(update, context)
        return THEME
    if query.data == f"{P}:words":
        await ask_words(update, context)
        return WORDS
    await say(update, context, t.gettext("Tap the button below to share where you are, or send "
                                         "a location with 📎."),
              reply_markup=ReplyKeyboardMarkup(
                  [[KeyboardButton("📍 " + t.gettext("Share my location"),
                                   request_location=True)]],
                  one_time_keyboard=True, resize_keyboard=True))
    return PLACE


def card(t: Translator, entry: Entry, context: BotContext, distance: float | None = None
         ) -> str:
    local = entry.translations.get(t.code, {})
    name = local.get("name") or entry.name
    lines = [f"🏠 {name}", local.get("description") or entry.description,
             "↳ " + line_label(t, entry.line)]
    tz, now = context.services.settings.tz, context.now()
    hours = socialmap.hours_on(entry, now, tz)
    lines.append("🕒 " + (t.gettext("Today: {hours}").format(
        hours=", ".join(f"{o}–{c}" for o, c in hours)) if hours else t.gettext("Closed today")))
    place = ", ".join(x for x in (entry.address, entry.city) if x)
    if place:
        lines.append("📍 " + place + (f" ({t.format_number(round(distance, 1))} km)"
                                      if distance is not None else ""))
    if entry.phone:
        lines.append("☎️ " + entry.phone)
    if entry.url:
        lines.append("🔗 " + entry.url)
    return "\n".join(line for line in lines if line)


async def _show(update: Update, context: BotContext, found: list[tuple[Entry, float | None]]
                ) -> int:
    t = context.t
    if not found:
        await say(update, context, t.gettext(
            "Nothing found. Try a theme, or drop in at the weekly consultation hour: someone "
            "will look with you."),
            reply_markup=InlineKeyboardMarkup([[_b("🗂 " + t.gettext("By theme"), "theme")]]))
        return MENU
    for entry, distance in found:
        buttons = ([[_b("🗺 " + t.gettext("Show on the map"), "map", entry.id)]]
                   if entry.latitude is not None else None)
        await say(update, context, card(t, entry, context, distance),
                  reply_markup=InlineKeyboardMarkup(buttons) if buttons else None)
    return ConversationHandler.END


@requires(Action.FIND)
async def by_theme(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    code = cb.arg(query.data, f"{P}:cat")
    social_map = await socialmap.load(context.req)
    found = social_map.by_category(code or "", _as_filters(context), context.now(),
                                   context.services.settings.tz)
    return await _show(update, context, [(e, None) for e in found[:5]])


@requires(Action.FIND)
async def by_words(update: Update, context: BotContext) -> int:
    social_map = await socialmap.load(context.req)
    found = social_map.by_text(update.message.text or "", _as_filters(context), context.now(),
                               context.services.settings.tz)
    return await _show(update, context, [(e, None) for e in found])


@requires(Action.FIND)
async def by_place(update: Update, context: BotContext) -> int:
    location = update.message.location
    point = (location.latitude, location.longitude)
    t = context.t
    await say(update, context, t.gettext("Thank you."), reply_markup=ReplyKeyboardRemove())
    if not socialmap.in_district(point):
        await say(update, context, t.gettext(
            "That place is far from the district. These are the nearest places in it."))
    social_map = await socialmap.load(context.req)
    found = social_map.nearest(point, _as_filters(context), context.now(),
                               context.services.settings.tz)
    return await _show(update, context, found)


async def not_a_location(update: Update, context: BotContext) -> int:
    await say(update, context, context.t.gettext(
        "Please use the button to share your location, or /find to look another way."))
    return PLACE


@requires(Action.FIND)
async def show_map(update: Update, context: BotContext) -> None:
    query = update.callback_query
    entry_id = cb.arg(query.data, f"{P}:map")
    social_map = await socialmap.load(context.req)
    entry = next((e for e in social_map.entries if e.id == entry_id), None)
    await query.answer()
    if entry is None or entry.latitude is None:
        return
    await context.bot.send_location(update.effective_chat.id, entry.latitude, entry.longitude)


async def stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    await say(update, context, context.t.gettext("All right."))
    return ConversationHandler.END


async def ask_words(update: Update, context: BotContext) -> None:
    await say(update, context, context.t.gettext("Type a few words, like \"debts\" or \"food\"."))


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    stop_handler = tap("stop", stop)
    flow = conversation(
        entry_points=[CommandHandler("find", start)],
        states={
            MENU: [tap("f", toggle), tap("theme", choose), tap("words", choose),
                   tap("near", choose), stop_handler, *reprompt(MENU, ask_menu, P)],
            THEME: [tap("cat", by_theme), stop_handler, *reprompt(THEME, ask_theme, P)],
            WORDS: [MessageHandler(f.TEXT & ~f.COMMAND, by_words), stop_handler,
                    *reprompt(WORDS, ask_words, P)],
            PLACE: [MessageHandler(f.LOCATION, by_place),
                    MessageHandler(~f.COMMAND, not_a_location)],
        },
        fallbacks=[],
        name="find",
    )
    return [flow, tap("map", show_map), tap("theme", _theme_again), tap("cat", by_theme)]


@requires(Action.FIND)
async def _theme_again(update: Update, context: BotContext) -> None:
    await update.callback_query.answer()
    await ask_theme(update, context)
