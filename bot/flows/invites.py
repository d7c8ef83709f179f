"""/invite: a link plus QR code for a role; /invites: see and withdraw open invites."""

from __future__ import annotations

import io
from datetime import datetime

import segno
from telegram import Update
from telegram.ext import CommandHandler

from bot import access, keyboards
from bot import callbacks as cb
from bot.access import Action, Role
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import requires, say
from bot.flows.steps import END, Choice, Entry, Flow, Outcome, Step, Turn
from bot.i18n import N_, Translator
from bot.languages import LANGUAGES
from bot.services import invites, rounds
from bot.services.invites import Invite

P = "inv"


def invite_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def qr_png(link: str) -> bytes:
    buf = io.BytesIO()
    segno.make(link, error="m").save(buf, kind="png", scale=8, border=4)
    return buf.getvalue()


def validity(t: Translator, invite: Invite) -> str:
    until = t.format_datetime(datetime.fromisoformat(invite.expires_at))
    if invite.max_uses is None:
        uses = t.gettext("no limit on the number of people")
    else:
        uses = t.ngettext("{used} of {total} place used", "{used} of {total} places used",
                          invite.max_uses).format(used=invite.uses, total=invite.max_uses)
    return t.gettext("Valid until {until} · {uses}").format(until=until, uses=uses)


def for_them(t: Translator, inviter: str, link: str) -> str:
    """The text the inviter forwards, in the language they picked for whom they invite, spoken
    to that person."""
    return "\n\n".join([
        t.gettext("Hello! {name} invites you to samenbot of SAMENredzaam: neighbours helping "
                  "neighbours.").format(name=inviter),
        t.gettext("Tap this link to join:"), link])


async def make(turn: Turn) -> Outcome:
    d, t = turn.draft, turn.t
    language = None if d["lang"] == ANY else d["lang"]
    invite = await invites.create(turn.req, role=d["role"], max_uses=d["uses"],
                                  valid_days=d["days"], language=language,
                                  round_id=d.get("round") or None)
    link = invite_link(turn.context.bot.username, invite.code)
    named = [r.name for r in await rounds.open_rounds(turn.req) if r.id == invite.round_id]
    caption = "\n".join([
        t.gettext("Invite for: {role}").format(role=keyboards.role_label(t, invite.role)),
        *(t.gettext("Round: {name}").format(name=name) for name in named),
        validity(t, invite), "",
        t.gettext("Let them scan the code with their phone camera, or forward the next "
                  "message."), link])
    chat = turn.update.effective_chat.id
    await turn.context.bot.send_photo(chat, qr_png(link), caption=caption,
                                      filename="invite-qr.png")
    theirs = turn.req.translations.for_language(language or t.code)
    await turn.context.bot.send_message(chat, for_them(theirs, turn.req.me.display_name, link))
    return END


ANY = "any"


def language_choices(turn: Turn) -> list[Choice]:
    """Their language, the inviter's own first; or they choose (a group may mix languages)."""
    own = turn.t.code
    codes = [own, *[c for c in LANGUAGES if c != own]]
    return [*(Choice(c, LANGUAGES[c].native_name) for c in codes),
            Choice(ANY, "🌐 " + turn.t.gettext("They choose themselves"))]


async def round_choices(turn: Turn) -> list[Choice]:
    """The rounds that have not ended, or none (taken without asking when there is no such
    round); an invite for residents or trainers is asked nothing (the step's ``pending``)."""
    none = Choice(0, "➖ " + turn.t.gettext("No round"))
    found = await rounds.open_rounds(turn.req)
    return [*(Choice(r.id, f"{r.name} · {turn.t.format_date(r.starts_on, 'medium')}")
              for r in found), none]


INVITE = Flow(
    name="invite", prefix=P, action=Action.INVITE, finish=make,
    cancelled=N_("Cancelled. Nothing was made."), entries=[Entry(command="invite")],
    steps=[
        Step("role", question=N_("Whom do you want to invite?"), auto=True,
             choices=lambda turn: [Choice(r, keyboards.role_label(turn.t, r))
                                   for r in access.GRANTS.get(turn.req.role, ())]),
        Step("round", key="rnd", question=N_("Which round do they join?"), auto=True,
             choices=round_choices,  # only for kwartiermakers
             pending=lambda d: "round" not in d and d.get("role") == Role.ORGANISER),
        Step("uses", question=N_("For how many people is this link?"), choices=lambda turn: [
            Choice(1, "👤 " + turn.t.gettext("One person")),
            Choice(30, "👥 " + turn.t.gettext("A group (up to 30)"))]),
        Step("days", question=N_("How long may the link be used?"), per_row=3,
             choices=lambda turn: [Choice(d, turn.t.ngettext("{n} day", "{n} days", d).format(n=d))
                                   for d in invites.DAYS_CHOICES]),
        Step("lang", question=N_("In which language do they read best?"), per_row=2,
             choices=language_choices),
    ],
)


@requires(Action.LIST_INVITES)
async def list_open(update: Update, context: BotContext) -> None:
    t = context.t
    found = await invites.active(context.req)
    if not found:
        await say(update, context, t.gettext("You have no open invites. /invite makes one."))
        return
    lines = [t.gettext("Your open invites:")]
    for number, invite in enumerate(found, start=1):
        lines += [f"{number}. {keyboards.role_label(t, invite.role)} · {validity(t, invite)}",
                  f"   {invite_link(context.bot.username, invite.code)}"]
    await say(update, context, "\n".join(lines), reply_markup=keyboards.revoke_buttons(t, found))


@requires(Action.LIST_INVITES)
async def revoke(update: Update, context: BotContext) -> None:
    query = update.callback_query
    invite_id = cb.int_arg(query.data, cb.INVITE_REVOKE)
    try:
        if invite_id is None:
            raise access.AccessDenied("malformed")
        done = await invites.revoke(context.req, invite_id)
    except access.AccessDenied:
        await query.answer(context.t.gettext("You cannot withdraw this invite."), show_alert=True)
        return
    await query.answer()
    t = context.t
    await say(update, context, t.gettext("The invite is withdrawn: the link no longer works.")
              if done else t.gettext("This invite was already withdrawn."))


def handlers() -> list:
    return [CommandHandler("invites", list_open), ui.tap(P, "revoke", revoke)]
