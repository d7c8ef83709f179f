"""A kwartiermaker sees their circle, asks for suggested pairs, introduces two residents who
each agree in their own language, and hears back after the follow-up; phone intake and the
claim link; privacy between circles and roles."""

from __future__ import annotations

import copy
import io
import json

import pytest
from PIL import Image

from tests.fakes.journeys import AMAL, NOOR, join, make_invite

LINA, OMAR, SAM = 300, 301, 302


async def share(user, need: str | None, offer: str | None, words: str | None = None) -> None:
    await user.send("/share")
    if need:
        await user.click(need)
    await user.click("➡️")
    if need:
        if words:
            await user.send(words)
        else:
            await user.click("⏭")
    if offer:
        await user.click(offer)
        await user.click("➡️")
        await user.click("⏭")
    else:  # "nothing right now", then "not now" to the kind question (any language)
        await user.tap("sh:none", user.last_with_buttons())
        if need:
            await user.tap("sh:later", user.last_with_buttons())
    await user.click("💾")


@pytest.fixture
async def circle(bot, cohort):
    _, noor, amal = cohort
    code = await make_invite(noor, uses=2)
    lina = bot.user(LINA, "Lina")
    omar = bot.user(OMAR, "Omar", language_code="ar")
    await join(lina, code)
    await join(omar, code, "العربية")
    await share(lina, "🛒 Boodschappen", None, words="tassen dragen")
    await share(omar, None, "🛒 التسوق")
    sam = bot.user(SAM, "Sam")
    await join(sam, await make_invite(amal))  # another kwartiermaker's circle
    await share(sam, "🛒 Boodschappen", "🍲 Koken en eten")
    return noor, lina, omar, sam


async def test_circle_shows_only_own_residents(bot, circle):
    noor, *_ = circle
    replies = await noor.send("/circle")
    text = replies[-1].text
    assert "🛒 Boodschappen · 🤲 1 · 🎁 1" in text
    assert "🤲 Lina “tassen dragen”" in text and "🎁 Omar" in text
    assert "Sam" not in text


async def test_introduce_both_agree_contacts_and_follow_up(bot, circle):
    noor, lina, omar, _ = circle
    await noor.send("/matches")
    card = noor.last_with_buttons()
    assert "🤲 Lina: 🛒 Boodschappen" in card.text and "🎁 Omar: 🛒 Boodschappen" in card.text
    card_copy = copy.deepcopy(card)
    await noor.click("Stel voor")
    await noor.click("Stel voor", message=card_copy)  # a double tap: one introduction only
    assert "al gedaan" in noor.last.text
    await bot.deliver()
    question_nl = copy.deepcopy(lina.last)  # as her phone keeps showing it
    assert "iemand in je buurt kan helpen met 🛒 Boodschappen" in question_nl.text
    assert "Omar" not in question_nl.text  # nothing about the other before both agree
    question_ar = omar.last
    assert "🛒 التسوق" in question_ar.text and "Lina" not in question_ar.text

    await lina.click("Ja, delen")
    assert "wachten op het antwoord" in lina.last.text
    await lina.click("Ja, delen", message=question_nl)
    assert await bot.rows("SELECT status, need_answer, offer_answer FROM match") == [
        ("introduced", "yes", None)]
    await omar.click("✅")
    await bot.deliver()
    assert 'tg://user?id=301' in lina.last.text and "Omar" in lina.last.text
    assert 'tg://user?id=300' in omar.last.text and "Lina" in omar.last.text
    assert noor.last.text == "Lina en Omar wilden allebei kennismaken (🛒 Boodschappen)."
    assert await bot.rows("SELECT status FROM item ORDER BY id LIMIT 2") == [
        ("matched",), ("matched",)]

    bot.clock.advance(days=7)
    assert await bot.tick() == 2
    follow = lina.last
    assert "Is het gelukt?" in follow.text
    await lina.click("👍")
    await bot.deliver()
    assert noor.last.text == "Lina over 🛒 Boodschappen: het is gelukt."
    assert await bot.rows("SELECT i.status FROM item i JOIN person p ON p.id = i.person_id"
                          " WHERE p.telegram_id = ?", LINA) == [("solved",)]
    assert await bot.rows("SELECT status FROM match") == [("done",)]
    history = await bot.rows("SELECT status FROM match_history ORDER BY id")
    assert history == [("introduced",), ("agreed",), ("done",)]


async def test_a_no_ends_it_and_a_forget_makes_answers_impossible(bot, circle):
    noor, lina, omar, _ = circle
    await noor.send("/matches")
    await noor.click("Stel voor")
    await bot.deliver()
    question = copy.deepcopy(omar.last)
    await lina.send("/forget")
    await lina.click("🗑")
    await omar.click("✅", message=question)
    assert "niet meer mogelijk" not in bot.api.callback_answers[-1]["text"]  # Arabic user
    assert "لم يعد" in bot.api.callback_answers[-1]["text"]
    assert await bot.rows("SELECT count(*) FROM match") == [(0,)]


async def test_dismiss_and_arranged_in_person(bot, circle):
    noor, _lina, _omar, _ = circle
    await noor.send("/matches")
    await noor.click("Laat maar")
    await noor.send("/matches")
    assert "Nu geen voorstellen" in noor.last.text
    assert await bot.rows("SELECT status FROM match") == [("dismissed",)]


async def test_nobody_reaches_into_another_circle(bot, circle):
    noor, lina, _omar, _sam = circle
    sam_need = (await bot.rows("SELECT i.id FROM item i JOIN person p ON p.id = i.person_id"
                               " WHERE p.telegram_id = ? AND i.kind = 'need'", SAM))[0][0]
    omar_offer = (await bot.rows("SELECT i.id FROM item i JOIN person p ON p.id = i.person_id"
                                 " WHERE p.telegram_id = ?", OMAR))[0][0]
    await noor.send("/matches")
    await noor.tap(f"mx:i:{sam_need}:{omar_offer}", noor.last_with_buttons())
    assert bot.api.callback_answers[-1].get("show_alert") is True
    await lina.tap("mt:y:1", lina.last)  # a resident forging an answer to no introduction
    assert bot.api.callback_answers[-1].get("show_alert") is True
    assert await bot.rows("SELECT count(*) FROM match") == [(0,)]
    # A trainer sees numbers per kwartiermaker and category, no names or words.
    trainer = bot.user(150)
    text = (await trainer.send("/overview"))[-1].text
    assert "👤 Noor" in text and "🤲 🛒 Boodschappen: 1" in text
    assert "Lina" not in text and "tassen" not in text
    assert "Dit kan niet in jouw rol" in (await lina.send("/circle"))[-1].text
    assert "Dit kan niet in jouw rol" in (await trainer.send("/matches"))[-1].text


async def test_daily_digest_is_one_message(bot, circle):
    noor, *_ = circle
    from bot.services import introductions

    await bot.deliver()  # what was waiting ("Lina joined with your invite")
    before = len(noor.inbox)
    sent = await introductions.send_digests(bot.request())
    await bot.deliver()
    assert sent == 2  # Noor and Amal each get one
    new = noor.inbox[before:]
    assert len(new) == 1 and "🤲 1 vraag: 🛒 Boodschappen 1" in new[0].text
    assert await introductions.send_digests(bot.request()) == 0


async def test_phone_intake_then_claim(bot, cohort):
    _, noor, _ = cohort
    await noor.send("/intake")
    await noor.click("العربية")
    consent = [m.text for m in noor.inbox[-3:]]
    assert "قبل أن نبدأ" in consent[1]  # read out before anything about her is typed
    await noor.click("Ja, er is toestemming")
    await noor.send("Mevrouw Fatma")
    await noor.send("06-123")  # too short
    assert "geen telefoonnummer" in noor.inbox[-2].text
    unfinished = json.loads((await noor.send("/mydata"))[-1].file_bytes)
    assert "Fatma" not in json.dumps(unfinished)
    await noor.send("06 1234 5678")  # /mydata did not end the intake
    assert await bot.rows("SELECT count(*) FROM person WHERE phone IS NOT NULL") == [(0,)]
    await noor.click("🛒 Boodschappen")
    await noor.click("Volgende")
    await noor.send_voice(duration=12)
    await noor.click("Nu even niets")
    await noor.click("Nu niet")
    replies = await noor.click("Opslaan")
    saved, claim, card, _, sms = replies[-5:]
    assert "Opgeslagen voor hen" in saved.text
    assert claim.kind == "photo" and "?start=c_" in claim.text
    code = claim.text.split("start=", 1)[1].split()[0]
    pin = claim.text.rsplit(": ", 1)[1].strip()
    assert len(pin) == 4 and pin.isdigit()
    # Without a smartphone of her own: a card to print and a text for an SMS, in Arabic.
    assert card.kind == "document" and card.file_bytes.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(card.file_bytes)).size == (1240, 874)
    assert code in sms.text and pin in sms.text and "Mevrouw Fatma" in sms.text
    row = await bot.rows("SELECT telegram_id, role, language, phone, consent_by IS NOT NULL"
                         " FROM person WHERE display_name = 'Mevrouw Fatma'")
    assert row == [(None, "resident", "ar", "06 1234 5678", 1)]

    # Someone already registered cannot take it over.
    assert "niet voor jou" in (await bot.user(NOOR).send(f"/start {code}"))[-1].text
    fatma = bot.user(400, "Fatma", language_code="ar")
    await fatma.send(f"/start {code}")
    assert "Fatma" not in fatma.last.text  # nothing about her before the code
    await fatma.send("0000" if pin != "0000" else "1111")  # a wrong code
    assert "Fatma" not in fatma.last.text
    await fatma.send(pin)
    assert "Mevrouw Fatma" in fatma.last.text
    await fatma.click("✅")  # no language or consent asked again: given at the intake
    rows = await bot.rows("SELECT telegram_id, consent_by, language FROM person"
                          " WHERE display_name = 'Mevrouw Fatma'")
    assert rows == [(400, None, "ar")]
    assert await bot.rows("SELECT count(*) FROM person WHERE telegram_id = 400") == [(1,)]
    mine = (await fatma.send("/mine"))[-1].text
    assert "🛒 التسوق" in mine and "🎤" in mine
    # The link works once.
    again = bot.user(401, "Other")
    assert "al gebruikt" in (await again.send(f"/start {code}"))[-1].text
    data = json.loads((await fatma.send("/mydata"))[-1].file_bytes)
    assert data["person"]["display_name"] == "Mevrouw Fatma"
    assert [(i["kind"], i["category"], i["voice_seconds"]) for i in data["needs_and_offers"]] == [
        ("need", "shopping", 12)]
    assert AMAL  # the cohort fixture's other kwartiermaker is untouched


async def test_five_wrong_codes_stop_a_claim_link_and_entered_gives_a_new_one(bot, cohort):
    _, noor, _ = cohort
    await noor.send("/intake")
    await noor.click("Nederlands")
    await noor.click("Ja")
    await noor.send("Meneer Bram")
    await noor.click("Overslaan")
    await noor.click("🛒 Boodschappen")
    await noor.click("Volgende")
    await noor.click("Overslaan")
    await noor.click("Nu even niets")
    await noor.click("Nu niet")
    claim = (await noor.click("Opslaan"))[-1]
    code = claim.text.split("start=", 1)[1].split()[0]
    pin = claim.text.rsplit(": ", 1)[1].strip()
    guesser = bot.user(402, "Guess")
    await guesser.send(f"/start {code}")
    for guess in [g for g in ("0000", "1111", "2222", "3333", "4444", "5555") if g != pin][:5]:
        await guesser.send(guess)
    assert "gestopt" in guesser.last.text
    assert "Bram" not in "".join(m.text for m in guesser.inbox)
    listing = (await noor.send("/entered"))[-1]
    assert "Meneer Bram" in listing.text and "link gestopt" in listing.text
    fresh = (await noor.click("🔗 1"))[-1]
    new_code = fresh.text.split("start=", 1)[1].split()[0]
    pin = fresh.text.rsplit(": ", 1)[1].strip()
    bram = bot.user(403, "Bram")
    await bram.send(f"/start {new_code}")
    await bram.send(pin)
    await bram.click("✅")
    assert await bot.rows("SELECT telegram_id FROM person WHERE display_name = 'Meneer Bram'"
                          ) == [(403,)]


async def test_a_kwartiermaker_erases_a_resident_entered_by_phone(bot, cohort):
    _, noor, _ = cohort
    await noor.send("/intake")
    await noor.click("Nederlands")
    await noor.click("Ja")
    await noor.send("Mevrouw Ans")
    await noor.send("0687654321")
    await noor.click("🛒 Boodschappen")
    await noor.click("Volgende")
    await noor.click("Overslaan")
    await noor.click("Nu even niets")
    await noor.click("Nu niet")
    await noor.click("Opslaan")
    await noor.send("/entered")
    await noor.click("🗑 1")
    await noor.click("Ja, wis alles")
    assert await bot.rows("SELECT count(*) FROM person WHERE display_name = 'Mevrouw Ans'") == [
        (0,)]
    assert await bot.rows("SELECT count(*) FROM item") == [(0,)]


async def test_an_intake_stopped_after_consent_keeps_nothing_and_a_double_save_makes_one(
        bot, cohort):
    _, noor, _ = cohort
    await noor.send("/intake")
    await noor.click("Nederlands")
    await noor.click("Ja")
    await noor.send("Meneer Kees")
    await noor.send("0611112222")
    await noor.send("/cancel")
    assert "niets bewaard" in noor.inbox[-1].text
    assert "niets om te annuleren" in (await noor.send("/cancel"))[-1].text
    assert await bot.rows("SELECT count(*) FROM person WHERE phone IS NOT NULL") == [(0,)]

    await noor.send("/intake")  # the second try is the only record
    await noor.click("Nederlands")
    await noor.click("Ja")
    await noor.send("Meneer Kees")
    await noor.send("0611112222")
    await noor.click("🛒 Boodschappen")
    await noor.click("Volgende")
    await noor.click("Overslaan")
    await noor.click("Nu even niets")
    await noor.click("Nu niet")
    summary = copy.deepcopy(noor.last)
    await noor.click("Opslaan")
    await noor.click("Opslaan", message=summary)  # a double tap on the bus
    assert await bot.rows("SELECT count(*) FROM person WHERE phone = '0611112222'") == [(1,)]
    assert await bot.rows("SELECT count(*) FROM claim") == [(1,)]
