"""The readable part of /mydata: what is kept, in the person's own language and dates, in a
few lines; the JSON file beside it holds every row."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.i18n import Translator
from bot.keyboards import role_label
from bot.languages import LANGUAGES
from bot.services.progression import step_label


def summary(t: Translator, doc: dict[str, Any], labels: dict[str, str]) -> str:
    person = doc.get("person") or {}
    lines = ["📄 " + t.gettext("What samenbot keeps about you:"), ""]
    language = LANGUAGES.get(person.get("language", ""))
    lines.append(f"👤 {person.get('display_name', '')} · {role_label(t, person.get('role'))}"
                 f" · {language.native_name if language else ''}")
    if person.get("created_at"):
        lines.append("📅 " + t.gettext("Joined: {date}").format(
            date=t.format_date(datetime.fromisoformat(person["created_at"]), "long")))
    if doc.get("round"):
        lines.append("🔄 " + t.gettext("Round: {name}").format(name=doc["round"]["name"]) + " · "
                     + " – ".join(t.format_date(date.fromisoformat(doc["round"][key]), "medium")
                                  for key in ("starts_on", "ends_on")))
    if person.get("phone"):
        lines.append("📞 " + t.gettext("Phone: {phone}").format(phone=person["phone"]))
    items = doc.get("needs_and_offers") or []
    for kind, icon in (("need", "🤲"), ("offer", "🎁")):
        mine = [i for i in items if i["kind"] == kind]
        if mine:
            lines.append(f"{icon} " + ", ".join(
                labels.get(i["category"], i["category"])
                + (f" “{i['text']}”" if i.get("text") else "") + (" 🎤" if i.get("voice_file_id")
                                                                  else "")
                for i in mine[:5]) + (" …" if len(mine) > 5 else ""))
    counts = [
        ("🤝", t.gettext("Introductions"), len(doc.get("introductions") or [])),
        ("🧑‍🤝‍🧑", t.gettext("Group activities"), len(doc.get("group_activities") or [])),
        ("🗓", t.gettext("Answers to meetings"), len(doc.get("meeting_answers") or [])),
        ("✅", t.gettext("Attendance records"), len(doc.get("attendance") or [])),
        ("📚", t.gettext("Series"), len(doc.get("series") or [])),
        ("📝", t.gettext("Table sessions logged"), len(doc.get("table_sessions") or [])),
        ("🔀", t.gettext("Handovers to a service"), len(doc.get("referrals") or [])),
        ("🎟", t.gettext("Vouchers"), len(doc.get("vouchers") or [])),
        ("📓", t.gettext("Logbook entries"), len(doc.get("logbook") or [])),
        ("📅", t.gettext("Meetings planned"), len(doc.get("events_planned") or [])),
        ("💬", t.gettext("Talks you asked for"), len(doc.get("talks_requested") or [])),
        ("📣", t.gettext("Messages to groups"), len(doc.get("broadcasts_sent") or [])),
        ("🎤", t.gettext("Questions you recorded"), len(doc.get("recorded_questions") or [])),
        ("✉️", t.gettext("Invites made"), len(doc.get("invites_created") or [])),
        ("👥", t.gettext("People you invited"), doc.get("people_invited") or 0),
    ]
    lines += [f"{icon} {label}: {count}" for icon, label, count in counts if count]
    paid = sum(p["amount_cents"] for p in doc.get("payments") or [])
    if paid:
        lines.append("💶 " + t.gettext("Paid to you: {amount}").format(
            amount=t.format_money(Decimal(paid) / 100)))
    for step in doc.get("stage_history") or []:
        lines.append(t.gettext("{step}: {date}").format(
            step=step_label(t, step["stage"]),
            date=t.format_date(datetime.fromisoformat(step["decided_at"]).astimezone(t.tz),
                               "long")))
    if doc.get("unfinished_answers", {}).get("drafts"):
        lines.append("✏️ " + t.gettext("Answers you have not saved yet"))
    lines += ["", t.gettext("The file below holds all of it, for a computer. /forget erases "
                            "everything.")]
    return "\n".join(lines)
