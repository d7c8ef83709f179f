"""A kwartiermaker's steps are recorded by a trainer (the apprentice certificate, the
journeyman and master tests), with the date and who decided; /certify picks a person by id, so
two called Noor are two entries; a third missed training day blocks the certificate unless the
trainer writes a note; /progress shows a kwartiermaker their own steps and nobody else's."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

from tests.fakes.journeys import AMAL, NOOR, join, make_invite, plan

NOOR_TOO = 202
NOT_FOR_ROLE = "Dit kan niet in jouw rol"


async def person_id(bot, telegram_id: int) -> int:
    return (await bot.rows("SELECT id FROM person WHERE telegram_id = ?", telegram_id))[0][0]


async def stage_rows(bot) -> list[tuple]:
    return await bot.rows("SELECT p.telegram_id, e.stage, e.note, e.override FROM stage_event e"
                          " JOIN person p ON p.id = e.person_id ORDER BY e.id")


async def certify(trainer, name: str, step: str = "Leerlingcertificaat") -> list:
    await trainer.send("/certify")
    await trainer.click(name)
    return await trainer.click(step)


async def test_two_kwartiermakers_called_noor_are_certified_separately(bot, cohort):
    trainer, noor, _amal = cohort
    bot.clock.advance(days=1)
    noor_too = bot.user(NOOR_TOO, "Noor")
    await join(noor_too, await make_invite(trainer))

    listing = (await trainer.send("/certify"))[-1]
    assert "Noor (erbij sinds 29 nov 2026) · in opleiding · 0 trainingsdagen gemist" \
        in listing.text
    assert "Noor (erbij sinds 30 nov 2026) · in opleiding" in listing.text
    assert "2. Amal" not in listing.text and "1. Amal ·" in listing.text  # a unique name: no date
    # Each button carries the person's id, never the name.
    ids = {await person_id(bot, NOOR), await person_id(bot, NOOR_TOO)}
    noor_buttons = [(label, data) for label, data in listing.buttons if "Noor" in label]
    assert {data for _, data in noor_buttons} == {f"cf:p:{i}" for i in ids}

    card = (await trainer.click("Noor (erbij sinds 30 nov 2026)"))[-1]
    assert card.text.startswith("👤 Noor (erbij sinds 30 nov 2026)")
    stale = copy.deepcopy(card)  # the phone keeps showing it
    replies = await trainer.click("Leerlingcertificaat")
    assert "Vastgelegd voor Noor (erbij sinds 30 nov 2026): 🎓 Leerlingcertificaat" \
        in replies[-1].text
    await trainer.click("Leerlingcertificaat", message=stale)  # a second tap records nothing
    assert "al vastgelegd" in bot.api.callback_answers[-1]["text"]
    assert await stage_rows(bot) == [(NOOR_TOO, "apprentice", None, 0)]

    await bot.deliver()
    assert "Je trainer heeft een nieuwe stap vastgelegd: 🎓 Leerlingcertificaat" \
        in noor_too.last.text
    assert not any("nieuwe stap" in m.text for m in noor.inbox)
    listing = (await trainer.send("/certify"))[-1].text
    assert "Noor (erbij sinds 29 nov 2026) · in opleiding" in listing
    assert "Noor (erbij sinds 30 nov 2026) · leerling" in listing

    await certify(trainer, "Noor (erbij sinds 29 nov 2026)")
    assert await stage_rows(bot) == [(NOOR_TOO, "apprentice", None, 0),
                                     (NOOR, "apprentice", None, 0)]
    table = (await trainer.send("/table"))[-1].text
    assert table.count("👤 Noor · leerling") == 2


async def miss_a_training_day(bot, trainer, title: str, day: datetime) -> list:
    """Amal is marked absent at a training day (her own choice of button: ✅ → ▫️)."""
    bot.clock.now = day
    await trainer.send("/attendance")
    await trainer.click(title)
    await trainer.click("✅ Amal")
    return await trainer.click("Opslaan")


async def test_a_third_missed_training_day_blocks_the_certificate_unless_a_note(bot, cohort):
    trainer, _noor, amal = cohort
    days = (("Wortels", "vrijdag", datetime(2026, 12, 4, 17, 0, tzinfo=UTC)),
            ("Grenzen", "11-12", datetime(2026, 12, 11, 17, 0, tzinfo=UTC)),
            ("Leiderschap", "18-12", datetime(2026, 12, 18, 17, 0, tzinfo=UTC)))
    for title, day, _ in days:
        await plan(trainer, title=title, day=day)
    for title, _, when in days[:2]:
        await miss_a_training_day(bot, trainer, title, when)
    line = next(s for s in (await trainer.send("/certify"))[-1].text.splitlines() if "Amal" in s)
    assert "2 trainingsdagen gemist" in line and "⛔" not in line  # two are allowed
    await miss_a_training_day(bot, trainer, *days[2][::2])

    listing = (await trainer.send("/certify"))[-1].text
    assert "Amal (erbij sinds" not in listing  # one Amal: her name is enough
    assert "1. Amal · in opleiding · 3 trainingsdagen gemist ⛔" in listing
    card = (await trainer.click("Amal"))[-1].text
    assert "Gemiste trainingsdagen: 3 (hoogstens 2)." in card
    assert "⛔ Dat is meer dan het programma toestaat: geen certificaat zonder toelichting." \
        in card
    replies = await trainer.click("Leerlingcertificaat")
    assert "Amal (erbij sinds 29 nov 2026) heeft 3 trainingsdagen gemist. Het programma staat " \
        "hoogstens 2 toe. Dus geen certificaat." in replies[-1].text
    assert await stage_rows(bot) == []
    assert "⛔" in (await amal.send("/progress"))[-1].text  # she reads why, in Arabic

    replies = await trainer.click("Toch vastleggen")
    assert "Schrijf een korte toelichting" in replies[-1].text
    replies = await trainer.send("🙂")  # says nothing: asked again
    assert "Schrijf een korte toelichting" in replies[-1].text
    replies = await trainer.send("Zorg voor haar moeder; de dagen haalt ze in het voorjaar in.")
    assert "Vastgelegd voor Amal (erbij sinds 29 nov 2026): 🎓 Leerlingcertificaat" \
        in replies[-1].text and "Je toelichting is erbij bewaard." in replies[-1].text
    note = "Zorg voor haar moeder; de dagen haalt ze in het voorjaar in."
    assert await stage_rows(bot) == [(AMAL, "apprentice", note, 1)]
    assert await bot.rows("SELECT action FROM audit_log WHERE action LIKE 'stage.%'") == [
        ("stage.apprentice.override",)]

    await trainer.send("/certify")
    card = (await trainer.click("Amal"))[-1].text
    assert "✍️ Toelichting: " + note in card and "door Tessa" in card
    assert [label for label, _ in trainer.last.buttons] == [
        "🛠 Gezellenproef gehaald", "🏅 Meesterproef gehaald"]
    shown = (await amal.send("/progress"))[-1].text
    assert note in shown and "Tessa" in shown


async def test_a_kwartiermaker_sees_their_own_progress_in_their_language(bot, cohort):
    trainer, noor, amal = cohort
    shown = (await noor.send("/progress"))[-1].text
    assert "Nu: in opleiding" in shown and "Nog geen stap vastgelegd." in shown
    assert "Volgende stap: het leerlingcertificaat, na de trainingsdagen." in shown
    assert "Gemiste trainingsdagen: 0 (hoogstens 2)." in shown

    await certify(trainer, "Noor")
    bot.clock.now = datetime(2027, 6, 25, 15, 0, tzinfo=UTC)  # the closing conference
    await certify(trainer, "Noor", "Gezellenproef")
    shown = (await noor.send("/progress"))[-1].text
    assert "🎓 Leerlingcertificaat: 29 november 2026, door Tessa" in shown
    assert "🛠 Gezellenproef gehaald: 25 juni 2027, door Tessa" in shown
    assert "Nu: gezel" in shown and "Volgende stap: de meesterproef." in shown
    assert "/progress" in (await noor.send("/help"))[-1].text

    await certify(trainer, "Amal")
    ar = bot.app.bot_data["services"].translations.for_language("ar")
    shown = (await amal.send("/progress"))[-1].text
    assert ar.format_date(datetime(2027, 6, 25), "long") in shown  # "25 يونيو 2027"
    assert "Tessa" in shown

    summary, document = (await noor.send("/mydata"))[-2:]
    assert "🛠 Gezellenproef gehaald: 25 juni 2027" in summary.text
    data = json.loads(document.file_bytes)
    assert [s["stage"] for s in data["stage_history"]] == ["apprentice", "journeyman"]
    assert json.loads((await trainer.send("/mydata"))[-1].file_bytes)["stage_history"] == []


async def test_nobody_else_certifies_or_sees_someone_elses_progress(bot, cohort):
    trainer, noor, _amal = cohort
    lina = bot.user(300, "Lina")
    await join(lina, await make_invite(noor))
    amal_id, lina_id = await person_id(bot, AMAL), await person_id(bot, 300)

    assert NOT_FOR_ROLE in (await noor.send("/certify"))[-1].text
    assert NOT_FOR_ROLE in (await lina.send("/progress"))[-1].text
    assert NOT_FOR_ROLE in (await trainer.send("/progress"))[-1].text
    for user in (noor, lina):
        for data in (f"cf:p:{amal_id}", f"cf:s:{amal_id}:1", f"cf:o:{amal_id}", "cf:l:1"):
            replies = await user.tap(data, noor.last)
            assert replies == [] and NOT_FOR_ROLE in bot.api.callback_answers[-1]["text"]
        assert not any("Amal" in m.text for m in user.inbox)
    assert await stage_rows(bot) == []

    # A trainer's forged buttons are checked too: the person, the step, their access.
    await trainer.send("/certify")
    for data, said in ((f"cf:s:{lina_id}:1", "geen actieve kwartiermaker"),
                       ("cf:s:999999:1", "geen actieve kwartiermaker"),
                       (f"cf:p:{lina_id}", "geen actieve kwartiermaker"),
                       (f"cf:s:{amal_id}:3", "niet de volgende stap"),
                       (f"cf:s:{amal_id}:9", "niet de volgende stap")):
        await trainer.tap(data, trainer.last)
        assert said in bot.api.callback_answers[-1]["text"], data
    await trainer.send("/members")
    await trainer.click("Amal")  # paused
    await trainer.tap(f"cf:s:{amal_id}:1", trainer.last)
    assert "geen actieve kwartiermaker" in bot.api.callback_answers[-1]["text"]
    assert "Amal" not in (await trainer.send("/certify"))[-1].text
    assert await stage_rows(bot) == []


async def test_erasure_takes_the_steps_along(bot, cohort):
    trainer, noor, amal = cohort
    await certify(trainer, "Noor")
    await certify(trainer, "Amal")
    await noor.send("/forget")
    await noor.click("🗑")
    assert await stage_rows(bot) == [(AMAL, "apprentice", None, 0)]
    await trainer.send("/forget")
    await trainer.click("🗑")
    assert await bot.rows("SELECT decided_by FROM stage_event") == [(None,)]
    shown = (await amal.send("/progress"))[-1].text
    assert "Tessa" not in shown and "29" in shown  # the step stays hers, without the name
