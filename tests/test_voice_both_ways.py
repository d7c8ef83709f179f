"""Voice both ways: a resident who reads little answers by voice only, their kwartiermaker
listens in /circle and picks the theme; a trainer records a question once per language and the
bot sends it with that question."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from tests.fakes.journeys import join, make_invite, plan

OMAR, LINA = 301, 300


async def press(user, data: str) -> list:
    """Taps the button whose callback data starts with ``data`` (labels are in Arabic)."""
    message = user.last_with_buttons()
    return await user.tap(next(d for _, d in message.buttons if d.startswith(data)), message)


async def test_a_recorded_question_goes_with_its_step_in_that_language_only(bot, cohort):
    trainer, noor, _ = cohort
    await trainer.send("/prompts")
    await trainer.click("Waar kun je een handje bij gebruiken?")
    await trainer.click("العربية")
    await trainer.send("Dit is geen spraakbericht")  # typed instead of spoken: asked again
    assert "stuur een spraakbericht" in trainer.inbox[-2].text.lower()
    recording = await trainer.send_voice(duration=9)
    assert "Opgeslagen" in recording[-1].text
    recorded_id = trainer.last_voice_file_id

    code = await make_invite(noor, uses=2)
    omar = bot.user(OMAR, "Omar", language_code="ar")
    await join(omar, code, "العربية")
    replies = await omar.send("/share")
    assert [m.kind for m in replies] == ["voice", "text"]  # the voice first, then the question
    assert replies[0].file_id == recorded_id
    await omar.send("/share")  # the same draft again: not spoken twice
    lina = bot.user(LINA, "Lina")
    await join(lina, code)
    assert [m.kind for m in await lina.send("/share")] == ["text"]  # none recorded in Dutch

    # The trainer listens to it and removes it; then Arabic goes without a voice again.
    await trainer.send("/prompts")
    await trainer.click("Waar kun je een handje bij gebruiken?")
    await trainer.click("🎤 العربية")
    heard = await trainer.click("Luister")
    assert heard[-1].kind == "voice" and heard[-1].file_id == recorded_id
    await trainer.click("Verwijder")
    amal_code = await make_invite(noor)
    nadia = bot.user(302, "Nadia", language_code="ar")
    await join(nadia, amal_code, "العربية")
    assert [m.kind for m in await nadia.send("/share")] == ["text"]


async def test_only_trainers_record_questions(bot, cohort):
    _, noor, _ = cohort
    code = await make_invite(noor)
    lina = bot.user(LINA, "Lina")
    await join(lina, code)
    assert "Dit kan niet in jouw rol" in (await lina.send("/prompts"))[-1].text
    assert "Dit kan niet in jouw rol" in (await noor.send("/prompts"))[-1].text
    assert await bot.rows("SELECT count(*) FROM prompt") == [(0,)]


async def test_a_need_told_by_voice_only_is_heard_and_themed_by_the_kwartiermaker(bot, cohort):
    _, noor, amal = cohort
    code = await make_invite(noor)
    omar = bot.user(OMAR, "Omar", language_code="ar")
    await join(omar, code, "العربية")
    await omar.send("/share")
    replies = await omar.send_voice(duration=14)  # no taps at all: the whole answer
    told = omar.last_voice_file_id
    assert len(replies) == 2 and replies[-1].buttons  # thanked, then the offers grid
    await press(omar, "sh:none")  # nothing to offer right now
    await press(omar, "sh:later")  # not even something small
    await press(omar, "sh:save")
    assert await bot.rows("SELECT kind, category, voice_file_id FROM item") == [
        ("need", "told", told)]

    listing = (await noor.send("/circle"))[-1]
    assert "🎤 Ingesproken · 🤲 1" in listing.text and "🤲 Omar 🎤 1" in listing.text
    heard = await noor.click("▶️ 1 Omar", message=listing)
    assert heard[-1].kind == "voice" and heard[-1].file_id == told
    assert "Welk thema" in heard[-1].text
    forged = f"mx:v:{(await bot.rows('SELECT id FROM item'))[0][0]}"
    assert not [m for m in await amal.tap(forged, listing) if m.kind == "voice"]  # not hers
    old = copy.deepcopy(heard[-1])
    await noor.click("🛒 Boodschappen", message=heard[-1])
    assert "Opgeslagen als 🛒 Boodschappen" in noor.last.text
    assert await bot.rows("SELECT category FROM item") == [("shopping",)]
    assert "🛒 Boodschappen · 🤲 1" in (await noor.send("/circle"))[-1].text
    await noor.tap(old.buttons[0][1], old)  # a second tap on another theme: no change
    assert await bot.rows("SELECT category FROM item") == [("shopping",)]


async def test_a_recorded_reminder_arrives_as_one_voice_message_with_its_buttons(bot, cohort):
    trainer, noor, amal = cohort
    await trainer.send("/prompts")
    await trainer.click("Een herinnering aan een bijeenkomst")
    await trainer.click("العربية")
    await trainer.send_voice(duration=6)
    recorded = trainer.last_voice_file_id
    await plan(trainer)
    bot.clock.now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # the day before, 10:00 local
    assert await bot.tick() == 2
    arabic = [m for m in amal.inbox if "تذكير" in m.text][-1]
    assert arabic.kind == "voice" and arabic.file_id == recorded  # spoken, in her language
    assert "Wortels" in arabic.text and len(arabic.buttons) == 3  # the text as its caption
    dutch = [m for m in noor.inbox if m.text.startswith("Herinnering")][-1]
    assert dutch.kind == "text"  # nothing recorded in Dutch: as before
    await amal.click(1, message=arabic)  # answered from the voice message
    assert await bot.rows("SELECT answer FROM rsvp") == [("yes",)]


async def test_a_recording_is_in_the_recorders_data_and_goes_with_them(bot, cohort):
    trainer, *_ = cohort
    await trainer.send("/prompts")
    await trainer.click("De tekst over toestemming")
    await trainer.click("Türkçe")
    await trainer.send_voice(duration=30)
    replies = await trainer.send("/mydata")
    assert "Vragen die je insprak: 1" in replies[-2].text
    assert '"step": "onboarding.consent"' in replies[-1].file_bytes.decode()
    await trainer.send("/forget")
    await trainer.click("🗑")
    assert await bot.rows("SELECT count(*) FROM prompt") == [(0,)]  # their voice goes too


async def test_a_trainer_hears_a_voice_report_where_the_reports_are(bot, cohort):
    trainer, noor, amal = cohort
    await noor.send("/series")
    await noor.send("Naaiatelier")
    await noor.click("🎨 Vaardigheden delen")
    await noor.click("Volgende")
    await noor.send("Buurthuis De Kraal")
    await noor.click("6")
    await noor.click("Geen")  # no co-host
    await noor.send("/log")
    await noor.click("Vandaag")
    await noor.click("6")
    await noor.click("Volgende")
    await noor.click("Volgende")
    await noor.click("0")
    await noor.click("Overslaan")
    await noor.send_voice(duration=40)  # the report, spoken
    spoken = noor.last_voice_file_id
    await noor.click("Opslaan")

    listing = (await trainer.send("/payments"))[-1]
    replies = await trainer.click("📝 Verslagen: Naaiatelier", message=listing)
    assert replies[0].text == "Verslagen van Naaiatelier:"
    assert replies[-1].kind == "voice" and replies[-1].file_id == spoken
    assert "📅" in replies[-1].text  # with its date
    forged = next(d for _, d in listing.buttons if d.startswith("ls:rep"))
    assert not [m for m in await amal.tap(forged, listing) if m.kind == "voice"]
