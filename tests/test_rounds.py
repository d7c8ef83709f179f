"""The programme runs in rounds (report §5.7: a follow-up training, train-the-trainer): a
trainer makes a round with /round (a name and its dates), an invite for kwartiermakers names a
round, and a trainer puts those who joined earlier (or move on) into one. Vouchers (one per
kwartiermaker per round, the cap per round), missed training days and /table count per round."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from bot import access
from bot.services import invites, membership
from tests.fakes.journeys import AMAL, LINK_RE, NOOR, join, make_invite, plan
from tests.test_long_lists_are_paged import many_series
from tests.test_progression_and_certificates import miss_a_training_day, stage_rows

GERDINA, FENNEKE, OMAR = 210, 211, 300
NOT_FOR_ROLE = "Dit kan niet in jouw rol"


async def make_round(trainer, name: str, start: str, end: str) -> list:
    await trainer.send("/round")
    await trainer.click("Nieuwe ronde")
    await trainer.send(name)
    await trainer.send(start)
    return await trainer.send(end)


async def put_in_round(trainer, round_name: str, *names: str) -> list:
    """Ticks (or unticks) these people in a round's list and saves."""
    await trainer.send("/round")
    await trainer.click(f"Wie zit in {round_name}?")
    for name in names:
        await trainer.click(name)
    return await trainer.click("Opslaan")


async def invite_for(trainer, round_label: str) -> str:
    """/invite for one kwartiermaker in a round (or "Geen ronde"); returns the code."""
    await trainer.send("/invite")
    await trainer.click(round_label)
    await trainer.click(1)  # one person
    await trainer.click(2)  # for 7 days
    replies = await they_choose(trainer)
    match = LINK_RE.search(replies[-1].text)
    assert match, replies[-1].text
    return match.group(1)


async def they_choose(trainer) -> list:
    """The last question of /invite: they pick their language themselves."""
    grid = trainer.last_with_buttons()
    return await trainer.tap(next(d for _, d in grid.buttons if d.endswith(":any")), grid)


async def round_id(bot, name: str) -> int:
    return (await bot.rows("SELECT id FROM round WHERE name = ?", name))[0][0]


async def round_of(bot, telegram_id: int) -> str | None:
    return (await bot.rows("SELECT r.name FROM person p LEFT JOIN round r ON r.id = p.round_id"
                           " WHERE p.telegram_id = ?", telegram_id))[0][0]


async def as_member(bot, telegram_id: int):
    return bot.request(await membership.identify(bot.request(), telegram_id))


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


async def test_a_trainer_makes_two_rounds_and_an_invite_puts_a_kwartiermaker_in_round_b(
        bot, cohort):
    trainer, noor, _amal = cohort  # the clock says Sunday 29 November 2026
    assert "Nog geen rondes" in (await trainer.send("/round"))[-1].text
    replies = await make_round(trainer, "Ronde A", "1-6-2026", "28-11-2026")  # ended yesterday
    assert "Ronde opgeslagen: Ronde A, 1 jun 2026 – 28 nov 2026." in plain(replies[0].text)

    await trainer.send("/round")
    await trainer.click("Nieuwe ronde")
    await trainer.send("Ronde B")
    await trainer.send("29-11-2026")
    replies = await trainer.send("1-1-2026")
    assert "Het einde kan niet vóór het begin liggen." in replies[0].text
    assert "Op welke dag eindigt de ronde?" in replies[-1].text  # asked again
    replies = await trainer.send("30-6-2027")
    listing = plain(replies[-1].text)
    assert "1. Ronde A · 1 jun 2026 – 28 nov 2026" in listing
    assert "2. Ronde B · 29 nov 2026 – 30 jun 2027" in listing
    assert "👥 0 kwartiermakers · 🎟 0 van 15 waardebonnen toegekend" in listing
    assert "Niet in een ronde: 2 kwartiermakers." in listing  # Noor and Amal came before

    # The invite asks for the round: only rounds that have not ended, or none.
    question = (await trainer.send("/invite"))[-1]
    assert "In welke ronde komen ze?" in question.text
    labels = [label for label, _ in question.buttons]
    assert labels[:2] == ["Ronde B · 29 nov 2026", "➖ Geen ronde"]
    assert not any("Ronde A" in label for label in labels)
    await trainer.tap(f"inv:rnd:{await round_id(bot, 'Ronde A')}", question)  # forged: ended
    assert bot.api.callback_answers[-1].get("show_alert") is True
    assert "In welke ronde komen ze?" in trainer.last.text  # asked again, nothing made
    await trainer.click("Ronde B")
    await trainer.click(1)
    await trainer.click(2)
    replies = await they_choose(trainer)
    assert "Ronde: Ronde B" in replies[0].text  # the caption under the QR code
    code = LINK_RE.search(replies[-1].text).group(1)
    gerdina = bot.user(GERDINA, "Gerdina")
    await join(gerdina, code)
    assert await round_of(bot, GERDINA) == "Ronde B"
    assert await round_of(bot, NOOR) is None
    assert "Ronde B · 29 nov 2026 – 30 jun 2027\n   👥 1 kwartiermaker" in plain(
        (await trainer.send("/round"))[-1].text)

    # Her /mydata says which round she is in; the file names it, never its id.
    replies = await gerdina.send("/mydata")
    assert "🔄 Ronde: Ronde B · 29 nov 2026 – 30 jun 2027" in plain(replies[0].text)
    document = json.loads(replies[-1].file_bytes)
    assert document["round"] == {"name": "Ronde B", "starts_on": "2026-11-29",
                                 "ends_on": "2027-06-30"}
    assert "round_id" not in document["person"]
    # /forget: her place in the round goes with her; the round itself holds nobody's data.
    await gerdina.send("/forget")
    await gerdina.click("🗑")
    assert await bot.rows("SELECT count(*) FROM person WHERE telegram_id = ?", GERDINA) == [(0,)]
    assert await bot.rows("SELECT name FROM round ORDER BY id") == [("Ronde A",), ("Ronde B",)]
    assert "Ronde B · 29 nov 2026 – 30 jun 2027\n   👥 0 kwartiermakers" in plain(
        (await trainer.send("/round"))[-1].text)

    # An invite for residents asks no round; the server checks the round whatever the buttons.
    lina = bot.user(OMAR, "Omar")
    await join(lina, await make_invite(noor))
    assert await round_of(bot, OMAR) is None
    tessa = await membership.identify(bot.request(), trainer.user_id)
    with pytest.raises(access.AccessDenied):
        await invites.create(bot.request(tessa), role="organiser", max_uses=1, valid_days=1,
                             round_id=await round_id(bot, "Ronde A"))
    with pytest.raises(access.AccessDenied):
        await invites.create(await as_member(bot, NOOR), role="resident", max_uses=1,
                             valid_days=1, round_id=await round_id(bot, "Ronde B"))


async def request(user, amount: str, purpose: str = "Stof en naalden") -> list:
    await user.send("/voucher")
    await user.send(amount)
    await user.send(purpose)
    await user.click(1)  # no series
    return await user.click("Verstuur")


async def decide(trainer, who: str, button: str) -> list:
    """Taps a button on the /vouchers card of ``who``."""
    cards = await trainer.send("/vouchers")
    card = next(c for c in cards if who in c.text)
    return await trainer.click(button, message=card)


async def test_one_voucher_per_kwartiermaker_per_round_and_the_cap_per_round(bot, cohort):
    trainer, noor, _amal = cohort
    bot.with_settings(voucher_count=1)
    await bot.restart()
    await make_round(trainer, "Ronde A", "1-11-2026", "31-12-2026")
    await make_round(trainer, "Ronde B", "1-1-2027", "30-6-2027")
    gerdina, fenneke = bot.user(GERDINA, "Gerdina"), bot.user(FENNEKE, "Fenneke")
    await join(gerdina, await invite_for(trainer, "Ronde A"))
    await join(fenneke, await invite_for(trainer, "Ronde B"))
    await put_in_round(trainer, "Ronde A", "Noor")

    await request(noor, "100")
    await decide(trainer, "Noor", "Afwijzen")
    await trainer.send("Past beter bij het buurtbudget.")
    replies = await request(noor, "200")  # a rejected one does not count
    assert "Verstuurd" in replies[-1].text
    replies = await request(noor, "50")
    assert "Je hebt al een waardebon in deze ronde. Elke kwartiermaker krijgt er één per " \
        "ronde." in replies[-1].text
    await request(gerdina, "300")
    cards = await trainer.send("/vouchers")
    assert any(plain(c.text).startswith("🎟 Noor · Ronde A: € 200,00") for c in cards)
    await decide(trainer, "Noor", "Goedkeuren")
    replies = await decide(trainer, "Gerdina", "Goedkeuren")  # round A's one voucher is gone
    assert "Alle 1 waardebonnen van deze ronde zijn al vergeven." in replies[-1].text

    await request(fenneke, "250")  # round B has its own cap
    replies = await decide(trainer, "Fenneke", "Goedkeuren")
    assert "Goedgekeurd" in replies[-1].text
    assert await bot.rows("SELECT p.display_name, r.name, v.status FROM voucher v JOIN person p"
                          " ON p.id = v.organiser_id JOIN round r ON r.id = v.round_id"
                          " ORDER BY v.id") == [
        ("Noor", "Ronde A", "rejected"), ("Noor", "Ronde A", "approved"),
        ("Gerdina", "Ronde A", "requested"), ("Fenneke", "Ronde B", "approved")]
    listing = plain((await trainer.send("/round"))[-1].text)
    assert "Ronde A · 1 nov 2026 – 31 dec 2026\n   👥 2 kwartiermakers · 🎟 1 van 1" in listing
    assert "Ronde B · 1 jan 2027 – 30 jun 2027\n   👥 1 kwartiermaker · 🎟 1 van 1" in listing

    # Moved on to the follow-up round, Noor may ask for a voucher of that round.
    await put_in_round(trainer, "Ronde B", "Noor")
    assert await round_of(bot, NOOR) == "Ronde B"
    replies = await request(noor, "75")
    assert "Alle 1 waardebonnen van deze ronde zijn al vergeven." in replies[-1].text


async def test_a_kwartiermaker_without_a_round_gets_one_voucher_too(bot, cohort):
    trainer, noor, _ = cohort
    await request(noor, "100")
    replies = await request(noor, "50")
    assert "Je hebt al een waardebon. Elke kwartiermaker krijgt er één." in replies[-1].text
    await decide(trainer, "Noor", "Goedkeuren")
    assert "🎟 Noor: € 100,00" in plain((await trainer.send("/vouchers"))[-1].text)


async def test_missed_days_of_an_earlier_round_do_not_count_in_the_next(bot, cohort):
    trainer, _noor, _amal = cohort
    await make_round(trainer, "Ronde A", "1-11-2026", "31-12-2026")
    replies = await put_in_round(trainer, "Ronde A", "Amal")
    assert "Opgeslagen. In Ronde A zit nu 1 kwartiermaker." in replies[-1].text
    days = (("Wortels", "vrijdag", datetime(2026, 12, 4, 17, 0, tzinfo=UTC)),
            ("Grenzen", "11-12", datetime(2026, 12, 11, 17, 0, tzinfo=UTC)),
            ("Leiderschap", "18-12", datetime(2026, 12, 18, 17, 0, tzinfo=UTC)),
            ("Kwaliteit", "8-1-2027", datetime(2027, 1, 8, 17, 0, tzinfo=UTC)))
    for title, day, _ in days:
        await plan(trainer, title=title, day=day)
    for title, _, when in days[:3]:
        await miss_a_training_day(bot, trainer, title, when)
    line = next(s for s in (await trainer.send("/certify"))[-1].text.splitlines() if "Amal" in s)
    assert "3 trainingsdagen gemist ⛔" in line

    await make_round(trainer, "Ronde B", "1-1-2027", "30-6-2027")
    await trainer.send("/round")
    grid = (await trainer.click("Wie zit in Ronde B?"))[-1]
    assert any("Amal · Ronde A" in label for label, _ in grid.buttons)
    await trainer.click("Amal · Ronde A")  # the tick moves her
    replies = await trainer.click("Opslaan")
    assert "Opgeslagen. In Ronde B zit nu 1 kwartiermaker." in replies[-1].text
    assert await round_of(bot, AMAL) == "Ronde B"
    line = next(s for s in (await trainer.send("/certify"))[-1].text.splitlines() if "Amal" in s)
    assert "0 trainingsdagen gemist" in line and "⛔" not in line
    await trainer.click("Amal")
    replies = await trainer.click("Leerlingcertificaat")  # no note needed
    assert "Vastgelegd voor Amal (erbij sinds 29 nov 2026): 🎓 Leerlingcertificaat" \
        in replies[-1].text
    assert await stage_rows(bot) == [(AMAL, "apprentice", None, 0)]

    # A miss inside round B does count.
    await miss_a_training_day(bot, trainer, "Kwaliteit", days[3][2])
    line = next(s for s in (await trainer.send("/certify"))[-1].text.splitlines() if "Amal" in s)
    assert "1 trainingsdag gemist" in line


async def test_table_shows_one_round_at_a_time(bot, cohort):
    trainer, _noor, _amal = cohort
    await make_round(trainer, "Ronde A", "1-3-2026", "30-9-2026")
    await make_round(trainer, "Ronde B", "1-11-2026", "30-6-2027")  # runs today
    await make_round(trainer, "Ronde C", "1-9-2027", "30-6-2028")  # the latest, not yet begun
    await put_in_round(trainer, "Ronde A", "Noor")
    await put_in_round(trainer, "Ronde B", "Amal")
    titles = await many_series(bot, 20)  # Noor's: two pages

    replies = await trainer.send("/table")
    assert any(m.kind == "photo" for m in replies)  # the charts: the whole programme
    table = replies[-1]
    assert "🔄 Ronde: Ronde B · 1 nov 2026 – 30 jun 2027" in plain(table.text)
    assert "👤 Amal" in table.text and "👤 Noor" not in table.text
    labels = [label for label, _ in table.buttons]
    assert {"Ronde A", "✅ Ronde B", "Ronde C", "Alle rondes"} <= set(labels)
    assert "Geen ronde" not in labels  # everyone is in a round

    await trainer.click("Ronde A", message=table)  # the same message shows round A
    assert "🔄 Ronde: Ronde A" in table.text and "👤 Amal" not in table.text
    assert "Pagina 1 van 2" in table.text
    assert ("✅ Ronde A", f"vo:tp:{await round_id(bot, 'Ronde A')}:1") in table.buttons
    page_one = table.text
    await trainer.click("▶️", message=table)  # paging keeps the round
    assert "Pagina 2 van 2" in table.text and "🔄 Ronde: Ronde A" in table.text
    seen = page_one + table.text
    assert all(seen.count(f"{title}: 2/6 sessies") == 1 for title in titles)
    assert "👤 Amal" not in seen
    replies = await trainer.click("CSV", message=table)  # the export follows the round
    rows = list(csv.reader(io.StringIO(replies[-1].file_bytes.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {"Noor"} and len(rows) == 21

    await trainer.click("Alle rondes", message=table)
    assert "🔄 Alle rondes" in table.text and "👤 Noor" in table.text
    await trainer.click("▶️", message=table)
    assert "🔄 Alle rondes" in table.text and "👤 Amal" in table.text
    replies = await trainer.click("CSV", message=table)
    rows = list(csv.reader(io.StringIO(replies[-1].file_bytes.decode("utf-8-sig"))))
    assert {r[0] for r in rows[1:]} == {"Noor", "Amal"}

    # Someone in no round: a button of their own appears.
    await put_in_round(trainer, "Ronde B", "Amal")  # untick: out of round B
    table = (await trainer.send("/table"))[-1]
    assert "Nog geen kwartiermakers in deze ronde." in table.text
    await trainer.click("Geen ronde", message=table)
    assert "👤 Amal" in table.text and "👤 Noor" not in table.text


async def test_kwartiermakers_and_residents_cannot_use_rounds(bot, cohort):
    trainer, noor, _ = cohort
    await make_round(trainer, "Ronde A", "1-11-2026", "31-12-2026")
    rid = await round_id(bot, "Ronde A")
    lina = bot.user(OMAR, "Omar")
    await join(lina, await make_invite(noor))
    listing = (await trainer.send("/round"))[-1]
    for user in (noor, lina):
        assert NOT_FOR_ROLE in (await user.send("/round"))[-1].text
        for data in ("rd:new", f"rd:pick:{rid}", "rd:l:1", f"vo:tp:{rid}:1", f"vo:csv:{rid}"):
            await user.tap(data, listing)
            answer = bot.api.callback_answers[-1]
            assert answer.get("show_alert") is True and NOT_FOR_ROLE in answer["text"], data
    assert await round_of(bot, NOOR) is None
    assert await bot.rows("SELECT count(*) FROM round") == [(1,)]
