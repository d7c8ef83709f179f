"""The two-hands questionnaire: "What could you use a hand with?" and "What could you offer?".

Buttons and voice all the way: pick categories from a grid, add a few words or a voice
message to each (or skip), see a summary where any item can be changed or removed, save.
One need and one offer take 7 taps. A kwartiermaker runs the same flow for a resident during
a phone intake (``draft["for"]`` is then that resident).
"""

from __future__ import annotations

from datetime import timedelta

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
    requires,
    say,
)
from bot.i18n import Translator
from bot.services import sharing
from bot.services.sharing import DraftItem

NAME = "share"
P = "sh"
NEEDS, DETAIL, OFFERS, NUDGE, SUMMARY = range(5)


def _b(label: str, *parts: str | int):
    return keyboards.button(P, label, *parts)


def draft(context: BotContext) -> dict:
    return context.user_data.setdefault("share", {})


def start_draft(context: BotContext, owner_id: int) -> None:
    context.user_data["share"] = {"for": owner_id, "picked": {"need": [], "offer": []},
                                  "items": [], "queue": [], "nudged": False, "version": 0,
                                  "asking": "need"}


async def _labels(context: BotContext) -> dict[str, str]:
    return await sharing.labels(context.req, context.t)


# questions -----------------------------------------------------------------------------------
async def _grid_markup(context: BotContext, kind: str) -> InlineKeyboardMarkup:
    t, d = context.t, draft(context)
    labels = await _labels(context)
    picked = set(d["picked"][kind])
    buttons = [_b(("✅ " if code in picked else "") + label, "c", code)
               for code, label in labels.items()]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    last = [_b("➡️ " + t.gettext("Next"), "next")]
    if kind == "offer":
        last.append(_b(t.gettext("Nothing right now"), "none"))
    return InlineKeyboardMarkup([*rows, last, keyboards.cancel_row(t, P)])


async def _grid(update: Update, context: BotContext, kind: str) -> None:
    t = context.t
    question = (t.gettext("🤲 What could you use a hand with? Tap one or more.") if kind == "need"
                else t.gettext("🎁 What could you offer someone else? Tap one or more."))
    message = await context.bot.send_message(update.effective_chat.id, question,
                                             reply_markup=await _grid_markup(context, kind))
    draft(context)["grid"] = message.message_id  # taps on older grids are stale


async def ask_needs(update: Update, context: BotContext) -> None:
    await _grid(update, context, "need")


async def ask_offers(update: Update, context: BotContext) -> None:
    await _grid(update, context, "offer")


async def ask_detail(update: Update, context: BotContext) -> None:
    t, d = context.t, draft(context)
    item = d["items"][d["queue"][0]]
    labels = await _labels(context)
    await say(update, context, t.gettext(
        "{category}: tell a little more in a few words, or send a voice message. "
        "Or skip.").format(category=labels.get(item["category"], item["category"])),
        reply_markup=InlineKeyboardMarkup([[_b("⏭ " + t.gettext("Skip"), "skip")]]))


async def ask_nudge(update: Update, context: BotContext) -> None:
    t = context.t
    await say(update, context, t.gettext(
        "Everyone has two hands: one to receive and one to give. Is there something small "
        "you could offer? For example a listening ear, a cup of coffee, a walk, a recipe from "
        "home, or help with a form in your language."),
        reply_markup=InlineKeyboardMarkup([[_b(t.gettext("Choose something small"), "small")],
                                           [_b(t.gettext("Not now"), "later")]]))


def _line(t: Translator, labels: dict[str, str], number: int, item: dict) -> str:
    hand = "🤲" if item["kind"] == "need" else "🎁"
    parts = [f"{number}. {hand} {labels.get(item['category'], item['category'])}"]
    if item.get("text"):
        parts.append(f"“{item['text']}”")
    if item.get("voice"):
        parts.append("🎤 " + t.gettext("voice message, {seconds} s").format(
            seconds=item.get("seconds") or 0))
    return " – ".join(parts)


async def ask_summary(update: Update, context: BotContext) -> None:
    t, d = context.t, draft(context)
    labels = await _labels(context)
    version = d["version"]
    if not d["items"]:
        lines = [t.gettext("Nothing chosen yet.")]
    else:
        lines = [t.gettext("This is what will be saved:"), ""]
        lines += [_line(t, labels, n, item) for n, item in enumerate(d["items"], start=1)]
    rows = [[_b(f"✏️ {n}", "ed", n - 1, version), _b(f"🗑 {n}", "rm", n - 1, version)]
            for n in range(1, len(d["items"]) + 1)]
    if d["items"]:
        rows.append([_b("💾 " + t.gettext("Save"), "save", version)])
    else:
        rows.append([_b("🤲 " + t.gettext("Start again"), "again", version)])
    await say(update, context, "\n".join(lines),
              reply_markup=InlineKeyboardMarkup([*rows, keyboards.cancel_row(t, P)]))


# entry ----------------------------------------------------------------------------------------
@requires(Action.SHARE)
async def start(update: Update, context: BotContext) -> int:
    """/share, or the "Share now" button after joining: a resident for themselves."""
    if update.callback_query is not None:
        await acknowledge(update)
    end_conversations(context, update.effective_user.id, keep=NAME)
    start_draft(context, context.person.id)
    await ask_needs(update, context)
    return NEEDS


# answers --------------------------------------------------------------------------------------
async def toggled(update: Update, context: BotContext) -> int:
    """Ticks a category on the grid itself (the message is edited, not sent again)."""
    query = update.callback_query
    d = draft(context)
    kind = d.get("asking", "need")
    state = NEEDS if kind == "need" else OFFERS
    if query.message is None or query.message.message_id != d.get("grid"):
        await query.answer(context.t.gettext(
            "That button is no longer active. Here is the current question."))
        await _grid(update, context, kind)
        return state
    await query.answer()
    code = cb.arg(query.data, f"{P}:c")
    picked = d["picked"][kind]
    if code in await _labels(context):
        if code in picked:
            picked.remove(code)
        else:
            picked.append(code)
        await query.edit_message_reply_markup(await _grid_markup(context, kind))
    return state


def _queue_new(d: dict, kind: str) -> None:
    """Adds an item for every newly picked category of ``kind`` and queues its detail question."""
    have = {(i["kind"], i["category"]) for i in d["items"]}
    for code in d["picked"][kind]:
        if (kind, code) not in have:
            d["items"].append({"kind": kind, "category": code, "text": "", "voice": None,
                               "seconds": None})
            d["queue"].append(len(d["items"]) - 1)
    d["version"] += 1


async def _advance(update: Update, context: BotContext) -> int:
    """After a detail: the next detail, else the next part of the questionnaire."""
    d = draft(context)
    if d["queue"]:
        await ask_detail(update, context)
        return DETAIL
    if d.get("asking") == "need":
        d["asking"] = "offer"
        await ask_offers(update, context)
        return OFFERS
    return await _after_offers(update, context)


async def _after_offers(update: Update, context: BotContext) -> int:
    d = draft(context)
    kinds = {i["kind"] for i in d["items"]}
    if "need" in kinds and "offer" not in kinds and not d["nudged"]:
        d["nudged"] = True
        await ask_nudge(update, context)
        return NUDGE
    await ask_summary(update, context)
    return SUMMARY


async def next_part(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    d = draft(context)
    _queue_new(d, d.get("asking", "need"))
    return await _advance(update, context)


async def no_offer(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    return await _after_offers(update, context)


async def detail_text(update: Update, context: BotContext) -> int:
    d = draft(context)
    text, cut = sharing.clean_text(update.message.text or "")
    if not sharing.has_words(text):
        await say(update, context, context.t.gettext(
            "I could not find words in that. Type a few words, send a voice message, or skip."))
        await ask_detail(update, context)
        return DETAIL
    if cut:
        await say(update, context, context.t.gettext(
            "That was long: I kept the first {count} characters.").format(
            count=sharing.TEXT_MAX))
    d["items"][d["queue"].pop(0)]["text"] = text
    d["version"] += 1
    return await _advance(update, context)


async def detail_voice(update: Update, context: BotContext) -> int:
    d = draft(context)
    voice = update.message.voice
    duration = voice.duration
    seconds = int(duration.total_seconds() if isinstance(duration, timedelta) else duration)
    item = d["items"][d["queue"].pop(0)]
    item["voice"], item["seconds"] = voice.file_id, seconds
    d["version"] += 1
    await say(update, context, context.t.gettext("Thank you, I kept your voice message."))
    return await _advance(update, context)


async def detail_skip(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    d = draft(context)
    if d["queue"]:
        d["queue"].pop(0)
    return await _advance(update, context)


async def detail_other(update: Update, context: BotContext) -> int:
    """A photo, sticker or button from elsewhere while waiting for words or a voice message."""
    if update.callback_query is not None:
        await update.callback_query.answer(context.t.gettext(
            "That button is no longer active. Here is the current question."))
    else:
        await say(update, context, context.t.gettext(
            "Please type a few words, send a voice message, or tap Skip."))
    await ask_detail(update, context)
    return DETAIL


async def nudge_small(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    draft(context)["asking"] = "offer"
    await ask_offers(update, context)
    return OFFERS


async def nudge_later(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    await ask_summary(update, context)
    return SUMMARY


def _current(context: BotContext, data: str | None, key: str) -> int | None:
    """The item index of a summary button, or None if the button is from an older summary."""
    args = cb.int_args(data, f"{P}:{key}", 2)
    d = draft(context)
    if args is None or args[1] != d["version"] or not 0 <= args[0] < len(d["items"]):
        return None
    return args[0]


async def _stale(update: Update, context: BotContext) -> int:
    await update.callback_query.answer(context.t.gettext(
        "That button is from an older summary. Here is the current one."))
    await ask_summary(update, context)
    return SUMMARY


async def summary_remove(update: Update, context: BotContext) -> int:
    index = _current(context, update.callback_query.data, "rm")
    if index is None:
        return await _stale(update, context)
    await acknowledge(update)
    d = draft(context)
    item = d["items"].pop(index)
    if item["category"] in d["picked"][item["kind"]]:
        d["picked"][item["kind"]].remove(item["category"])
    d["version"] += 1
    await ask_summary(update, context)
    return SUMMARY


async def summary_edit(update: Update, context: BotContext) -> int:
    index = _current(context, update.callback_query.data, "ed")
    if index is None:
        return await _stale(update, context)
    await acknowledge(update)
    d = draft(context)
    d["queue"] = [index]
    d["asking"] = "done"
    await ask_detail(update, context)
    return DETAIL


async def again(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    d = draft(context)
    start_draft(context, d["for"])
    draft(context)["asking"] = "need"
    await ask_needs(update, context)
    return NEEDS


async def save(update: Update, context: BotContext) -> int:
    query = update.callback_query
    if cb.int_args(query.data, f"{P}:save", 1) != [draft(context)["version"]]:
        return await _stale(update, context)
    await query.answer()
    d = draft(context)
    items = [DraftItem(kind=i["kind"], category=i["category"], text=i.get("text") or "",
                       voice_file_id=i.get("voice"), voice_seconds=i.get("seconds"))
             for i in d["items"]]
    try:
        await sharing.save(context.req, d["for"], items)
    except access.AccessDenied:
        await refuse(update, context)
        return ConversationHandler.END
    await remove_keyboard(update)
    context.user_data.pop("share", None)
    t = context.t
    if d["for"] == context.person.id:
        text = t.gettext("Saved. Thank you! Your kwartiermaker will look for someone who fits. "
                         "/mine shows what you shared.")
    else:
        text = t.gettext("Saved for them. Thank you!")
    await say(update, context, text)
    return await after_save(update, context, d)


async def after_save(update: Update, context: BotContext, d: dict) -> int:
    """After a phone intake the kwartiermaker gets the resident's claim link."""
    if d["for"] != context.person.id:
        from bot.flows import intake

        await intake.send_claim_link(update, context, d["for"])
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    await acknowledge(update)
    context.user_data.pop("share", None)
    await say(update, context, context.t.gettext("Cancelled. Nothing was saved."))
    return ConversationHandler.END


async def not_a_button(update: Update, context: BotContext, ask) -> None:
    await say(update, context, context.t.gettext("Please tap one of the buttons below."))
    await ask(update, context)


def _nudge_buttons(state: int, ask) -> list:
    async def stale(update: Update, context: BotContext) -> int:
        await update.callback_query.answer(context.t.gettext(
            "That button is no longer active. Here is the current question."))
        await ask(update, context)
        return state

    async def text(update: Update, context: BotContext) -> int:
        await not_a_button(update, context, ask)
        return state

    return [CallbackQueryHandler(stale, pattern=rf"^{P}:"),
            MessageHandler(~filters.COMMAND, text)]


def handlers() -> list:
    def tap(key: str, callback) -> CallbackQueryHandler:
        return CallbackQueryHandler(callback, pattern=cb.pattern(f"{P}:{key}"))

    stop_handler = tap("stop", stop)
    from bot.flows import intake

    flow = conversation(
        entry_points=[CommandHandler("share", start), tap("start", start),
                      *intake.entry_points()],
        states={
            **intake.states(),
            NEEDS: [tap("c", toggled), tap("next", next_part), stop_handler,
                    *_nudge_buttons(NEEDS, ask_needs)],
            DETAIL: [tap("skip", detail_skip), MessageHandler(filters.VOICE, detail_voice),
                     MessageHandler(filters.TEXT & ~filters.COMMAND, detail_text),
                     stop_handler, CallbackQueryHandler(detail_other, pattern=rf"^{P}:"),
                     MessageHandler(~filters.COMMAND, detail_other)],
            OFFERS: [tap("c", toggled), tap("next", next_part), tap("none", no_offer),
                     stop_handler, *_nudge_buttons(OFFERS, ask_offers)],
            NUDGE: [tap("small", nudge_small), tap("later", nudge_later), stop_handler,
                    *_nudge_buttons(NUDGE, ask_nudge)],
            SUMMARY: [tap("rm", summary_remove), tap("ed", summary_edit), tap("save", save),
                      tap("again", again), stop_handler, *_nudge_buttons(SUMMARY, ask_summary)],
        },
        fallbacks=[],
        name=NAME,
    )
    return [flow]
