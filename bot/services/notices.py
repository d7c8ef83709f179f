"""Messages the bot sends on its own initiative, rendered in each recipient's language.

They are rendered when they are queued (in the transaction that caused them), so the outbox
holds the finished text and buttons; buttons are plain ``[label, callback_data]`` pairs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from bot import callbacks as cb
from bot.delivery.sending import text_payload
from bot.i18n import Translator
from bot.services.calendar import Occurrence
from bot.storage.events import Event

REASONS = ("care", "benefits", "ill", "other")


def kind_label(t: Translator, kind: str) -> str:
    labels = {
        "training": t.pgettext("event kind", "Training day"),
        "preparation": t.pgettext("event kind", "Preparation day"),
        "return": t.pgettext("event kind", "Return day"),
        "consultation": t.pgettext("event kind", "Consultation hour"),
        "sounding_board": t.pgettext("event kind", "Sounding board"),
        "conference": t.pgettext("event kind", "Conference"),
        "table_session": t.pgettext("event kind", "Neighbours' table"),  # plain for residents
    }
    return labels[kind]


def reason_label(t: Translator, reason: str) -> str:
    labels = {
        "care": t.gettext("I care for someone"),
        "benefits": t.gettext("Appointment with the benefits agency"),
        "ill": t.gettext("I am ill"),
        "other": t.gettext("Something else"),
    }
    return labels[reason]


def when(t: Translator, start: datetime, end: datetime) -> str:
    return t.gettext("{start} to {end}").format(start=t.format_datetime(start, "full"),
                                                end=t.format_time(end))


def heading(t: Translator, title: str, kind: str) -> str:
    """A meeting's name as the reader sees it: its own title with its kind, or only its kind,
    in the reader's language, when the planner took the kind as the title."""
    label = kind_label(t, kind)
    return f"{title} ({label})" if title else label


def describe(t: Translator, event: Event, start: datetime, end: datetime) -> str:
    lines = [f"📅 {heading(t, event.title, event.kind)}", f"🕒 {when(t, start, end)}"]
    if event.place:
        lines.append(f"📍 {event.place}")
    return "\n".join(lines)


def describe_series(t: Translator, event: Event, start: datetime, end: datetime,
                    skipped: Iterable[date] = ()) -> str:
    """A meeting at its next date; a weekly one says so, and which coming weeks it skips."""
    return "\n".join([describe(t, event, start, end), *_repeats(t, event, start, skipped)])


def _repeats(t: Translator, event: Event, start: datetime,
             skipped: Iterable[date] = ()) -> list[str]:
    if not event.weekly:
        return []
    lines = ["🔁 " + t.gettext("Every week on {weekday}.").format(
        weekday=t.format_date(start.astimezone(t.tz), "EEEE"))]
    left_out = [t.format_date(day, "d MMMM") for day in skipped]
    if left_out:
        lines.append("⏸ " + t.gettext("Not on {dates}.").format(dates=", ".join(left_out)))
    return lines


def stamp(start: datetime) -> int:
    return int(start.timestamp())


def rsvp_buttons(t: Translator, event_id: int, start: datetime) -> list[list[list[str]]]:
    occ = stamp(start)
    return [
        [["✅ " + t.gettext("I'll come"), cb.encode(cb.RSVP_YES, event_id, occ)],
         ["❌ " + t.gettext("I can't come"), cb.encode(cb.RSVP_NO, event_id, occ)]],
        [["🗓 " + t.gettext("Add to my calendar"), cb.encode(cb.ICS, event_id, occ)]],
    ]


def reason_buttons(t: Translator, event_id: int, start: datetime) -> list[list[list[str]]]:
    occ = stamp(start)
    return [[[reason_label(t, r), cb.encode(cb.RSVP_REASON, event_id, occ, r)]] for r in REASONS]


def reminder(t: Translator, event: Event, start: datetime, end: datetime,
             voice: str | None = None) -> dict[str, Any]:
    """The reminder with its answer buttons; with a recorded prompt in the reader's language,
    one voice message that carries the same text as its caption (one message, so the voice
    and the buttons can never arrive apart or in the wrong order)."""
    text = "\n\n".join([t.gettext("Reminder"), describe(t, event, start, end),
                        t.gettext("Will you come?")])
    if voice:
        return {"method": "send_voice", "voice": voice, "caption": text,
                "buttons": rsvp_buttons(t, event.id, start)}
    return text_payload(text, rsvp_buttons(t, event.id, start))


def announced(t: Translator, event: Event, start: datetime, end: datetime,
              organiser: str) -> dict[str, Any]:
    """A new meeting, told when it is planned: who asks, what, when and where, every week or
    once, and the answer buttons for its first date (as a reminder has them)."""
    lines = ["🆕 " + t.gettext("{name} invites you to a meeting.").format(name=organiser), "",
             describe(t, event, start, end)]
    lines += [*_repeats(t, event, start), "", t.gettext("Will you come?")]
    return text_payload("\n".join(lines), rsvp_buttons(t, event.id, start))


def supporter_added(t: Translator, host: str, title: str) -> dict[str, Any]:
    return text_payload("🤝 " + t.gettext(
        "{name} asks you to help write the logs of \"{title}\". Use /log when a session was "
        "held.").format(name=host, title=title))


def logged_for_you(t: Translator, writer: str, title: str, held_on: date) -> dict[str, Any]:
    return text_payload("📝 " + t.gettext(
        "{name} logged the session of {date} of \"{title}\" for you.").format(
        name=writer, date=t.format_date(held_on, "d MMMM"), title=title))


def cancelled(t: Translator, event: Event, start: datetime, end: datetime) -> dict[str, Any]:
    return text_payload("\n\n".join([t.gettext("Cancelled: this will not take place."),
                                     describe(t, event, start, end)]))


def changed(t: Translator, event: Event, start: datetime, end: datetime) -> dict[str, Any]:
    return text_payload("\n\n".join([t.gettext("Changed: the new date and time."),
                                     describe(t, event, start, end)]),
                        rsvp_buttons(t, event.id, start))


def cannot_come(t: Translator, name: str, event: Event, occurrence: Occurrence,
                reason: str) -> dict[str, Any]:
    return text_payload(t.gettext("{name} cannot come: {reason}.").format(
        name=name, reason=reason_label(t, reason)) + "\n\n" + describe(
            t, event, occurrence.start, occurrence.end))


def absence_limit(t: Translator, missed: int) -> dict[str, Any]:
    return text_payload(t.ngettext(
        "You have missed {count} training day. That is the most the programme allows. "
        "We would like to hear how you are. Come to the weekly consultation hour for a talk.",
        "You have missed {count} training days. That is the most the programme allows. "
        "We would like to hear how you are. Come to the weekly consultation hour for a talk.",
        missed).format(count=missed))


# introductions ----------------------------------------------------------------------------------
def introduction_question(t: Translator, side: str, category: str, match_id: int
                          ) -> dict[str, Any]:
    if side == "need":
        text = t.gettext("🤝 Good news: someone in your neighbourhood can help with {category}.")
    else:
        text = t.gettext("🤝 Someone in your neighbourhood could use your help with {category}.")
    text = text.format(category=category) + "\n\n" + t.gettext(
        "Do you agree that we share your first name and Telegram contact with them? "
        "They get yours only if you both say yes.")
    return text_payload(text, [[["✅ " + t.gettext("Yes, share"),
                                 cb.encode(cb.MATCH_YES, match_id)],
                                ["✖️ " + t.gettext("No, thank you"),
                                 cb.encode(cb.MATCH_NO, match_id)]]])


def introduction_contact(t: Translator, name: str, telegram_id: int, category: str
                         ) -> dict[str, Any]:
    link = f'<a href="tg://user?id={telegram_id}">{html.escape(name)}</a>'
    text = t.gettext("🤝 You both said yes ({category}). Meet {name}: send them a message "
                     "and agree how and when.").format(category=html.escape(category), name=link)
    return text_payload(text, parse_mode="HTML")


def introduction_result(t: Translator, need_name: str, offer_name: str, category: str,
                        agreed: bool) -> dict[str, Any]:
    text = (t.gettext("{need} and {offer} both agreed to meet ({category}).") if agreed
            else t.gettext("The introduction of {need} and {offer} ({category}) was declined."))
    return text_payload(text.format(need=need_name, offer=offer_name, category=category))


def follow_up_question(t: Translator, category: str, match_id: int) -> dict[str, Any]:
    text = t.gettext("🤝 A few days ago you were put in touch about {category}. "
                     "Did it work out?").format(category=category)
    return text_payload(text, [[["👍 " + t.gettext("Yes"), cb.encode(cb.FOLLOW_UP, match_id, 1)],
                                ["⏳ " + t.gettext("Not yet"),
                                 cb.encode(cb.FOLLOW_UP, match_id, 2)],
                                ["👎 " + t.gettext("No"), cb.encode(cb.FOLLOW_UP, match_id, 3)]]])


def follow_up_answer_label(t: Translator, answer: int) -> str:
    return {1: t.gettext("it worked out"), 2: t.gettext("not yet"),
            3: t.gettext("it did not work out")}[answer]


def follow_up_report(t: Translator, name: str, category: str, answer: int) -> dict[str, Any]:
    return text_payload(t.gettext("{name} about {category}: {answer}.").format(
        name=name, category=category, answer=follow_up_answer_label(t, answer)))


def digest(t: Translator, needs: dict[str, int], offers: dict[str, int],
           labels: dict[str, str]) -> dict[str, Any]:
    def listing(counts: dict[str, int]) -> str:
        return ", ".join(f"{labels.get(code, code)} {n}" for code, n in sorted(counts.items()))

    lines = [t.gettext("New in your circle since yesterday:")]
    if needs:
        lines.append("🤲 " + t.ngettext("{count} need", "{count} needs", sum(needs.values()))
                     .format(count=sum(needs.values())) + ": " + listing(needs))
    if offers:
        lines.append("🎁 " + t.ngettext("{count} offer", "{count} offers", sum(offers.values()))
                     .format(count=sum(offers.values())) + ": " + listing(offers))
    lines.append(t.gettext("/circle shows them, /matches suggests who could help whom."))
    return text_payload("\n".join(lines))


# the programme -----------------------------------------------------------------------------------
def voucher_decided(t: Translator, voucher, status: str, reason: str | None) -> dict[str, Any]:
    amount = t.format_money(voucher.amount_cents / 100)
    text = {
        "approved": t.gettext("🎟 Your voucher of {amount} is approved: {purpose}"),
        "rejected": t.gettext("🎟 Your voucher of {amount} was not approved: {purpose}"),
        "paid": t.gettext("🎟 Your voucher of {amount} is paid: {purpose}"),
    }[status].format(amount=amount, purpose=voucher.purpose)
    if reason:
        text += "\n" + t.gettext("Reason: {reason}").format(reason=reason)
    return text_payload(text)


def voucher_requested(t: Translator, name: str, amount_cents: int,
                      purpose: str) -> dict[str, Any]:
    """For the trainers: a kwartiermaker asked for a voucher; /vouchers decides it."""
    return text_payload("🎟 " + t.gettext(
        "{name} asks for a voucher of {amount}: {purpose}\n/vouchers to decide.").format(
        name=name, amount=t.format_money(amount_cents / 100), purpose=purpose))


def cohost_told(t: Translator, host: str, title: str, fee_to_you: str) -> dict[str, Any]:
    """For the co-host of a new series: that they are one, and who gets the fee."""
    return text_payload("🤝 " + t.gettext(
        "{name} set up the series \"{title}\" and hosts it with you. After each session, "
        "either of you can log it with /log.").format(name=host, title=title) + "\n"
        + {"me": t.gettext("The fee goes to {name}."),
           "half": t.gettext("The fee is shared half and half with {name}."),
           "partner": t.gettext("The fee is yours. You host it with {name}.")}[fee_to_you]
        .format(name=host))


def invitee_joined(t: Translator, name: str, role: str) -> dict[str, Any]:
    """For whoever made the invite: the person they invited has joined."""
    return text_payload("👋 " + t.gettext("{name} joined with your invite, as: {role}.").format(
        name=name, role=role))


def quiet_series(t: Translator, organiser: str, title: str, days: int) -> dict[str, Any]:
    return text_payload(t.ngettext(
        "⏸ No session logged for {days} day in the series \"{title}\" of {organiser}.",
        "⏸ No session logged for {days} days in the series \"{title}\" of {organiser}.",
        days).format(days=days, title=title, organiser=organiser))


# the social map -----------------------------------------------------------------------------------
def referral_follow_up(t: Translator, who: str, entry: str, referral_id: int) -> dict[str, Any]:
    text = t.gettext("🤝 Two weeks ago you handed {who} over to {entry}. How did it go?").format(
        who=who, entry=entry)
    labels = (("helped", t.gettext("Helped")), ("waiting", t.gettext("Still waiting")),
              ("not_helped", t.gettext("Not helped")), ("other", t.gettext("Other")))
    return text_payload(text, [[[label, cb.encode(cb.REFERRAL, referral_id, n)]]
                               for n, (_, label) in enumerate(labels, start=1)])


def unverified_entries(t: Translator, names: list[str]) -> dict[str, Any]:
    shown = names[:40]
    text = t.ngettext("🗺 {count} entry on the social map was not verified for a year:",
                      "🗺 {count} entries on the social map were not verified for a year:",
                      len(names)).format(count=len(names))
    return text_payload(text + "\n" + "\n".join(f"• {n}" for n in shown)
                        + ("\n…" if len(names) > len(shown) else ""))


# group offers (bot.services.groups) -------------------------------------------------------------
def group_question(t: Translator, category: str, seat_id: int) -> dict[str, Any]:
    """To an invited participant: the theme, that it is a group, and who learns their name."""
    text = t.gettext("👥 Good news: a neighbour offers {category} for a small group.").format(
        category=category) + "\n\n" + t.gettext(
        "May we share your first name and Telegram contact with this neighbour? "
        "You get theirs only if you both say yes. "
        "The others in the group do not get your name.")
    return text_payload(text, [[["✅ " + t.gettext("Yes, share"),
                                 cb.encode(cb.GROUP_ANSWER, seat_id, 1)],
                                ["✖️ " + t.gettext("No, thank you"),
                                 cb.encode(cb.GROUP_ANSWER, seat_id, 0)]]])


def group_host_question(t: Translator, category: str, group_id: int) -> dict[str, Any]:
    """To the offerer, once for the whole group."""
    text = t.gettext("👥 Some neighbours could use your help with {category}, as a group."
                     ).format(category=category) + "\n\n" + t.gettext(
        "May we share your first name and Telegram contact with each one who says yes? "
        "You get their first names too. They do not get each other's names.")
    return text_payload(text, [[["✅ " + t.gettext("Yes, share"),
                                 cb.encode(cb.GROUP_HOST, group_id, 1)],
                                ["✖️ " + t.gettext("No, thank you"),
                                 cb.encode(cb.GROUP_HOST, group_id, 0)]]])


def group_members(t: Translator, members: list[tuple[str, int]], category: str
                  ) -> dict[str, Any]:
    """To the offerer: who joins the group (each said yes), as contact links."""
    names = ", ".join(f'<a href="tg://user?id={telegram_id}">{html.escape(name)}</a>'
                      for name, telegram_id in members)
    text = t.gettext("👥 New in your group for {category}: {names}. "
                     "Send them a message and agree how and when.").format(
        category=html.escape(category), names=names)
    return text_payload(text, parse_mode="HTML")


def group_host_result(t: Translator, name: str, category: str, yes: bool) -> dict[str, Any]:
    text = (t.gettext("{name} said yes to a group for {category}.") if yes
            else t.gettext("{name} said no to a group for {category}. Nobody gets names."))
    return text_payload(text.format(name=name, category=category))


def group_seat_result(t: Translator, need_name: str, offer_name: str, category: str,
                      yes: bool) -> dict[str, Any]:
    text = (t.gettext("{need} said yes to the group of {offer} ({category}).") if yes
            else t.gettext("{need} said no to the group of {offer} ({category})."))
    return text_payload(text.format(need=need_name, offer=offer_name, category=category))


def _did_it_work(t: Translator, text: str, prefix: str, ref: int) -> dict[str, Any]:
    return text_payload(text, [[["👍 " + t.gettext("Yes"), cb.encode(prefix, ref, 1)],
                                ["⏳ " + t.gettext("Not yet"), cb.encode(prefix, ref, 2)],
                                ["👎 " + t.gettext("No"), cb.encode(prefix, ref, 3)]]])


def group_follow_up_question(t: Translator, category: str, seat_id: int) -> dict[str, Any]:
    """To a participant, about their own need (the same words as after an introduction)."""
    return _did_it_work(t, t.gettext("🤝 A few days ago you were put in touch about {category}. "
                                     "Did it work out?").format(category=category),
                        cb.GROUP_FOLLOW_UP, seat_id)


def group_host_follow_up(t: Translator, category: str, group_id: int) -> dict[str, Any]:
    """To the offerer, once for the whole group."""
    return _did_it_work(t, t.gettext("👥 A few days ago your group for {category} started. "
                                     "Did it work out?").format(category=category),
                        cb.GROUP_HOST_FOLLOW_UP, group_id)


def group_follow_up_report(t: Translator, name: str, category: str, answer: int
                           ) -> dict[str, Any]:
    return text_payload(t.gettext("{name} about their group for {category}: {answer}.").format(
        name=name, category=category, answer=follow_up_answer_label(t, answer)))
