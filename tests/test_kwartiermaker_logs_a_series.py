"""A kwartiermaker sets up a series and logs its six table sessions right after each one: by
buttons, typed, by voice, one corrected, one left as a draft over a restart; the payment
statement follows the reports and a trainer marks it paid."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.fakes.journeys import NOOR, TRAINER


@pytest.fixture
async def series(bot, cohort):
    _, noor, amal = cohort
    await noor.send("/series")
    await noor.send("Naaiatelier voor jonge vluchtelingen")
    await noor.click("🎨 Vaardigheden delen")
    await noor.click("🗣 Nederlands leren")
    await noor.click("Volgende")
    await noor.send("Buurthuis De Kraal")
    await noor.click("6")
    await noor.click("Amal")  # hosted in pairs, as the report recommends
    replies = await noor.click("Ik")  # the fee goes to Noor
    assert "is klaar" in replies[-1].text
    return noor, amal


async def log(user, *, day: str = "Vandaag", people: str = "6", needs=("🛒 Boodschappen",),
              report: str | None = "We leerden zomen en praatten over werk.") -> list:
    await user.send("/log")
    if user.last_with_buttons() and "Welke reeks" in user.last.text:
        await user.click(1)
    if day.startswith(("Vandaag", "Gisteren")):
        await user.click(day)
    else:
        await user.send(day)
    await user.click(people)
    for need in needs:
        await user.click(need)
    await user.click("Volgende")
    await user.click("🎨 Vaardigheden delen")
    await user.click("Volgende")
    await user.click("1")
    await user.click("Overslaan")
    if report is None:
        await user.click("Verslag later")
    else:
        await user.send(report)
    return await user.click("Opslaan")


async def amal_logs(bot, amal) -> None:
    """The same steps by button data, as her buttons are in Arabic."""
    await amal.send("/log")
    today = bot.clock.now.date().isoformat()
    for data in (f"ls:day:{today}", "ls:att:6", "ls:k:shopping:1", "ls:next", "ls:k:skills:1",
                 "ls:next", "ls:m:1", "ls:rskip"):
        await amal.tap(data, amal.last_with_buttons())
    await amal.send("تعلمنا الخياطة.")
    await amal.tap("ls:save", amal.last_with_buttons())


async def test_a_whole_series_and_its_money(bot, series):
    noor, amal = series
    saved = await log(noor)
    assert saved[-1].text.startswith("Opgeslagen")
    bot.clock.advance(days=7)
    await amal_logs(bot, amal)  # the co-host logs too, in Arabic

    # The third session by voice, typed date and typed attendance.
    bot.clock.advance(days=7)
    await noor.send("/log")
    await noor.send("gisteren")
    await noor.send("9")
    await noor.click("Volgende")
    await noor.click("Volgende")
    await noor.click("0")
    await noor.send("Hulp bij schulden: doorverwijzen")
    await noor.send_voice(duration=40)
    summary = noor.last.text
    assert "🎤 spraakbericht, 40 s" in summary and "9 aanwezig" in summary
    await noor.click("Opslaan")

    # The fourth without a report, corrected the next day with a photo of the flip-chart.
    bot.clock.advance(days=7)
    await log(noor, report=None)
    bot.clock.advance(days=1)
    replies = await noor.send("/correct")
    assert len(replies[-1].buttons) == 1  # only logs of the last 7 days
    await noor.click(1)
    await noor.click("Verslag wijzigen")
    await noor.send_photo()
    await noor.click("Opslaan")

    # The fifth is left halfway; the bot restarts; it is finished later.
    bot.clock.advance(days=6)
    await noor.send("/log")
    await noor.click("Vandaag")
    await noor.click("7")
    await noor.click("🛒 Boodschappen")
    await bot.crash_and_restart()
    await noor.send("/help")
    await noor.send("/log")  # still in it: back at the question, the tick kept
    assert "Boodschappen ×1" in str(noor.last_with_buttons().buttons)
    await noor.click("Volgende")
    await noor.click("Volgende")
    await noor.click("2")
    await noor.click("Overslaan")
    await noor.send("Goede sfeer.")
    await noor.click("Opslaan")

    bot.clock.advance(days=7)
    await log(noor)
    rows = await bot.rows("SELECT attendance, report_at IS NOT NULL, report_voice_seconds,"
                          " report_photo_id IS NOT NULL FROM table_session ORDER BY held_on")
    assert rows == [(6, 1, None, 0), (6, 1, None, 0), (9, 1, 40, 0), (6, 1, None, 1),
                    (7, 1, None, 0), (6, 1, None, 0)]

    text = (await noor.send("/payments"))[-1].text
    assert "6 van 6 geplande sessies gehouden, 6 met een verslag.\nDe vergoeding is voor " \
           "jou. Je organiseert samen met Amal.\nVerdiend € 240,00 · betaald € 0,00 · te goed " \
           "€ 240,00" in text.replace("\xa0", " ")
    shown = await noor.click("📝")  # her own reports, as she gave them
    assert [m.kind for m in shown].count("voice") == 1 and "Goede sfeer." in str(
        [m.text for m in shown])
    assert [m.kind for m in shown].count("photo") == 1
    trainer = bot.user(TRAINER)
    await trainer.send("/payments")
    replies = await trainer.click("betaald")
    assert "Betaald gemarkeerd: € 240,00" in replies[-1].text.replace("\xa0", " ")
    text = (await noor.send("/payments"))[-1].text.replace("\xa0", " ")
    assert "betaald € 240,00 · te goed € 0,00" in text


async def test_wrong_dates_and_numbers_keep_what_was_entered(bot, series):
    noor, _ = series
    await noor.send("/log")
    replies = await noor.send("1-1-2025")
    assert "meer dan een jaar geleden" in replies[0].text
    bot.clock.now = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    replies = await noor.send("3-12-2026")
    assert "moet nog komen" in replies[0].text
    replies = await noor.send("morgen")  # not even tomorrow: a session is logged afterwards
    assert "moet nog komen" in replies[0].text
    await noor.send("vrijdag")  # the last friday: 27 November
    replies = await noor.send("-3")
    assert "aantal mensen" in replies[0].text
    replies = await noor.send("350")
    assert "350 mensen: klopt dat?" in replies[-1].text
    await noor.click("Nee")
    await noor.send("0")
    await noor.click("🛒 Boodschappen")
    await noor.click("Volgende")
    await noor.click("Volgende")
    replies = await noor.send("twee")  # letters at the matches: said what is wanted
    assert replies[0].text == "Tik een getal, of typ er een, zoals 2."
    await noor.click("0")
    await noor.click("Overslaan")
    await noor.click("Verslag later")
    replies = await noor.click("Opslaan")
    assert "Er was niemand, maar er zijn vragen genoteerd" in replies[0].text
    await noor.click("5")
    summary = noor.last.text
    assert "vrijdag 27 november 2026" in summary and "5 aanwezig" in summary
    await noor.click("Opslaan")

    # A second log on the same day: correct the first, or add one.
    await noor.send("/log")
    await noor.send("27-11")
    await noor.click("Die corrigeren")
    assert "5 aanwezig" in noor.last.text
    await noor.click("Aantal wijzigen")
    await noor.send("8")
    await noor.click("Opslaan")
    assert await bot.rows("SELECT held_on, attendance FROM table_session") == [
        ("2026-11-27", 8)]


async def test_only_own_series_and_only_for_seven_days(bot, series, admin):
    noor, _amal = series
    await log(noor)
    other = bot.user(NOOR + 50, "Jet")
    from tests.fakes.journeys import join, make_invite

    await join(other, await make_invite(bot.user(TRAINER)))
    await other.send("/log")
    assert "nog geen reeks" in other.last.text
    await other.send("/series")
    await other.send("Eigen reeks")
    await other.click("Volgende")
    await other.click("Nog geen plek")
    await other.click("4")
    await other.click("Geen medeorganisator")
    await other.send("/log")
    await other.tap("ls:ser:1", other.last)  # the series of Noor and Amal
    assert await bot.rows("SELECT count(*) FROM table_session") == [(1,)]
    await other.send("/payments")
    replies = await other.tap("ls:rep:1", other.last)  # forged: the reports of Noor's series
    assert bot.api.callback_answers[-1].get("show_alert") is True
    assert not any("Verslagen van" in m.text for m in replies)
    bot.clock.advance(days=8)
    replies = await noor.send("/correct")
    assert "Geen registraties van de afgelopen 7 dagen" in replies[-1].text
    resident = bot.user(999, "Vi")
    assert "nog niet aangemeld" in (await resident.send("/log"))[-1].text


async def test_mydata_of_a_kwartiermaker_holds_their_sessions_money_and_meetings(bot, series):
    import json

    from tests.fakes.journeys import plan

    noor, _ = series
    await log(noor)
    trainer = bot.user(TRAINER)
    await trainer.send("/payments")
    await trainer.click("betaald")
    await plan(noor, kind=None, title="Naaiatelier", day="maandag", at="19:00", hours="2 uur",
               place="Bij Noor", audience="De bewoners uit mijn kring")
    replies = await noor.send("/mydata")
    summary, document = replies[-2].text, replies[-1]
    assert summary.startswith("📄 Dit bewaart samenbot over jou:")  # readable, in Dutch
    assert "Vastgelegde tafelsessies: 1" in summary and "Geplande bijeenkomsten: 1" in summary
    assert "Aan jou betaald: € 40,00" in summary.replace("\xa0", " ")
    data = json.loads(document.file_bytes)
    assert data["table_sessions"][0]["report_text"] == "We leerden zomen en praatten over werk."
    assert data["payments"][0]["amount_cents"] == 4000
    assert data["events_planned"][0]["title"] == "Naaiatelier"
