"""A resident answers "what could you use a hand with?" and "what could you offer?" with
buttons and voice, in their own language, and later sees and changes what they shared."""

from __future__ import annotations

import copy

import pytest

from tests.fakes.journeys import NOOR, join, make_invite

LINA = 300


@pytest.fixture
async def circle(bot, cohort):
    _, noor, _ = cohort
    return noor, await make_invite(noor, uses=2)


async def items(bot, telegram_id: int) -> list[tuple]:
    return await bot.rows(
        "SELECT i.kind, i.category, i.text, i.voice_seconds, i.status FROM item i"
        " JOIN person p ON p.id = i.person_id WHERE p.telegram_id = ? ORDER BY i.id", telegram_id)


async def test_one_need_and_one_offer_in_eight_taps(bot, circle):
    _noor, code = circle
    lina = bot.user(LINA, "Lina")
    await join(lina, code)
    taps = 0

    async def tap(label):
        nonlocal taps
        taps += 1
        return await lina.click(label)

    await tap("Deel wat je nodig hebt")
    await tap("🛒 Boodschappen")
    await tap("Volgende")
    await tap("Overslaan")
    await tap("🍲 Koken en eten")
    await tap("Volgende")
    summary = await tap("Overslaan")
    assert "Dit wordt bewaard:" in summary[-1].text
    assert "1. 🤲 🛒 Boodschappen" in summary[-1].text
    assert "2. 🎁 🍲 Koken en eten" in summary[-1].text
    saved = await tap("Opslaan")
    assert taps == 8
    assert saved[-1].text.startswith("Opgeslagen. Dank je!")
    assert await items(bot, LINA) == [("need", "shopping", "", None, "open"),
                                      ("offer", "cooking", "", None, "open")]


@pytest.mark.parametrize(("language", "need_label", "offer_label", "saved_words"), [
    ("English", "🛒 Shopping", "🍲 Cooking and food", "Saved. Thank you!"),
    ("العربية", "🛒 التسوق", "🍲 الطبخ والأكل", "حُفظ. شكرًا لك!"),
])
async def test_words_and_a_voice_message_in_other_languages(bot, circle, language, need_label,
                                                            offer_label, saved_words):
    _, code = circle
    lina = bot.user(LINA, "Lina")
    await join(lina, code, language)
    await lina.send("/share")
    await lina.click(need_label)
    await lina.click(2)  # the second category too: 🫂
    await lina.click("➡️")
    await lina.send("Someone to carry the bags on Saturday")
    await lina.send_voice(duration=7)  # the second need gets a voice message
    await lina.click(offer_label)
    await lina.click("➡️")
    replies = await lina.click("⏭")
    assert "🎤" in replies[-1].text and "7" in replies[-1].text
    replies = await lina.click("💾")
    assert replies[-1].text.startswith(saved_words)
    assert await items(bot, LINA) == [
        ("need", "shopping", "Someone to carry the bags on Saturday", None, "open"),
        ("need", "company", "", 7, "open"),
        ("offer", "cooking", "", None, "open")]


async def test_only_needs_gets_one_kind_question_that_never_blocks(bot, circle):
    _, code = circle
    lina = bot.user(LINA, "Lina")
    await join(lina, code)
    await lina.send("/share")
    await lina.click("🛒 Boodschappen")
    await lina.click("Volgende")
    await lina.click("Overslaan")
    replies = await lina.click("Nu even niets")
    assert "twee handen" in replies[-1].text and "luisterend oor" in replies[-1].text
    await lina.click("Iets kleins kiezen")
    await lina.click("Volgende")  # still nothing: no second question
    summary = lina.last
    assert summary.text.startswith("Dit wordt bewaard:")
    await lina.click("Opslaan")
    assert [row[0] for row in await items(bot, LINA)] == ["need"]


async def test_summary_change_remove_stale_buttons_and_bad_input(bot, circle):
    _, code = circle
    lina = bot.user(LINA, "Lina")
    await join(lina, code)
    await lina.send("/share")
    await lina.send("boodschappen")  # text where a button (or a voice message) is expected
    assert lina.inbox[-2].text == "Tik op een van de knoppen hieronder, of stuur een spraakbericht."
    await lina.send_photo()  # a photo where a button is expected
    await lina.click("🛒 Boodschappen")
    await lina.click("💻 Computer en telefoon")
    grids = [m for m in lina.inbox if m.text.startswith("🤲 Waar kun je")]
    assert len(grids) == 3  # asked again after each wrong answer; ticks edit in place
    assert [label for label, _ in grids[-1].buttons if label.startswith("✅")] == [
        "✅ 🛒 Boodschappen", "✅ 💻 Computer en telefoon"]
    old_grid = copy.deepcopy(grids[-1])
    await lina.click("Volgende")
    await lina.tap("sh:c:money", old_grid)  # the needs grid, while words are asked
    assert "werkt niet meer" in bot.api.callback_answers[-1]["text"]
    replies = await lina.send("🙂🙂")
    assert "geen woorden" in replies[0].text
    replies = await lina.send("x" * 400)
    assert "de eerste 300 tekens" in replies[0].text
    await lina.send_photo()  # a photo where words or a voice message are expected
    assert "typ een paar woorden" in lina.inbox[-2].text.lower()
    await lina.click("Overslaan")
    await bot.crash_and_restart()  # kill -9 halfway: the answers so far are kept
    await lina.click("🎨 Vaardigheden delen")
    await lina.click("Volgende")
    summary = copy.deepcopy((await lina.send("naailes"))[-1])
    assert "1. 🤲 🛒 Boodschappen – “" + "x" * 30 in summary.text
    await lina.click("🗑 2")  # remove the computer need
    await lina.click("🗑 1", message=summary)  # a button from the older summary
    assert "oudere samenvatting" in bot.api.callback_answers[-1]["text"]
    await lina.click("✏️ 1")
    summary = await lina.send("boodschappen op zaterdag")
    assert "“boodschappen op zaterdag”" in summary[-1].text
    await lina.click("Opslaan")
    assert await items(bot, LINA) == [
        ("need", "shopping", "boodschappen op zaterdag", None, "open"),
        ("offer", "skills", "naailes", None, "open")]


async def test_mine_withdraw_solve_and_change(bot, circle):
    _, code = circle
    lina, sam = bot.user(LINA, "Lina"), bot.user(301, "Sam")
    await join(lina, code)
    await join(sam, code)
    for user in (lina, sam):
        await user.send("/share")
        await user.click("🛒 Boodschappen")
        await user.click("Volgende")
        await user.click("Overslaan")
        await user.click("🍲 Koken en eten")
        await user.click("Volgende")
        await user.click("Overslaan")
        await user.click("Opslaan")
    listing = await lina.send("/mine")
    assert "1. 🤲 🛒 Boodschappen" in listing[-1].text
    await lina.click("✅ 1")
    assert "Fijn dat het gelukt is" in lina.last.text
    await lina.click("✅ 1", message=listing[-1])
    assert "Dat was al gedaan" in lina.last.text
    await lina.click("✏️ 2")
    await lina.send_voice(duration=4)
    sams_item = (await bot.rows("SELECT i.id FROM item i JOIN person p ON p.id = i.person_id"
                                " WHERE p.telegram_id = 301 ORDER BY i.id"))[0][0]
    await lina.tap(f"it:wd:{sams_item}", listing[-1])  # someone else's item
    assert bot.api.callback_answers[-1].get("show_alert") is True
    assert await items(bot, LINA) == [("need", "shopping", "", None, "solved"),
                                      ("offer", "cooking", "", 4, "open")]
    assert [r[4] for r in await items(bot, 301)] == ["open", "open"]
    # An organiser does not use /share for themselves.
    assert "Dit kan niet in jouw rol" in (await bot.user(NOOR).send("/share"))[-1].text


async def test_answers_not_saved_wait_when_something_else_comes_between(bot, circle):
    """A resident at the summary who opens /mine (or starts /find) and then /share again gets
    the answers back, not an empty start."""
    _noor, code = circle
    lina = bot.user(LINA, "Lina")
    await join(lina, code)
    await lina.send("/share")
    await lina.click("🛒 Boodschappen")
    await lina.click("Volgende")
    await lina.click("Overslaan")
    await lina.click("🍲 Koken en eten")
    await lina.click("Volgende")
    await lina.click("Overslaan")  # the summary, not saved yet
    again = await lina.send("/share")  # still in it: the same screen again, nothing asked
    assert "Dit wordt bewaard:" in again[-1].text and "1. 🤲 🛒 Boodschappen" in again[-1].text
    await lina.send("/mine")
    await lina.send("/find")
    asked = await lina.send("/share")
    assert asked[-1].text == "Je hebt antwoorden die nog niet bewaard zijn."
    summary = await lina.click("Ga verder")
    assert "1. 🤲 🛒 Boodschappen" in summary[-1].text
    await lina.click("Opslaan")
    assert [row[:2] for row in await items(bot, LINA)] == [("need", "shopping"),
                                                           ("offer", "cooking")]
    await lina.send("/share")  # saved: a fresh start, nothing waiting
    assert "Je hebt antwoorden" not in lina.last.text
