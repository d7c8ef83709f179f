"""How a social-map entry is shown: its card and the plain names of the three lines."""

from __future__ import annotations

from datetime import datetime, tzinfo

from bot.i18n import Translator
from bot.services import socialmap
from bot.services.socialmap import Entry


def line_label(t: Translator, line: int) -> str:
    return {0: t.gettext("neighbours and volunteers"),
            1: t.gettext("GP, district team, social work"),
            2: t.gettext("specialist care")}[line]


def card(t: Translator, entry: Entry, now: datetime, tz: tzinfo,
         distance: float | None = None) -> str:
    local = entry.translations.get(t.code, {})
    lines = [f"🏠 {local.get('name') or entry.name}",
             local.get("description") or entry.description, "↳ " + line_label(t, entry.line)]
    hours = socialmap.hours_on(entry, now, tz)
    lines.append("🕒 " + (t.gettext("Today: {hours}").format(
        hours=", ".join(f"{o}–{c}" for o, c in hours)) if hours else t.gettext("Closed today")))
    place = ", ".join(x for x in (entry.address, entry.city) if x)
    if place:
        lines.append("📍 " + place + (f" ({t.format_number(round(distance, 1))} km)"
                                      if distance is not None else ""))
    if entry.phone:
        lines.append("☎️ " + entry.phone)
    if entry.url:
        lines.append("🔗 " + entry.url)
    return "\n".join(line for line in lines if line)
