"""/refer: a warm handover of a need to the social map, with its follow-up; /mapkeep: trainers
add entries, change a field, mark one inactive or verified (every change is recorded)."""

from __future__ import annotations

import secrets

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows.common import (
    acknowledge,
    conversation,
    end_conversations,
    refuse,
    remove_keyboard,
    reprompt,
    requires,
    say,
    typed,
)
from bot.flows.socialmap import card, line_label
from bot.services import referrals, sharing, socialmap
from bot.services.socialmap import Entry, Filters

R, K = "rr", "mk"
PICK, CATEGORY, ENTRY, NOTE = range(50, 54)
FIND, FIELD, VALUE, NEW_NAME, NEW_DESC, NEW_LINE, NEW_CAT = range(60, 67)
FIELDS = ("name", "description", "phone", "url", "email", "address", "eligibility", "cost")


def _d(context: BotContext, key: str) -> dict:
    return context.user_data.setdefault(key, {})


async def _labels(context: BotContext) -> dict[str, str]:
    return await sharing.labels(context.req, context.t)


# /refer --------------------------------------------------------------------------------------
@requires(Action.REFER)
async def refer_start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="refer")
    context.user_data["refer"] = {}
    return await ask_pick(update, context)


async def ask_pick(update: Update, context: BotContext) -> int:
    t = context.t
    needs, notes = await referrals.referable(context.req)
    if not needs and not notes:
        await say(update, context, t.gettext("No open needs in your circle to refer."))
        return ConversationHandler.END
    labels = await _labels(context)
    rows = [[keyboards.button(R, f"🤲 {name}: {labels.get(cat, cat)}"[:60], "n", item_id)]
            for item_id, name, cat in needs[:20]]
    rows += [[keyboards.button(R, f"📌 {title} {day:%d-%m}: {note}"[:60], "s", session_id)]
             for session_id, title, day, note in notes[:10]]
    await say(update, context, t.gettext("Which need do you want to hand over?"),
              reply_markup=InlineKeyboardMarkup([*rows, keyboards.cancel_row(t, R)]))
    return PICK


async def _ask_pick_again(update: Update, context: BotContext) -> None:
    await ask_pick(update, context)


@requires(Action.REFER)
async def picked(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    d = _d(context, "refer")
    needs, notes = await referrals.referable(context.req)
    need_id, session_id = cb.int_arg(query.data, f"{R}:n"), cb.int_arg(query.data, f"{R}:s")
    by_need = {item_id: cat for item_id, _, cat in needs}
    if need_id in by_need:
        d.update(need=need_id, category=by_need[need_id])
        await remove_keyboard(update)
        await ask_entry(update, context)
        return ENTRY
    if session_id in {n[0] for n in notes}:
        d.update(session=session_id)
        await remove_keyboard(update)
        await ask_category(update, context)
        return CATEGORY
    await refuse(update, context)
    return PICK


async def ask_category(update: Update, context: BotContext) -> None:
    buttons = [keyboards.button(R, label, "c", code)
               for code, label in (await _labels(context)).items()]
    await say(update, context, context.t.gettext("Which theme is it about?"),
              reply_markup=InlineKeyboardMarkup([buttons[i:i + 2]
                                                 for i in range(0, len(buttons), 2)]))


@requires(Action.REFER)
async def category_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    code = cb.arg(query.data, f"{R}:c")
    if code not in await _labels(context):
        await ask_category(update, context)
        return CATEGORY
    await remove_keyboard(update)
    _d(context, "refer")["category"] = code
    await ask_entry(update, context)
    return ENTRY


async def ask_entry(update: Update, context: BotContext) -> None:
    t, d = context.t, _d(context, "refer")
    social_map = await socialmap.load(context.req)
    found = social_map.by_category(d["category"], Filters(), context.now(),
                                   context.services.settings.tz)
    if not found:
        await say(update, context, t.gettext(
            "The social map has nothing for this theme yet: a hole in the map. Tell your trainer; "
            "for now keep it as a note."))
        return
    rows = [[keyboards.button(R, f"{e.name} ({line_label(t, e.line)})"[:60], "e", e.id)]
            for e in found[:8]]
    await say(update, context, t.gettext("To whom do you hand it over?"),
              reply_markup=InlineKeyboardMarkup([*rows, keyboards.cancel_row(t, R)]))


@requires(Action.REFER)
async def entry_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    entry_id = cb.arg(query.data, f"{R}:e")
    social_map = await socialmap.load(context.req)
    if entry_id not in {e.id for e in social_map.entries}:
        await ask_entry(update, context)
        return ENTRY
    await remove_keyboard(update)
    _d(context, "refer")["entry"] = entry_id
    await ask_note(update, context)
    return NOTE


async def ask_note(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext("A short note for the handover (who you spoke to, what "
                                         "was agreed), or skip."),
              reply_markup=InlineKeyboardMarkup([[keyboards.button(R, "⏭ " + t.gettext("Skip"),
                                                                   "skip")]]))


@requires(Action.REFER)
async def note_given(update: Update, context: BotContext) -> int:
    d = _d(context, "refer")
    if update.callback_query is not None:
        await acknowledge(update)
        note = ""
    else:
        note = typed(update)
    try:
        await referrals.create(context.req, referrals.Handover(
            need_id=d.get("need"), session_id=d.get("session"), category=d["category"],
            entry_id=d["entry"], note=note))
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    context.user_data.pop("refer", None)
    await say(update, context, context.t.gettext(
        "Handed over. In {days} days I ask you how it went.").format(
        days=context.services.settings.referral_follow_up_days))
    return ConversationHandler.END


async def refer_stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("refer", None)
    context.user_data.pop("mapkeep", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


@requires(Action.REFER)
async def follow_up_answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    args = cb.int_args(query.data, cb.REFERRAL, 2)
    if args is None or not 1 <= args[1] <= len(referrals.OUTCOMES):
        await query.answer()
        return
    try:
        await referrals.answer(context.req, args[0], referrals.OUTCOMES[args[1] - 1])
    except access.AccessDenied:
        await refuse(update, context)
        return
    await query.answer()
    await remove_keyboard(update)
    await say(update, context, context.t.gettext("Thank you for letting us know."))


# /mapkeep ------------------------------------------------------------------------------------
@requires(Action.MAPKEEP)
async def keep_start(update: Update, context: BotContext) -> int:
    end_conversations(context, update.effective_user.id, keep="refer")
    context.user_data["mapkeep"] = {}
    await ask_find(update, context)
    return FIND


async def ask_find(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext("Type a few words of the entry to change, or add one."),
              reply_markup=InlineKeyboardMarkup([[keyboards.button(K, "➕ " + t.gettext(
                  "New entry"), "new")], keyboards.cancel_row(t, R)]))


@requires(Action.MAPKEEP)
async def keep_search(update: Update, context: BotContext) -> int:
    everything = await socialmap.load_all(context.req)
    found = everything.by_text(update.message.text or "", Filters(), context.now(),
                               context.services.settings.tz)
    if not found:
        await say(update, context, context.t.gettext("Nothing found."))
        await ask_find(update, context)
        return FIND
    rows = [[keyboards.button(K, e.name[:60], "e", e.id)] for e in found]
    await say(update, context, context.t.gettext("Which one?"),
              reply_markup=InlineKeyboardMarkup(rows))
    return FIELD


async def _entry(context: BotContext) -> Entry | None:
    everything = await socialmap.load_all(context.req)
    entry_id = _d(context, "mapkeep").get("entry")
    return next((e for e in everything.entries if e.id == entry_id), None)


async def show_entry(update: Update, context: BotContext) -> None:
    t, entry = context.t, await _entry(context)
    if entry is None:
        return
    status = t.gettext("active") if entry.active else t.gettext("inactive")
    verified = entry.last_verified or "–"
    await say(update, context, card(t, entry, context) + "\n\n" + t.gettext(
        "Status: {status} · verified: {verified}").format(status=status, verified=verified),
        reply_markup=InlineKeyboardMarkup([
            [keyboards.button(K, "✏️ " + t.gettext("Name"), "f", "name"),
             keyboards.button(K, "✏️ " + t.gettext("Description"), "f", "description")],
            [keyboards.button(K, "✏️ " + t.gettext("Phone"), "f", "phone"),
             keyboards.button(K, "✏️ " + t.gettext("Website"), "f", "url")],
            [keyboards.button(K, "✏️ " + t.gettext("E-mail"), "f", "email"),
             keyboards.button(K, "✏️ " + t.gettext("Address"), "f", "address")],
            [keyboards.button(K, "✏️ " + t.gettext("Who it is for"), "f", "eligibility"),
             keyboards.button(K, "✏️ " + t.gettext("Cost"), "f", "cost")],
            [keyboards.button(K, ("▶️ " + t.gettext("Make active")) if not entry.active
                              else ("⏸ " + t.gettext("Make inactive")), "act"),
             keyboards.button(K, "✅ " + t.gettext("Verified today"), "ver")],
            keyboards.cancel_row(t, R)]))


@requires(Action.MAPKEEP)
async def entry_picked(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    await remove_keyboard(update)
    _d(context, "mapkeep")["entry"] = cb.arg(query.data, f"{K}:e")
    if await _entry(context) is None:
        await ask_find(update, context)
        return FIND
    await show_entry(update, context)
    return FIELD


@requires(Action.MAPKEEP)
async def field_chosen(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    field = cb.arg(query.data, f"{K}:f")
    if field not in FIELDS:
        await show_entry(update, context)
        return FIELD
    await remove_keyboard(update)
    _d(context, "mapkeep")["field"] = field
    await say(update, context, context.t.gettext("Type the new text."))
    return VALUE


async def _save(update: Update, context: BotContext, field: str, value: object) -> int:
    d = _d(context, "mapkeep")
    try:
        await referrals.edit(context.req, d["entry"], field, value)
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    await say(update, context, context.t.gettext("Saved. The change is recorded."))
    await show_entry(update, context)
    return FIELD


@requires(Action.MAPKEEP)
async def value_typed(update: Update, context: BotContext) -> int:
    value = typed(update, 500)
    field = _d(context, "mapkeep").get("field")
    if field not in FIELDS or (field in ("name", "description") and
                               not sharing.has_words(value)):
        await say(update, context, context.t.gettext("Type the new text."))
        return VALUE
    return await _save(update, context, field, value)


@requires(Action.MAPKEEP)
async def toggle_active(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    entry = await _entry(context)
    if entry is None:
        return ConversationHandler.END
    return await _save(update, context, "active", int(not entry.active))


@requires(Action.MAPKEEP)
async def verified(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    today = context.now().astimezone(context.services.settings.tz).date().isoformat()
    return await _save(update, context, "last_verified", today)


@requires(Action.MAPKEEP)
async def new_entry(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data["mapkeep"] = {"new": {}}
    await say(update, context, context.t.gettext("The name of the new entry?"))
    return NEW_NAME


@requires(Action.MAPKEEP)
async def new_name(update: Update, context: BotContext) -> int:
    name = typed(update, 120)
    if not sharing.has_words(name):
        await say(update, context, context.t.gettext("The name of the new entry?"))
        return NEW_NAME
    _d(context, "mapkeep")["new"]["name"] = name
    await say(update, context, context.t.gettext("What do they do, in one or two sentences?"))
    return NEW_DESC


@requires(Action.MAPKEEP)
async def new_description(update: Update, context: BotContext) -> int:
    text = typed(update, 1000)
    if not sharing.has_words(text):
        await say(update, context, context.t.gettext("What do they do, in one or two sentences?"))
        return NEW_DESC
    _d(context, "mapkeep")["new"]["description"] = text
    t = context.t
    await say(update, context, t.gettext("Which line?"), reply_markup=InlineKeyboardMarkup(
        [[keyboards.button(K, f"{n} · {line_label(t, n)}"[:60], "l", n)] for n in (0, 1, 2)]))
    return NEW_LINE


@requires(Action.MAPKEEP)
async def new_line(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    line = cb.int_arg(query.data, f"{K}:l", (0, 1, 2))
    if line is None:
        return NEW_LINE
    await remove_keyboard(update)
    _d(context, "mapkeep")["new"]["line"] = line
    buttons = [keyboards.button(K, label, "c", code)
               for code, label in (await _labels(context)).items()]
    await say(update, context, context.t.gettext("Which theme is it about?"),
              reply_markup=InlineKeyboardMarkup([buttons[i:i + 2]
                                                 for i in range(0, len(buttons), 2)]))
    return NEW_CAT


@requires(Action.MAPKEEP)
async def new_category(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await query.answer()
    code = cb.arg(query.data, f"{K}:c")
    if code not in await _labels(context):
        return NEW_CAT
    await remove_keyboard(update)
    new = _d(context, "mapkeep")["new"]
    entry_id = "svc-" + secrets.token_hex(4)
    entry = Entry(id=entry_id, organization_id=entry_id, organization_name=new["name"],
                  name=new["name"], description=new["description"], line=new["line"],
                  categories=(code,), languages=(), location_id=None, location_name="",
                  address="", city="", postal_code="", latitude=None, longitude=None, phone="",
                  url="", email="", eligibility="", cost="", hours={}, active=True,
                  last_verified=_today(context))
    await referrals.add(context.req, entry=entry)
    context.user_data["mapkeep"] = {"entry": entry_id}
    await say(update, context, context.t.gettext("Added. Add a phone number or website now:"))
    await show_entry(update, context)
    return FIELD


def _today(context: BotContext) -> str:
    return context.now().astimezone(context.services.settings.tz).date().isoformat()


def handlers() -> list:
    def tap(prefix: str, key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{prefix}:{key}"))

    text = filters.TEXT & ~filters.COMMAND
    stop = tap(R, "stop", refer_stop)
    flow = conversation(
        entry_points=[CommandHandler("refer", refer_start), CommandHandler("mapkeep", keep_start)],
        states={
            PICK: [tap(R, "n", picked), tap(R, "s", picked), stop,
                   *reprompt(PICK, _ask_pick_again, R)],
            CATEGORY: [tap(R, "c", category_chosen), stop, *reprompt(CATEGORY, ask_category, R)],
            ENTRY: [tap(R, "e", entry_chosen), stop, *reprompt(ENTRY, ask_entry, R)],
            NOTE: [MessageHandler(text, note_given), tap(R, "skip", note_given), stop,
                   *reprompt(NOTE, ask_note, R)],
            FIND: [MessageHandler(text, keep_search), tap(K, "new", new_entry), stop],
            FIELD: [tap(K, "e", entry_picked), tap(K, "f", field_chosen),
                    tap(K, "act", toggle_active), tap(K, "ver", verified), stop,
                    *reprompt(FIELD, show_entry, K)],
            VALUE: [MessageHandler(text, value_typed), stop],
            NEW_NAME: [MessageHandler(text, new_name), stop],
            NEW_DESC: [MessageHandler(text, new_description), stop],
            NEW_LINE: [tap(K, "l", new_line), stop],
            NEW_CAT: [tap(K, "c", new_category), stop],
        },
        fallbacks=[],
        name="refer",
    )
    return [flow, CallbackQueryHandler(follow_up_answer, pattern=cb.pattern(cb.REFERRAL))]

