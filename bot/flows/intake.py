"""/intake: a kwartiermaker enters a resident who answered by phone or on paper.

First the resident's language and the consent text to read out in it (true for someone
without Telegram, and read before anything about them is typed), then their first name or
nickname and phone number (optional), then the same questionnaire as /share, on their behalf.
Nothing about the resident is stored until Save; then the kwartiermaker gets a personal claim
link (and QR code) and a four-digit code to read out, with which the resident can take the
record over in Telegram. /entered lists those not taken over yet: new link, stop, erase.
"""

from __future__ import annotations

from datetime import date
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler

from bot.access import Action
from bot.context import BotContext
from bot.flows import claimcard, share, ui
from bot.flows.common import act, requires, say
from bot.flows.invites import invite_link, qr_png
from bot.flows.steps import END, NEXT, Choice, Entry, Flow, Outcome, Problem, Step, Turn
from bot.i18n import N_, Translator
from bot.languages import LANGUAGES
from bot.services import intake

P = "in"


def read_phone(turn: Turn, text: str) -> str:
    phone = intake.normal_phone(text)
    if phone is None:
        raise Problem(turn.t.gettext("That does not look like a phone number."))
    return phone


def consent_by_phone(t: Translator, organiser: str) -> str:
    """The consent text a kwartiermaker reads out: true for someone without Telegram, and
    naming the kwartiermaker instead of a word the resident may not know."""
    return "\n\n".join([
        "<b>" + t.gettext("Before we start") + "</b>",
        t.gettext("{name} writes down your answers in samenbot.").format(name=organiser),
        t.gettext("We keep your first name, language and answers. Also your phone number, if "
                  "you give it."),
        t.gettext("{name} sees them. The trainers of the programme see only numbers, not your "
                  "name. Other residents see your answers only if you say yes.").format(
                      name=organiser),
        t.gettext("You can ask {name} at any time to erase everything.").format(name=organiser),
        t.gettext("Do you agree?"),
    ])


async def ask_consent(turn: Turn) -> None:
    t = turn.t
    theirs = turn.req.translations.for_language(turn.draft["language"])
    await turn.say(t.gettext("Read this to the resident, in their language:"))
    await turn.say(consent_by_phone(theirs, escape(turn.req.me.display_name)),
                   parse_mode=ParseMode.HTML)
    await turn.say(t.gettext("Did they agree?"), [
        [turn.button("✅ " + t.gettext("Yes, they agreed"), "yes")],
        [turn.button("✖️ " + t.gettext("No"), "no")], turn.cancel_row()])


async def agreed(turn: Turn, _args: list[str]) -> Outcome:
    turn.draft["consent"] = True
    return NEXT


async def declined(turn: Turn, _args: list[str]) -> Outcome:
    await turn.answer()
    await turn.remove_buttons()
    await turn.say(turn.t.gettext("All right. Nothing has been saved."))
    return END


async def save(turn: Turn) -> Outcome:
    d = turn.draft
    claim = await intake.enter(turn.req, intake.Resident(
        name=d["name"], language=d["language"], phone=d.get("phone")), share.items_of(turn))
    await turn.say(turn.t.gettext("Saved for them. Thank you!"))
    await send_claim(turn.context, turn.update.effective_chat.id, claim)
    return END


async def send_claim(context: BotContext, chat_id: int, claim: intake.ClaimLink) -> None:
    """The personal link as a QR code and the code to read out to the resident; then, for
    someone without a smartphone of their own, a card to print and a text to send by SMS,
    both in the resident's language."""
    t = context.t
    link = invite_link(context.bot.username, claim.payload)
    await context.bot.send_photo(chat_id, qr_png(link), filename="claim-qr.png", caption="\n".join([
        t.gettext("A personal link for the resident: it works once, for 30 days."), link, "",
        t.gettext("Read out this code to them; they type it when they open the link: "
                  "{code}").format(code=claim.pin)]))
    theirs = context.req.translations.for_language(claim.language)
    organiser = context.req.me.display_name
    card = claimcard.card_png(theirs, claim.name, organiser, link, claim.pin)
    await context.bot.send_document(
        chat_id, card, filename="card.png",
        caption=t.gettext("A card to print for them, in their language."))
    await context.bot.send_message(chat_id, t.gettext("A text to send by SMS, for example to "
                                                      "a family member's phone:"))
    await context.bot.send_message(chat_id, claimcard.sms_text(theirs, claim.name, organiser,
                                                               link, claim.pin))


INTAKE = Flow(
    name="intake", prefix=P, action=Action.INTAKE, about_others=True,
    entries=[Entry(command="intake")],
    resume=N_("You have an intake that is not saved yet."),
    steps=[
        Step("language", key="lang", per_row=2, question=N_(
            "Phone intake. Which language does the resident speak best?"),
             choices=lambda turn: [Choice(c, lang.native_name) for c, lang in LANGUAGES.items()]),
        Step("consent", ask=ask_consent, actions={"yes": agreed, "no": declined}),
        Step("name", question=N_("Their first name or nickname?"),
             text=ui.words(intake.NAME_MAX)),
        Step("phone", question=N_("Their phone number, if they want to give it. Or skip."),
             text=read_phone, skip=N_("Skip")),
        *share.QUESTIONNAIRE,
        share.summary(save),
    ],
)


# /entered: the residents a kwartiermaker entered and who have not taken their record over ---
E = "en"


def _link_label(t: Translator, state: str) -> str:
    return {"open": t.gettext("link open"), "used": t.gettext("link used"),
            "expired": t.gettext("link expired"), "stopped": t.gettext("link stopped"),
            "none": t.gettext("no link")}[state]


@requires(Action.INTAKE)
async def entered(update: Update, context: BotContext) -> None:
    t = context.t
    found = await intake.entered(context.req)
    if not found:
        await say(update, context, t.gettext("Nobody entered by phone is waiting to take their "
                                             "record over. /intake enters someone."))
        return
    lines, rows = [t.gettext("Entered by phone, not yet in Telegram:")], []
    for number, e in enumerate(found[:20], start=1):
        day = t.format_date(date.fromisoformat(e.entered_at[:10]), "d MMM")
        lines.append(f"{number}. {e.name} · {day} · {_link_label(t, e.link)}")
        rows.append([ui.button(E, f"🔗 {number}", "new", e.person_id),
                     ui.button(E, f"⛔ {number}", "stop", e.person_id),
                     ui.button(E, f"🗑 {number}", "del", e.person_id)])
    lines += ["", t.gettext("🔗 a new link and code · ⛔ stop the link · 🗑 erase everything")]
    await say(update, context, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


@requires(Action.INTAKE)
async def new_link(update: Update, context: BotContext) -> None:
    claim = await act(update, context, intake.new_link(
        context.req, ui.int_arg(update.callback_query.data, f"{E}:new")), lambda _: None,
        keep_buttons=True)
    if claim is not None:
        await send_claim(context, update.effective_chat.id, claim)


@requires(Action.INTAKE)
async def stop_link(update: Update, context: BotContext) -> None:
    t = context.t
    await act(update, context, intake.stop_link(
        context.req, ui.int_arg(update.callback_query.data, f"{E}:stop")),
        lambda done: t.gettext("The link is stopped.") if done
        else t.gettext("That was already done."), keep_buttons=True)


@requires(Action.INTAKE)
async def ask_erase(update: Update, context: BotContext) -> None:
    t = context.t
    person_id = ui.int_arg(update.callback_query.data, f"{E}:del")
    name = next((e.name for e in await intake.entered(context.req)
                 if e.person_id == person_id), None)
    if name is None:
        await update.callback_query.answer(t.gettext("That was already done."), show_alert=True)
        return
    await update.callback_query.answer()
    await say(update, context, t.gettext("Erase everything about {name}? This cannot be undone.")
              .format(name=name), reply_markup=InlineKeyboardMarkup([
                  [ui.button(E, "🗑 " + t.gettext("Yes, erase everything"), "yes", person_id)],
                  [ui.button(E, t.gettext("No, keep it"), "keep")]]))


@requires(Action.INTAKE)
async def erase(update: Update, context: BotContext) -> None:
    t = context.t
    await act(update, context, intake.erase_entered(
        context.req, ui.int_arg(update.callback_query.data, f"{E}:yes")),
        lambda _: t.gettext("Erased. Nothing about them is kept."))


@requires(Action.INTAKE)
async def keep(update: Update, context: BotContext) -> None:
    t = context.t
    await act(update, context, _nothing(), lambda _: t.gettext("Good, nothing has been erased."))


async def _nothing() -> None:
    return None


def handlers() -> list:
    return [CommandHandler("entered", entered), ui.tap(E, "new", new_link),
            ui.tap(E, "stop", stop_link), ui.tap(E, "del", ask_erase), ui.tap(E, "yes", erase),
            ui.tap(E, "keep", keep)]
