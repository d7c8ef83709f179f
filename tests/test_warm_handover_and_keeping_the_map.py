"""A kwartiermaker hands a need over to a service on the social map and hears back after two
weeks; trainers keep the map (search, edit, verify, deactivate, add) and see its holes."""

from __future__ import annotations

import pytest

from bot.services import referrals, socialmap
from tests.fakes.journeys import TRAINER, join, make_invite
from tests.test_resident_finds_help_on_the_social_map import EXAMPLE

LINA = 300


async def share_need(user, label: str) -> None:
    await user.send("/share")
    await user.click(label)
    await user.click("Volgende")
    await user.click("Overslaan")
    await user.click("Nu even niets")
    await user.click("Nu niet")
    await user.click("Opslaan")


@pytest.fixture
async def circle(bot, cohort):
    trainer, noor, amal = cohort
    await socialmap.import_file(bot.request(), EXAMPLE)
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await share_need(lina, "💶 Geld en schulden")
    return trainer, noor, amal, lina


async def test_refer_then_follow_up_updates_the_need(bot, circle):
    trainer, noor, _, _ = circle
    await noor.send("/refer")
    await noor.click("Lina")
    replies = await noor.click("Schuldhulp")
    assert "korte notitie" in replies[-1].text
    replies = await noor.send("Gebeld met de schuldhulp, intake volgende week.")
    assert "Overgedragen. Over 14 dagen" in replies[-1].text
    assert await bot.rows("SELECT status FROM item") == [("referred",)]
    bot.clock.advance(days=13)
    assert await bot.tick() == 0
    bot.clock.advance(days=1)
    assert await bot.tick() == 1
    question = noor.last
    assert "Lina" in question.text and "Schuldhulp" in question.text
    await noor.click("Nog aan het wachten")
    bot.clock.advance(days=14)
    assert await bot.tick() == 1  # asked again after another two weeks
    await noor.click("Geholpen")
    assert await bot.rows("SELECT status FROM item") == [("solved",)]
    assert await bot.rows("SELECT outcome FROM referral") == [("helped",)]
    text = (await trainer.send("/table"))[-1].text
    assert "Doorverwijzingen per lijn en uitkomst:" in text
    assert "1 · huisarts, buurtteam, maatschappelijk werk" in text and "geholpen: 1" in text


async def test_refer_a_need_noted_in_a_session_log(bot, circle):
    _, noor, _, _ = circle
    await noor.send("/series")
    await noor.send("Eetclub")
    await noor.click("Volgende")
    await noor.click("Nog geen plek")
    await noor.click("4")
    await noor.click("Geen medeorganisator")
    await noor.send("/log")
    for step in ("Vandaag", "5"):
        await noor.click(step)
    await noor.click("Volgende")
    await noor.click("Volgende")
    await noor.click("0")
    await noor.send("Een buurman heeft hulp bij zijn schulden nodig")
    await noor.click("Verslag later")
    await noor.click("Opslaan")
    await noor.send("/refer")
    await noor.click("📌 Eetclub")
    await noor.click("💶 Geld en schulden")
    await noor.click("Schuldhulp")
    await noor.click("Overslaan")
    assert await bot.rows("SELECT need_id, session_id IS NOT NULL, category, entry_id"
                          " FROM referral") == [(None, 1, "money", "svc-schuldhulp")]


async def test_only_own_circle_and_holes_in_the_map(bot, circle):
    trainer, noor, amal, lina = circle
    lina_need = (await bot.rows("SELECT id FROM item"))[0][0]
    await amal.send("/refer")  # Amal has no residents with needs
    arabic = bot.request().translations.for_language("ar")
    assert amal.last.text == arabic.gettext("No open needs in your circle to refer.")
    await noor.send("/refer")
    await amal.tap(f"rr:n:{lina_need}", noor.last)  # forged: someone else's circle
    assert await bot.rows("SELECT count(*) FROM referral") == [(0,)]
    await share_need(lina, "🧑 Jongeren")  # nothing on the example map for young people
    await noor.send("/refer")
    await noor.click("Jongeren")
    assert "gat in de kaart" in noor.last.text
    text = (await trainer.send("/table"))[-1].text
    assert "Open vragen zonder iets op de sociale kaart: 🧑 Jongeren" in text
    assert "Dit kan niet in jouw rol" in (await lina.send("/refer"))[-1].text


async def test_trainer_keeps_the_map(bot, circle):
    trainer, noor, _, lina = circle
    await trainer.send("/mapkeep")
    await trainer.send("voedselbnk")
    await trainer.click("Voedselbank")
    await trainer.click("✏️ Website")
    await trainer.send("https://example.org/voedselbank-zuidoost")
    await trainer.click("Vandaag gecontroleerd")
    await trainer.click("Inactief maken")
    rows = await bot.rows("SELECT url, active, last_verified FROM sm_entry"
                          " WHERE id = 'svc-voedselbank'")
    assert rows == [("https://example.org/voedselbank-zuidoost", 0, "2026-11-29")]
    history = await bot.rows("SELECT change, actor_id IS NOT NULL FROM sm_history ORDER BY id")
    assert history == [("url", 1), ("last_verified", 1), ("active", 1)]
    await lina.send("/find")
    await lina.click("Typ een paar woorden")
    replies = await lina.send("voedselbank")
    assert not any(m.text.startswith("🏠 Voedselbank") for m in replies)

    await trainer.click("Annuleren")
    await trainer.send("/mapkeep")
    await trainer.click("Nieuw item")
    await trainer.send("Huiswerkklas in de bibliotheek (voorbeeld)")
    await trainer.send("Hulp bij huiswerk na school, voor alle leeftijden.")
    await trainer.click("0 ·")
    await trainer.click("📚 Huiswerkhulp")
    assert "Toegevoegd" in trainer.inbox[-2].text
    assert "Dit kan niet in jouw rol" in (await noor.send("/mapkeep"))[-1].text


async def test_unverified_entries_are_listed_once_a_month(bot, circle):
    _trainer, *_ = circle
    assert await referrals.tell_unverified(bot.request()) == 1
    await bot.deliver()
    assert "1 item op de sociale kaart is een jaar niet gecontroleerd" in \
        bot.user(TRAINER).last.text
    assert "Schuldhulp" in bot.user(TRAINER).last.text
