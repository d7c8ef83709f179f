"""/start with an invite: pick a language, read the consent text, agree or decline. A personal
claim link (from a phone intake) first asks "is that you?".

Until the person agrees, only their Telegram id and chosen language exist, and only in this
flow's draft; declining or abandoning leaves nothing in the person tables.
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.access import Role
from bot.flows import menu, ui
from bot.flows.steps import END, NEXT, STAY, Choice, Entry, Flow, Outcome, Step, Turn
from bot.flows.texts import help_text, how_to_join, invite_problem, welcome
from bot.i18n import N_, Translator
from bot.languages import LANGUAGES
from bot.services import intake, invites, membership
from bot.services.invites import InviteStatus

P = "ob"


def claim_problem(t: Translator, reason: str) -> str:
    return {
        "invalid": t.gettext("This personal link does not work. Ask the person who gave it "
                             "to you for a new one."),
        "used": t.gettext("This personal link was already used. Ask the person who gave it "
                          "to you."),
        "expired": t.gettext("This personal link has expired. Ask the person who gave it to "
                             "you for a new one."),
        "already_member": t.gettext("This personal link is not for you: you are already "
                                    "registered. /help shows what you can do."),
        "stopped": t.gettext("This personal link was stopped. Ask the person who gave it to "
                             "you for a new one."),
        "wrong_pin": t.gettext("That code is not right. Check it and type it again."),
    }[reason]


def consent_text(t: Translator, staff: bool = False) -> str:
    """The plain-language consent text (HTML), also read out during a phone intake. For
    those who join as kwartiermaker or trainer it says what is true for them: the trainers
    see their name, sessions and money."""
    return "\n\n".join([
        "<b>" + t.gettext("Before we start") + "</b>",
        t.gettext("What we keep: your first name and your language. Telegram also gives us "
                  "a number for you. Later we keep only the answers you choose to give."),
        t.gettext("Who sees it: the trainers see your name, your sessions and your fees. "
                  "Residents see your first name when you invite them.")
        if staff else
        t.gettext("Who sees it: the person who invited you. The trainers of the programme see "
                  "only numbers, not your name. Other residents see your answers only if you "
                  "say yes."),
        t.gettext("Delete: send /forget at any time and everything is erased. "
                  "/mydata shows you everything we keep."),
        t.gettext("Do you agree?"),
    ])


async def begin(turn: Turn, args: list[str]) -> bool:
    """Every /start: members get a welcome back, visitors the next step."""
    t, code = turn.t, (args[0] if args else None)
    if turn.context.person is not None:
        await turn.say(claim_problem(t, "already_member")
                       if code and code.startswith(invites.CLAIM_PREFIX)
                       else t.gettext("You are already registered. /help shows what you can do."))
        return False
    user_id = turn.update.effective_user.id
    if code is None:
        if user_id in turn.req.settings.admin_ids:
            turn.draft["founder"] = True  # the first admin, from SAMEN_ADMIN_IDS
            return True
        await turn.say(how_to_join(t))
        return False
    if code.startswith(invites.CLAIM_PREFIX):
        try:
            await intake.check_claim(turn.req, code, user_id)  # says nothing about the person
        except intake.ClaimRefused as refused:
            await turn.say(claim_problem(t, refused.reason))
            return False
        turn.draft["claim"] = code
        return True
    result = await invites.check(turn.req, code)
    if result.status is not InviteStatus.OK:
        await turn.say(invite_problem(t, result.status))
        return False
    turn.draft["code"] = code
    turn.draft["inviter"] = result.inviter
    turn.draft["staff"] = result.invite.role != Role.RESIDENT
    if result.invite.language:  # the inviter picked it for them: one question fewer
        chosen(turn, result.invite.language)
    return True


async def read_pin(turn: Turn, text: str) -> Outcome:
    """The code the kwartiermaker read out: only with it does the bot say whose record this is
    (and switch to the language recorded at the intake)."""
    t, d = turn.t, turn.draft
    try:
        info = await intake.verify(turn.req, d["claim"], text, turn.update.effective_user.id)
    except intake.ClaimRefused as refused:
        await turn.say(claim_problem(t, refused.reason))
        return STAY if refused.reason == "wrong_pin" else END
    d.update(pin=text.strip(), hint=info.person.language)
    turn.context.t = turn.req.translations.for_language(info.person.language)
    return NEXT


async def ask_claim(turn: Turn) -> None:
    t, d = turn.t, turn.draft
    info = await intake.verify(turn.req, d["claim"], d["pin"], turn.update.effective_user.id)
    await turn.say(t.gettext("{organiser} wrote down answers for {name}. "
                             "Is that you?").format(organiser=info.organiser_name or "?",
                                                    name=info.person.display_name), [
        [turn.button("✅ " + t.gettext("Yes, that is me"), "me")],
        [turn.button("✖️ " + t.gettext("No"), "notme")]])


async def its_me(turn: Turn, _args: list[str]) -> Outcome:
    """The record becomes theirs, in the language recorded at the intake (consent was given
    then, by phone, and is not asked again)."""
    await turn.answer()
    await turn.remove_buttons()
    d, user, t = turn.draft, turn.update.effective_user, turn.t
    try:
        person = await intake.claim(turn.req, d["claim"], d["pin"], user.id)
    except intake.ClaimRefused as refused:
        await turn.say(claim_problem(t, refused.reason))
        return END
    await welcome_member(turn, person, t.gettext(
        "The answers written down for you are now yours. /mine shows them.") + "\n\n")
    return END


async def _leave(turn: Turn, text: str) -> Outcome:
    """Nothing is kept: the draft (language, code) goes, and the person hears so."""
    await turn.answer()
    await turn.remove_buttons()
    turn.context.user_data.clear()
    await turn.say(text)
    return END


async def not_me(turn: Turn, _args: list[str]) -> Outcome:
    return await _leave(turn, turn.t.gettext(
        "All right, nothing happened. Tell the person who gave you the link."))


def chosen(turn: Turn, language: str) -> None:
    turn.draft["language"] = language
    turn.context.t = turn.req.translations.for_language(language)


async def ask_consent(turn: Turn) -> None:
    t, inviter = turn.t, turn.draft.get("inviter")
    text = consent_text(t, staff=bool(turn.draft.get("staff") or turn.draft.get("founder")))
    if inviter:
        text = t.gettext("{name} invites you to take part.").format(name=escape(inviter)) \
            + "\n\n" + text
    await turn.say(text, [
        [turn.button("✅ " + t.gettext("I agree"), "yes")],
        [turn.button("✖️ " + t.gettext("No thanks"), "no")],
        [turn.button("🌐 " + t.gettext("Other language"), "back")]], parse_mode=ParseMode.HTML)


async def other_language(turn: Turn, _args: list[str]) -> Outcome:
    turn.draft.pop("language", None)
    return NEXT


async def agree(turn: Turn, _args: list[str]) -> Outcome:
    await turn.answer()
    await turn.remove_buttons()
    d, user, t = turn.draft, turn.update.effective_user, turn.t
    visitor = membership.Visitor(telegram_id=user.id, display_name=user.first_name,
                                 language=d.get("language", t.code))
    try:
        person = await membership.join(
            turn.req, visitor, invite_code=d.get("code"),
            as_admin=bool(d.get("founder")) and user.id in turn.req.settings.admin_ids)
    except membership.JoinRefused as refused:
        await turn.say(invite_problem(t, refused.status))
        return END
    await welcome_member(turn, person, "")
    return END


async def welcome_member(turn: Turn, person, claimed: str) -> None:
    t = turn.t
    turn.context.person, turn.context.role = person, person.role
    share_now = None
    if person.role == Role.RESIDENT and not claimed:
        share_now = InlineKeyboardMarkup([[ui.button(
            "sh", "🤲 " + t.gettext("Share what you need and can give"), "start")]])
    await turn.say(welcome(t, person.display_name, person.role) + "\n\n" + claimed
                   + help_text(t, person.role), reply_markup=share_now)
    await menu.publish_for(turn.context.bot, turn.context.services, person)


async def decline(turn: Turn, _args: list[str]) -> Outcome:
    return await _leave(turn, turn.t.gettext(
        "All right. Nothing has been saved. If you change your mind, open the invite link again."))


ONBOARDING = Flow(
    name="onboarding", prefix=P, entries=[Entry(command="start", begin=begin)],
    steps=[
        Step("pin", question=N_("Type the code you got with the link (four digits)."),
             text=read_pin, store=lambda turn, outcome: outcome, cancel=False,
             pending=lambda d: "claim" in d and "pin" not in d),
        Step("claim", ask=ask_claim, actions={"me": its_me, "notme": not_me},
             pending=lambda d: "claim" in d),
        Step("language", key="lang", question=lambda turn: "🌐 " + turn.t.gettext(
            "Choose your language:"), per_row=2, store=chosen, cancel=False,
             choices=lambda turn: [Choice(c, lang.native_name) for c, lang in LANGUAGES.items()]),
        Step("consent", ask=ask_consent, pending=lambda d: True,
             actions={"yes": agree, "no": decline, "back": other_language}),
    ],
)
