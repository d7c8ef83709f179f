"""/attendance: after a meeting, tick who was there; the absence rule follows by itself.

The list starts with everyone present except those who said they could not come; each tap
switches one person. Saving warns the trainer about anyone who reached the limit of missed
training days, and that person gets a kind message offering a talk.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.access import Action
from bot.flows import ui
from bot.flows.pickers import multi_pick
from bot.flows.steps import END, NEXT, Choice, Entry, Flow, Outcome, Step, Turn
from bot.i18n import N_
from bot.services import attendance, notices

P = "at"
MAX_PEOPLE = 60


async def begin(turn: Turn, _args: list[str]) -> bool:
    if not await attendance.past_occurrences(turn.req):
        await turn.say(turn.t.gettext("No meetings in the last two weeks."))
        return False
    return True


async def ask_meeting(turn: Turn) -> None:
    t = turn.t
    past = await attendance.past_occurrences(turn.req)
    rows = [[turn.button(f"{event.title or notices.kind_label(t, event.kind)} · "
                         f"{t.format_datetime(start)}", "pick", event.id,
                         notices.stamp(start))] for event, start in past[:8]]
    await turn.say(t.gettext("Which meeting?"), [*rows, turn.cancel_row()])


async def picked(turn: Turn, args: list[str]) -> Outcome:
    if len(args) != 2 or not all(ui.arg_id([a]) for a in args):
        return NEXT
    event_id, start = int(args[0]), datetime.fromtimestamp(int(args[1]), tz=UTC)
    event, members, marks = await attendance.attendance_sheet(turn.req, event_id, start)
    declined = await attendance.declined(turn.req, event.id, start)
    members = members[:MAX_PEOPLE]
    d = turn.draft
    d.update(event=event.id, occ=int(args[1]), people=[p.id for p in members])
    d.setdefault("picked", {})["present"] = [p.id for p in members
                                             if marks.get(p.id, p.id not in declined)]
    return NEXT


async def sheet(turn: Turn) -> list[Choice]:
    """The people of the meeting, by name from the database: the draft keeps only ids, so an
    erased person's name stays in nobody's draft."""
    d = turn.draft
    _, members, _ = await attendance.attendance_sheet(
        turn.req, d["event"], datetime.fromtimestamp(d["occ"], tz=UTC))
    return [Choice(p.id, p.display_name) for p in members if p.id in d["people"]]


async def save(turn: Turn) -> Outcome:
    d, t = turn.draft, turn.t
    present = {pid: pid in d["present"] for pid in d["people"]}
    reached = await attendance.record_attendance(
        turn.req, d["event"], datetime.fromtimestamp(d["occ"], tz=UTC), present)
    here = sum(present.values())
    lines = [t.gettext("Saved: {present} there, {absent} not there.").format(
        present=here, absent=len(present) - here)]
    limit = turn.req.settings.max_missed_training_days
    lines += ["⚠️ " + t.gettext(
        "{name} has now missed {count} training days (the limit is {limit}). They got a kind "
        "message offering a talk.").format(name=person.display_name, count=missed, limit=limit)
        for person, missed in reached]
    await turn.say("\n".join(lines))
    if reached and turn.context.services.delivery is not None:
        turn.context.services.delivery.wake.set()
    return END


ATTENDANCE = Flow(
    name="attendance", prefix=P, action=Action.ATTENDANCE, about_others=True, finish=save,
    entries=[Entry(command="attendance", begin=begin)],
    steps=[
        Step("event", ask=ask_meeting, actions={"pick": picked}),
        multi_pick("present", key="t", done="save", done_label=N_("Save"), done_icon="💾 ",
                   question=N_("Tap to switch: ✅ was there, ▫️ was not."), per_row=1,
                   marks=("✅ ", "▫️ "),
                   choices=sheet),
    ],
)
