"""The charts sent with /table: table sessions and people reached per month, needs and offers
noted per theme, and how referrals turned out per line of care.

Two halves. ``figures`` and ``charts`` gather the numbers (never a name: trainers see
numbers) and put every word in the trainer's language; ``render`` turns one ``Chart`` into
PNG bytes and knows nothing of Telegram or the database. A chart travels as data with its
reply (``as_data``) and is drawn (``draw``) in a worker thread when the reply is sent, after
the update committed: the second a drawing takes holds up nobody else's update.

Readable in black and white: grey fills and hatching tell the bars apart, every bar carries
its number, and a chart with one kind of bar names it in the panel's title, not a legend.
matplotlib (from 3.11) lays text out with libraqm, so Arabic is shaped and runs right to
left; for a right-to-left reader the charts are mirrored as well (labels on the right, bars
and months running leftwards). Emoji are left out of the image: the bundled DejaVu Sans has
none, and the caption carries them.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import textwrap
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from bot import access
from bot.i18n import Translator
from bot.services.request import Request
from bot.storage import charts as store
from bot.storage import socialmap

FONTS = Path(__file__).resolve().parent.parent / "assets" / "fonts"
MONTHS = 12  # the months a trend shows, up to the current one
THEMES = 10  # themes shown by name; the rest are added up as "other themes"
OUTCOMES = ("helped", "waiting", "not_helped", "other", "open")
WIDTH, DPI = 7.0, 120  # 840 pixels wide: a phone shows it without zooming
JOINERS = {chr(c) for c in range(0xFE00, 0xFE10)} | {"\u200d"}  # emoji variation, joiner
# fill grey (0 black, 1 white) and hatching, one per kind of bar in a panel
STYLES = (("0.25", ""), ("1.0", "///"), ("0.62", ""), ("1.0", "xx"), ("0.85", ".."))


# the figures ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    """The numbers of the three charts; an empty list means nothing to draw."""

    months: list[tuple[date, int, int]]  # (first day of the month, sessions, people reached)
    themes: list[tuple[str, int, int]]  # (category, needs, offers), most named first
    referrals: list[tuple[int, str, int]]  # (line, outcome or "open", count)


async def figures(req: Request) -> Figures:
    """The last twelve months up to this one (months without a session count as 0, so a
    quiet spell shows), every theme noted at a table, and every referral."""
    if not access.is_trainer(req.role):
        raise access.AccessDenied("trainers only")
    async with req.db.read() as conn:
        monthly = await store.sessions_per_month(conn)
        noted = await store.noted_per_theme(conn)
        referred = await socialmap.referral_counts(conn)
    today = req.now.astimezone(req.tz).date()
    found = {key: (sessions, people) for key, sessions, people in monthly}
    last = max([today.replace(day=1), *(_month(key) for key in found)])
    window = [_shift(last, -back) for back in range(MONTHS - 1, -1, -1)]
    months = [(m, *found.get(m.strftime("%Y-%m"), (0, 0))) for m in window]
    if not any(sessions for _, sessions, _ in months):
        months = []
    totals: dict[str, list[int]] = {}
    for kind, code, count in noted:
        totals.setdefault(code, [0, 0])[0 if kind == "need" else 1] += count
    themes = sorted(((code, n, o) for code, (n, o) in totals.items()),
                    key=lambda row: (-(row[1] + row[2]), row[0]))
    return Figures(months, themes, [r for r in referred if r[2]])


def _month(key: str) -> date:
    year, month = key.split("-")[:2]
    return date(int(year), int(month), 1)


def _shift(month: date, by: int) -> date:
    index = month.year * 12 + month.month - 1 + by
    return date(index // 12, index % 12 + 1, 1)


# the charts, in words -----------------------------------------------------------------------
@dataclass(frozen=True)
class Bars:
    """One kind of bar in a panel: its name (for the legend) and one number per category."""

    label: str
    values: tuple[int, ...]


@dataclass(frozen=True)
class Panel:
    title: str
    categories: tuple[str, ...]
    bars: tuple[Bars, ...]


@dataclass(frozen=True)
class Chart:
    """What ``render`` draws and the caption sent with it: every word already translated."""

    name: str  # months, themes, referrals
    title: str
    caption: str
    panels: tuple[Panel, ...]
    horizontal: bool  # categories down the side (long names) instead of along the bottom
    rtl: bool


def charts(t: Translator, found: Figures, *, themes: Mapping[str, str],
           lines: Mapping[int, str], outcomes: Mapping[str, str]) -> list[Chart]:
    """The charts there is something to draw for, in ``t``'s language. ``themes``, ``lines``
    and ``outcomes`` are the labels the rest of the bot shows for them."""
    rtl = t.language.rtl
    made = []
    if found.months:
        sessions, people = t.gettext("Table sessions"), t.gettext("People reached")
        names = tuple(_month_name(t, m, first=i == 0) for i, (m, _, _) in enumerate(found.months))
        title = t.gettext("Table sessions and people reached, per month")
        made.append(Chart("months", title, _caption(
            "📈", title, [(sessions, sum(r[1] for r in found.months)),
                         (people, sum(r[2] for r in found.months))]),
            (Panel(sessions, names, (Bars("", tuple(r[1] for r in found.months)),)),
             Panel(people, names, (Bars("", tuple(r[2] for r in found.months)),))),
            horizontal=False, rtl=rtl))
    if found.themes:
        shown, rest = found.themes[:THEMES], found.themes[THEMES:]
        rows = [(themes.get(code, code), n, o) for code, n, o in shown]
        if rest:
            rows.append((t.gettext("Other themes"), sum(r[1] for r in rest),
                         sum(r[2] for r in rest)))
        needs, offers = t.gettext("Needs"), t.gettext("Offers")
        title = t.gettext("Needs and offers noted at the table sessions, per theme")
        made.append(Chart("themes", title, _caption(
            "📊", title, [(needs, sum(r[1] for r in found.themes)),
                         (offers, sum(r[2] for r in found.themes))]),
            (Panel("", tuple(r[0] for r in rows),
                   (Bars(needs, tuple(r[1] for r in rows)),
                    Bars(offers, tuple(r[2] for r in rows)))),),
            horizontal=True, rtl=rtl))
    if found.referrals:
        counts = {(line, outcome): n for line, outcome, n in found.referrals}
        panels = []
        for line in sorted({line for line, _, _ in found.referrals}):
            kept = [o for o in OUTCOMES if counts.get((line, o))]
            panels.append(Panel(lines.get(line, str(line)),
                                tuple(outcomes.get(o, o) for o in kept),
                                (Bars("", tuple(counts[line, o] for o in kept)),)))
        title = t.gettext("How referrals turned out, per line")
        made.append(Chart("referrals", title, _caption(
            "📊", title, [(outcomes.get(o, o), sum(n for (_, oo), n in counts.items() if oo == o))
                         for o in OUTCOMES if any(oo == o for _, oo in counts)]),
            tuple(panels), horizontal=True, rtl=rtl))
    return made


def _month_name(t: Translator, month: date, first: bool) -> str:
    """"jan" below its bar; the year under January and under the first month shown."""
    name = t.format_date(month, "LLL").rstrip(".")
    return f"{name}\n{month.year}" if first or month.month == 1 else name


def _caption(icon: str, title: str, totals: list[tuple[str, int]]) -> str:
    """The title and the totals in words, for a reader who cannot make out the image."""
    return f"{icon} {title}\n" + " · ".join(f"{label}: {n}" for label, n in totals)


# drawing ----------------------------------------------------------------------------------
_drawing = threading.Lock()  # matplotlib is not thread-safe: one chart at a time


@lru_cache(maxsize=12)
def render(chart: Chart) -> bytes:
    """The chart as a PNG. Imports matplotlib on first use (it costs memory and start-up time
    that a bot nobody asks for a chart never pays). The same figures in the same words are
    drawn once: /table asked again before anything changed costs nothing."""
    with _drawing:
        return _draw(chart)


def as_data(chart: Chart) -> dict[str, Any]:
    """The chart as JSON-ready data, stored with the reply that sends it."""
    return dataclasses.asdict(chart)


def from_data(data: dict[str, Any]) -> Chart:
    panels = tuple(Panel(p["title"], tuple(p["categories"]),
                         tuple(Bars(b["label"], tuple(b["values"])) for b in p["bars"]))
                   for p in data["panels"])
    return Chart(data["name"], data["title"], data["caption"], panels,
                 horizontal=data["horizontal"], rtl=data["rtl"])


def draw(data: dict[str, Any]) -> bytes:
    """A stored chart as a PNG (the drawer the reply lanes call, in a worker thread)."""
    return render(from_data(data))


@cache
def _setup() -> tuple[Any, set[int]]:
    """matplotlib, imported on first use, and the characters the bundled font can draw."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ft2font import FT2Font

    return Figure, set(FT2Font(str(FONTS / "DejaVuSans.ttf")).get_charmap())


@cache
def _font(size: float, bold: bool = False) -> Any:
    """The bundled DejaVu Sans by its file (not whichever copy matplotlib's font list finds)."""
    from matplotlib.font_manager import FontProperties

    return FontProperties(fname=FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"),
                          size=size)


def _printable(text: str, width: int) -> str:
    """``text`` without emoji (and anything else the font cannot draw), wrapped at ``width``
    characters."""
    _, known = _setup()
    kept = "".join(c for c in text if c == "\n" or (
        ord(c) in known and unicodedata.category(c) != "So" and c not in JOINERS)).strip()
    return "\n".join(textwrap.fill(line.strip(), width) for line in kept.split("\n"))


RC = {"hatch.linewidth": 1.2, "axes.edgecolor": "0.3"}


def _draw(chart: Chart) -> bytes:
    import matplotlib

    figure_class, _ = _setup()
    with matplotlib.rc_context(RC):
        if chart.horizontal:
            heights = [max(1, len(p.categories)) * (0.2 + 0.25 * len(p.bars)) + 0.5
                       for p in chart.panels]
        else:
            heights = [2.4] * len(chart.panels)
        legend = any(b.label for p in chart.panels for b in p.bars)
        figure = figure_class(figsize=(WIDTH, sum(heights) + 0.8 + 0.4 * legend), dpi=DPI,
                              layout="constrained")
        figure.get_layout_engine().set(w_pad=0.12, h_pad=0.1)
        axes = figure.subplots(len(chart.panels), 1, squeeze=False,
                               gridspec_kw={"height_ratios": heights})[:, 0]
        # bars across the side share one scale (a 4 is as long in every line's panel); the
        # months' panels count different things, each on its own scale
        most = max([v for p in chart.panels for b in p.bars for v in b.values] or [1])
        for ax, panel in zip(axes, chart.panels, strict=True):
            own = max([v for b in panel.bars for v in b.values] or [1])
            _panel(ax, panel, chart, max(most if chart.horizontal else own, 1))
        figure.suptitle(_printable(chart.title, 48), fontproperties=_font(15, bold=True))
        if legend:  # above the first panel, under the title; read from the right in RTL
            handles, labels = axes[0].get_legend_handles_labels()
            if chart.rtl:
                handles, labels = handles[::-1], labels[::-1]
            axes[0].legend(handles, labels, loc="lower right" if chart.rtl else "lower left",
                           bbox_to_anchor=(1, 1) if chart.rtl else (0, 1), ncols=len(labels),
                           markerfirst=not chart.rtl, frameon=False, prop=_font(12),
                           borderaxespad=0.2)
        out = io.BytesIO()
        figure.savefig(out, format="png", facecolor="white")
        figure.clear()  # a figure is a web of cycles: let it go now, not at some later sweep
    gc.collect()
    return out.getvalue()


def _panel(ax: Any, panel: Panel, chart: Chart, top: int) -> None:
    """One panel: its axes laid out first (``bar_label`` reads their direction), then the bars,
    each with its number at its end."""
    count = len(panel.bars)
    width = 0.8 / count
    spots = list(range(len(panel.categories)))
    names = [_printable(c, 22 if chart.horizontal else 12) for c in panel.categories]
    if panel.title:
        ax.set_title(_printable(panel.title, 50), loc="right" if chart.rtl else "left",
                     fontproperties=_font(13, bold=True))
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if chart.horizontal:
        ax.set_yticks(spots, names, fontproperties=_font(12))
        ax.set_ylim(len(spots) - 0.5, -0.5)  # the first (largest) at the top
        ax.set_xlim(top * 1.15, 0) if chart.rtl else ax.set_xlim(0, top * 1.15)
        ax.xaxis.set_visible(False)
        ax.tick_params(axis="y", length=0, pad=6)
        ax.spines["right" if chart.rtl else "left"].set_visible(True)
        if chart.rtl:
            ax.yaxis.tick_right()
    else:
        ax.set_xticks(spots, names, fontproperties=_font(10))
        ax.set_xlim(len(spots) - 0.5, -0.5) if chart.rtl else ax.set_xlim(-0.5, len(spots) - 0.5)
        ax.set_ylim(0, top * 1.2)
        ax.yaxis.set_visible(False)
        ax.tick_params(axis="x", length=0)
        ax.spines["bottom"].set_visible(True)
    for index, bars in enumerate(panel.bars):
        fill, hatch = STYLES[index % len(STYLES)]
        where = [s + (index - (count - 1) / 2) * width for s in spots]
        style = {"color": fill, "edgecolor": "0.1", "hatch": hatch, "linewidth": 1.0,
                 "label": _printable(bars.label, 30)}
        if chart.horizontal:
            drawn = ax.barh(where, bars.values, height=width * 0.92, **style)
        else:
            drawn = ax.bar(where, bars.values, width=width * 0.92, **style)
        ax.bar_label(drawn, labels=[str(v) if v else "" for v in bars.values], padding=3,
                     fontproperties=_font(12, bold=True))
        for spot, value in zip(where, bars.values, strict=True):
            if not value:  # bar_label would centre a 0 on the axis line: put it beside
                _zero(ax, spot, chart)


def _zero(ax: Any, spot: float, chart: Chart) -> None:
    if chart.horizontal:
        ax.annotate("0", (0, spot), xytext=(-3 if chart.rtl else 3, 0),
                    textcoords="offset points", ha="right" if chart.rtl else "left",
                    va="center", fontproperties=_font(12, bold=True))
    else:
        ax.annotate("0", (spot, 0), xytext=(0, 3), textcoords="offset points", ha="center",
                    va="bottom", fontproperties=_font(12, bold=True))
