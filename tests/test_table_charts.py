"""/table sends its charts: sessions and people reached per month, needs and offers per theme,
and how referrals turned out per line; as PNG photos in the trainer's language, numbers only,
before the table; nothing broken when there is nothing to draw, and nothing for anyone but a
trainer."""

from __future__ import annotations

import asyncio
import io
import threading

import pytest
from PIL import Image

from bot import access
from bot.flows import pages
from bot.services import charts, exports
from tests.fakes.journeys import NOOR, TRAINER, join, make_invite
from tests.test_kwartiermaker_logs_a_series import log
from tests.test_long_lists_are_paged import many_series, page_of
from tests.test_resident_finds_help_on_the_social_map import EXAMPLE
from tests.test_trainer_decides_vouchers_and_sees_the_overview import make_series
from tests.test_warm_handover_and_keeping_the_map import share_need

LINA = 300


@pytest.fixture
def drawn(monkeypatch) -> list[charts.Chart]:
    """Every chart handed to the renderer, with the words it was given (the real renderer still
    draws them)."""
    seen: list[charts.Chart] = []
    real = charts.render

    def spy(chart: charts.Chart) -> bytes:
        seen.append(chart)
        return real(chart)

    monkeypatch.setattr(charts, "render", spy)
    return seen


def png(message) -> Image.Image:
    assert message.kind == "photo" and message.file_bytes.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(message.file_bytes))
    image.load()
    assert image.format == "PNG"
    return image


async def two_months_of_sessions(bot, noor) -> None:
    await make_series(noor)
    await log(noor, people="5")  # 29 November: a need for shopping, an offer of skills
    bot.clock.advance(days=5)
    await log(noor, people="6")  # 4 December


def words(chart: charts.Chart) -> list[str]:
    return [chart.title, chart.caption, *(p.title for p in chart.panels),
            *(c for p in chart.panels for c in p.categories),
            *(b.label for p in chart.panels for b in p.bars)]


async def test_table_sends_the_charts_as_photos_before_the_table(bot, cohort, drawn):
    trainer, noor, _ = cohort
    await two_months_of_sessions(bot, noor)
    replies = await trainer.send("/table")
    photos = [m for m in replies if m.kind == "photo"]
    assert [m.kind for m in replies] == ["photo", "photo", "text"]  # the table, with its
    assert "Naaiatelier: 2/4 sessies" in replies[-1].text  # buttons, stays last
    for photo in photos:
        image = png(photo)
        assert image.width == 840 and image.height > 300
    months, themes = photos
    assert months.text == ("📈 Tafelsessies en bereikte mensen, per maand\n"
                           "Tafelsessies: 2 · Bereikt: 11")
    assert themes.text == ("📊 Vragen en aanbod uit de tafelsessies, per thema\n"
                           "Vragen: 2 · Aanbod: 2")
    by_name = {c.name: c for c in drawn}
    sessions, reached = by_name["months"].panels
    assert sessions.categories[-2:] == ("nov", "dec") and sessions.categories[0] == "jan\n2026"
    assert sessions.bars[0].values[-2:] == (1, 1) and reached.bars[0].values[-2:] == (5, 6)
    assert sum(sessions.bars[0].values) == 2  # the ten quiet months before show as 0
    (panel,) = by_name["themes"].panels
    assert panel.categories == ("🛒 Boodschappen", "🎨 Vaardigheden delen")
    assert [(b.label, b.values) for b in panel.bars] == [("Vragen", (2, 0)),
                                                         ("Aanbod", (0, 2))]
    # numbers only: no kwartiermaker's name in any word of any chart
    assert not [w for c in drawn for w in words(c) if "Noor" in w or "Amal" in w]

    # turning a page of the table does not send the charts again
    await many_series(bot, count=40)
    table = (await trainer.send("/table"))[-1]
    assert (pages.ON, "vo:tp:2") in table.buttons
    before = [m.kind for m in bot.api.chat(TRAINER)].count("photo")
    await trainer.click(pages.ON, message=table)
    assert page_of(table)[0] == 2  # page 2 in place of page 1
    assert [m.kind for m in bot.api.chat(TRAINER)].count("photo") == before


async def made_slowly(bot, monkeypatch, target, name: str, ask) -> list:
    """Runs ``ask`` (a trainer's action) while ``target.name``, the maker of its file, is held
    up; meanwhile a kwartiermaker's /help must be answered at once and the trainer must not
    have seen anything yet. Returns what ``ask`` got, once the file was made."""
    making, go_on, real = threading.Event(), threading.Event(), getattr(target, name)

    def slow(*args, **kwargs):
        making.set()
        go_on.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(target, name, slow)
    shown = len(bot.api.chat(TRAINER))
    asking = asyncio.create_task(ask())
    try:
        assert await asyncio.to_thread(making.wait, 5)
        before = len(bot.api.chat(NOOR))
        await asyncio.wait_for(bot.app.process_update(bot.user(NOOR).text_update("/help")), 2)
        for _ in range(200):  # its reply goes out in its own lane
            if len(bot.api.chat(NOOR)) > before:
                break
            await asyncio.sleep(0.01)
        assert "/invite" in bot.api.chat(NOOR)[-1].text
        assert len(bot.api.chat(TRAINER)) == shown  # the file is still being made
    finally:
        go_on.set()
    return await asyncio.wait_for(asking, 20)


async def test_a_chart_or_a_spreadsheet_being_made_holds_up_nobody_else(bot, cohort, monkeypatch):
    """Drawing takes about a second: it happens after the trainer's update committed, so a
    kwartiermaker writing meanwhile is answered at once; the trainer's own messages keep their
    order (the charts, then the table). The same for the overview's spreadsheet."""
    trainer, noor, _ = cohort
    await two_months_of_sessions(bot, noor)
    replies = await made_slowly(bot, monkeypatch, charts, "render",
                                lambda: trainer.send("/table"))
    assert [m.kind for m in replies] == ["photo", "photo", "text"]
    png(replies[0])
    monkeypatch.undo()
    replies = await made_slowly(bot, monkeypatch, exports, "to_xlsx",
                                lambda: trainer.click("XLSX"))
    assert replies[-1].kind == "document" and replies[-1].file_bytes.startswith(b"PK")


async def test_charts_stored_before_a_crash_are_drawn_and_sent_after_it(bot, cohort,
                                                                        monkeypatch):
    trainer, noor, _ = cohort
    await two_months_of_sessions(bot, noor)
    monkeypatch.setattr(bot.app.bot_data["services"].lanes, "submit", lambda *_: None)
    before = len(bot.api.chat(TRAINER))
    assert await trainer.send("/table") == []  # committed; the process dies before sending
    monkeypatch.undo()
    await bot.crash_and_restart()
    await bot.deliver()
    await bot.app.settle()
    sent = [m for m in bot.api.chat(TRAINER)[before:] if not m.text.startswith("👋")]
    assert [m.kind for m in sent] == ["photo", "photo", "text"]  # (not: the join notices)
    assert sent[2].text.startswith("Overzicht van de kwartiermakers")
    assert sent[0].text.startswith("📈 Tafelsessies en bereikte mensen, per maand")
    assert png(sent[0]).width == 840
    assert await bot.rows("SELECT count(*) FROM reply") == [(0,)]


async def test_referral_outcomes_per_line_in_plain_words(bot, cohort, drawn):
    from bot.services import socialmap

    trainer, noor, _ = cohort
    await socialmap.import_file(bot.request(), EXAMPLE)
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await share_need(lina, "💶 Geld en schulden")
    await noor.send("/refer")
    await noor.click("Lina")
    await noor.click("Schuldhulp")
    await noor.send("Gebeld met de schuldhulp, intake volgende week.")
    replies = await trainer.send("/table")
    (photo,) = [m for m in replies if m.kind == "photo"]  # no sessions: only this chart
    png(photo)
    assert photo.text == "📊 Hoe doorverwijzingen afliepen, per lijn\nwacht op de navraag: 1"
    (chart,) = drawn
    assert [(p.title, p.categories, p.bars[0].values) for p in chart.panels] == [
        ("huisarts, buurtteam, maatschappelijk werk", ("wacht op de navraag",), (1,))]
    assert not [w for w in words(chart) if "Lina" in w or "Noor" in w]


async def test_chart_words_follow_the_trainers_language(bot, cohort, drawn):
    trainer, noor, _ = cohort
    await two_months_of_sessions(bot, noor)
    await trainer.send("/table")
    dutch = {c.name: c for c in drawn}
    drawn.clear()
    await trainer.send("/language")
    await trainer.click("English")
    replies = await trainer.send("/table")
    english = {c.name: c for c in drawn}
    assert dutch["months"].title == "Tafelsessies en bereikte mensen, per maand"
    assert english["months"].title == "Table sessions and people reached, per month"
    assert [p.title for p in english["months"].panels] == ["Table sessions", "People reached"]
    assert english["months"].panels[0].categories[-1] == "Dec"
    assert english["themes"].panels[0].categories == ("🛒 Shopping", "🎨 Skills to share")
    assert [b.label for b in english["themes"].panels[0].bars] == ["Needs", "Offers"]
    assert replies[0].text.startswith("📈 Table sessions and people reached, per month")
    assert not any(c.rtl for c in [*dutch.values(), *english.values()])

    drawn.clear()
    await trainer.send("/language")
    await trainer.click("العربية")
    replies = await trainer.send("/table")
    arabic = {c.name: c for c in drawn}
    assert arabic["months"].title == "جلسات الجيران وعدد المستفيدين في كل شهر"
    assert arabic["themes"].panels[0].bars[0].label == "الطلبات"
    assert all(c.rtl for c in arabic.values())  # drawn mirrored: labels on the right
    for photo in [m for m in replies if m.kind == "photo"]:
        assert png(photo).width == 840  # Arabic is drawn (a missing glyph would fail the test)


async def test_no_data_gets_a_sentence_and_no_broken_image(bot, cohort, drawn):
    trainer, noor, _ = cohort
    await make_series(noor)  # a series, but nothing logged and no referral yet
    replies = await trainer.send("/table")
    assert [m.kind for m in replies] == ["text", "text"]
    assert replies[0].text == "Nog geen grafieken: er zijn geen sessies vastgelegd en geen " \
                              "doorverwijzingen."
    assert "Naaiatelier: 0/4 sessies" in replies[-1].text
    assert drawn == []


async def test_only_trainers_get_the_charts(bot, cohort):
    trainer, noor, amal = cohort
    await two_months_of_sessions(bot, noor)
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    for who in (noor, amal, lina):
        replies = await who.send("/table")
        assert [m.kind for m in replies] == ["text"]
    assert "Dit kan niet in jouw rol" in noor.last.text
    assert [m.kind for m in await trainer.send("/table")].count("photo") == 2
    with pytest.raises(access.AccessDenied):
        await charts.figures(bot.request(None))


def test_a_chart_draws_as_a_png_without_telegram():
    chart = charts.Chart("themes", "Vragen en aanbod", "", (charts.Panel(
        "", ("🛒 Boodschappen", "🕊️ Rouw"), (charts.Bars("Vragen", (3, 0)),
                                             charts.Bars("Aanbod", (1, 4)))),),
        horizontal=True, rtl=False)
    image = Image.open(io.BytesIO(charts.render(chart)))
    assert image.format == "PNG" and image.size[0] == 840
    assert charts._printable("🕊️ Rouw", 22) == "Rouw"  # no emoji the font cannot draw
