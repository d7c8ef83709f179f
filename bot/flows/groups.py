"""Group activities: a kwartiermaker makes an offer of their circle a group with places and
invites several residents to it (a tick-list, at most the free places); the residents' and
the offerer's answers and follow-ups. The rules and every check are in
``bot.services.groups``; this module parses taps and renders."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import callbacks as cb
from bot.access import Action
from bot.context import BotContext
from bot.flows import ui
from bot.flows.common import act, refuse
from bot.flows.pickers import multi_pick
from bot.flows.steps import END, NEXT, Choice, Entry, Flow, Outcome, Step, Turn
from bot.i18n import N_
from bot.services import groups

P = "gr"

NO_OFFERS = N_("No offer in your circle can take a group right now.")
NO_NEEDS = N_("Nobody in your circle has an open need of this theme right now.")
CLOSED = N_("This offer can take nobody now. It was withdrawn, is full, or the group ended.")
NOT_ON_TELEGRAM = N_("One of them is not on Telegram yet. Arrange it in person, or give "
                     "them their claim link first.")
GONE = N_("This introduction is no longer possible.")


async def _offer_choices(turn: Turn) -> list[Choice]:
    t = turn.t
    labels = await ui.category_labels(turn.context)
    found = []
    for choice in await groups.offers(turn.req):
        label = f"{choice.name} · {labels.get(choice.offer.category, choice.offer.category)}"
        if choice.group is None:
            found.append(Choice(choice.offer.id, "🎁 " + label))
        else:
            found.append(Choice(choice.offer.id, "👥 " + label + " · " + t.gettext(
                "{free} of {places} places free").format(free=choice.free,
                                                          places=choice.group.places)))
    return found


async def _choose(turn: Turn, offer_id: int) -> Outcome:
    """The offer the group is for: it must still take people, and someone must fit."""
    t = turn.t
    try:
        chosen = await groups.offer(turn.req, offer_id)
    except groups.GroupClosed:
        await turn.say(t.gettext(CLOSED))
        return END
    except groups.NotOnTelegram:
        await turn.say(t.gettext(NOT_ON_TELEGRAM))
        return END
    if not await groups.candidates(turn.req, offer_id):
        await turn.say(t.gettext(NO_NEEDS))
        return END
    labels = await ui.category_labels(turn.context)  # ids and the theme only: no names kept
    turn.draft.update(offer=offer_id,
                      label=labels.get(chosen.offer.category, chosen.offer.category))
    if chosen.group is not None:  # a group already: its places stay, more people join
        turn.draft.update(places=chosen.group.places, free=chosen.free, group=True)
    return NEXT


def _places(turn: Turn, places: int) -> Outcome:
    turn.draft.update(places=places, free=places)
    return NEXT


async def _need_choices(turn: Turn) -> list[Choice]:
    labels = await ui.category_labels(turn.context)
    return [Choice(item.id, f"{name} · {labels.get(item.category, item.category)}")
            for item, name in await groups.candidates(turn.req, turn.draft["offer"])]


def _invite_question(turn: Turn) -> str:
    d, t = turn.draft, turn.t
    return "\n".join([
        t.gettext("Who do you invite to this group for {category}?").format(
            category=d.get("label", "")),
        t.ngettext("Tick at most {count} person.", "Tick at most {count} people.",
                   d.get("free", 0)).format(count=d.get("free", 0)),
        t.gettext("Each gets a question in their own language.")])


async def _check_invite(turn: Turn, picked: list) -> str | None:
    t = turn.t
    if not picked:
        return t.gettext("Tick at least one person.")
    still = {choice.value for choice in await _need_choices(turn)}
    gone = [value for value in picked if value not in still]
    if gone:  # withdrawn (or taken) while the list was open: never invited
        ticked = turn.draft["picked"]["invite"]
        for value in gone:
            ticked.remove(value)
        return t.gettext("Someone's need is no longer open. Here is the list again.")
    return None


async def _finish(turn: Turn) -> Outcome:
    d, t = turn.draft, turn.t
    try:
        done = await groups.invite(turn.req, d["offer"], None if d.get("group") else
                                   d["places"], d["invite"])
    except groups.GroupClosed:
        await turn.say(t.gettext(CLOSED))
        return END
    except groups.NotOnTelegram:
        await turn.say(t.gettext(NOT_ON_TELEGRAM))
        return END
    lines = [t.ngettext("{count} neighbour got a question in their own language.",
                        "{count} neighbours got a question in their own language.",
                        done.count).format(count=done.count)]
    if done.asked_offerer:
        lines.append(t.gettext("{name} is asked once, for the whole group.").format(
            name=done.offerer))
    lines.append(t.gettext("You hear every answer."))
    await turn.say("\n".join(lines))
    _wake(turn.context)
    return END


async def _begin_list(turn: Turn, _args: list[str]) -> bool:
    if not await groups.offers(turn.req):
        await turn.say(turn.t.gettext(NO_OFFERS))
        return False
    return True


async def _begin_offer(turn: Turn, args: list[str]) -> bool:
    """From an offer's button (a suggestion in /matches): that offer, checked again."""
    return await _choose(turn, ui.arg_id(args)) is NEXT


def _invite_step() -> Step:
    return multi_pick(
        "invite", key="pk", question=_invite_question, choices=_need_choices, done="go",
        done_label=N_("Invite"), done_icon="📨 ", marks=("✅ ", "▫️ "), per_row=1,
        limit=lambda turn: int(turn.draft.get("free", 0)), check=_check_invite)


GROUP = Flow(
    "group", prefix=P, action=Action.MATCHES, about_others=True,
    cancelled=N_("Cancelled. Nothing was sent."),
    entries=[Entry(button="l", begin=_begin_list), Entry(button="o", begin=_begin_offer)],
    steps=[
        Step("offer", question=N_("Which offer becomes a group activity? A group with free "
                                  "places can take more people."),
             choices=_offer_choices, store=_choose),
        Step("places", question=N_("How many people can join the group? Tap a number."),
             choices=lambda turn: [Choice(n, str(n)) for n in groups.PLACES], per_row=5,
             store=_places),
        _invite_step(),
    ],
    finish=_finish,
)


# the residents' answers --------------------------------------------------------------------
def _wake(context: BotContext) -> None:
    if context.services.delivery is not None:
        context.services.delivery.wake.set()


def _answer(host: bool):
    prefix = cb.GROUP_HOST if host else cb.GROUP_ANSWER

    async def handler(update: Update, context: BotContext) -> None:
        args = cb.int_args(update.callback_query.data, prefix, 2)
        if context.person is None or args is None or args[1] not in (0, 1):
            await refuse(update, context)
            return
        t = context.t
        target, yes = args[0], args[1] == 1
        work = (groups.answer_host(context.req, target, yes) if host
                else groups.answer_seat(context.req, target, yes))
        said = {
            "recorded": t.gettext("Thank you. We wait for the other person's answer."),
            "agreed": (t.gettext("Thank you! Whoever says yes gets your contact, and you "
                                 "theirs.") if host else
                       t.gettext("Thank you! You both said yes: their contact follows.")),
            "declined": t.gettext("All right, nothing is shared. Thank you for answering."),
            "already": t.gettext("We already had your answer.")}
        result = await act(update, context, work, lambda result: said[result],
                           refusals={groups.GroupGone: t.gettext(GONE)})
        if result in ("recorded", "agreed", "declined"):
            _wake(context)  # the kwartiermaker's notice, and names when both said yes
    return handler


def _follow_up(host: bool):
    prefix = cb.GROUP_HOST_FOLLOW_UP if host else cb.GROUP_FOLLOW_UP

    async def handler(update: Update, context: BotContext) -> None:
        args = cb.int_args(update.callback_query.data, prefix, 2)
        if context.person is None or args is None or args[1] not in (1, 2, 3):
            await refuse(update, context)
            return
        t = context.t
        work = (groups.host_follow_up(context.req, *args) if host
                else groups.seat_follow_up(context.req, *args))
        new = await act(update, context, work,
                        lambda new: t.gettext("Thank you for letting us know.") if new
                        else t.gettext("We already had your answer."),
                        refusals={groups.GroupGone: t.gettext(GONE)})
        if new:
            _wake(context)
    return handler


def handlers() -> list:
    return [
        CallbackQueryHandler(_answer(False), pattern=cb.pattern(cb.GROUP_ANSWER)),
        CallbackQueryHandler(_answer(True), pattern=cb.pattern(cb.GROUP_HOST)),
        CallbackQueryHandler(_follow_up(False), pattern=cb.pattern(cb.GROUP_FOLLOW_UP)),
        CallbackQueryHandler(_follow_up(True), pattern=cb.pattern(cb.GROUP_HOST_FOLLOW_UP)),
    ]
