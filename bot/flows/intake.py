"""/intake: a kwartiermaker enters a resident who answered by phone or on paper.

First name or nickname, language, phone number (optional), then the consent text to read out
in the resident's language and a confirmation that they agreed; then the same questionnaire as
/share, on their behalf. Nothing about the resident is stored until Save; then the
kwartiermaker gets a personal claim link (and QR code) for the resident to take the record over
in Telegram.
"""

from __future__ import annotations

from telegram.constants import ParseMode

from bot.access import Action
from bot.flows import share, ui
from bot.flows.invites import invite_link, qr_png
from bot.flows.onboarding import consent_text
from bot.flows.steps import END, NEXT, Choice, Entry, Flow, Outcome, Problem, Step, Turn
from bot.i18n import N_
from bot.languages import LANGUAGES
from bot.services import intake

P = "in"


def read_phone(turn: Turn, text: str) -> str:
    phone = intake.normal_phone(text)
    if phone is None:
        raise Problem(turn.t.gettext("That does not look like a phone number."))
    return phone


async def ask_consent(turn: Turn) -> None:
    t, d = turn.t, turn.draft
    theirs = turn.req.translations.for_language(d["language"])
    await turn.say(t.gettext("Read this to {name}, in their language:").format(name=d["name"]))
    await turn.say(consent_text(theirs), parse_mode=ParseMode.HTML)
    await turn.say(t.gettext("Did {name} agree?").format(name=d["name"]), [
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
    code = await intake.enter(turn.req, intake.Resident(
        name=d["name"], language=d["language"], phone=d.get("phone")), share.items_of(turn))
    t = turn.t
    await turn.say(t.gettext("Saved for them. Thank you!"))
    link = invite_link(turn.context.bot.username, code)
    await turn.context.bot.send_photo(
        turn.update.effective_chat.id, qr_png(link), filename="claim-qr.png", caption="\n".join([
            t.gettext("Give this personal link to the resident (it works once, for 30 days). "
                      "With it, the answers become theirs in Telegram:"), link]))
    return END


INTAKE = Flow(
    name="intake", prefix=P, action=Action.INTAKE, about_others=True,
    entries=[Entry(command="intake")],
    steps=[
        Step("name", question=N_("Phone intake. What is the resident's first name or nickname?"),
             text=ui.words(intake.NAME_MAX)),
        Step("language", key="lang", per_row=2, question=lambda turn: turn.t.gettext(
            "Which language does {name} speak best?").format(name=turn.draft["name"]),
             choices=lambda turn: [Choice(c, lang.native_name) for c, lang in LANGUAGES.items()]),
        Step("phone", question=N_("Their phone number, if they want to give it. Or skip."),
             text=read_phone, skip=N_("Skip")),
        Step("consent", ask=ask_consent, actions={"yes": agreed, "no": declined}),
        *share.QUESTIONNAIRE,
        share.summary(save),
    ],
)
