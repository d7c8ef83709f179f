"""A new person opens an invite link, picks a language, reads the consent text and agrees."""

from __future__ import annotations

import copy

import pytest

from bot.services.membership import CONSENT_VERSION
from tests.fakes.journeys import join, make_invite

ORGANISER_ID, RESIDENT_ID = 200, 300


@pytest.fixture
async def organiser(bot, admin):
    await join(admin)
    code = await make_invite(admin, "Kwartiermaker")
    organiser = bot.user(ORGANISER_ID, "Noor")
    await join(organiser, code)
    return organiser


@pytest.mark.parametrize(
    ("language", "consent_words", "welcome_words", "role_word"),
    [
        ("Nederlands", "Voordat we beginnen", "Welkom, Lina!", "Bewoner"),
        ("English", "Before we start", "Welcome, Lina!", "Resident"),
        ("العربية", "قبل أن نبدأ", "أهلًا بك يا Lina!", "من سكان الحي"),
    ],
)
async def test_resident_joins_in_their_language(bot, organiser, language, consent_words,
                                                welcome_words, role_word):
    code = await make_invite(organiser)
    resident = bot.user(RESIDENT_ID, "Lina", language_code="nl")

    first = await resident.send(f"/start {code}")
    assert [label for label, _ in first[-1].buttons][:3] == ["Nederlands", "English", "العربية"]
    consent = await resident.click(language)
    assert consent_words in consent[-1].text
    assert "/forget" in consent[-1].text and "/mydata" in consent[-1].text
    # Nothing about the person is stored before they agree.
    assert await bot.rows("SELECT * FROM person WHERE telegram_id = ?", RESIDENT_ID) == []

    welcome = await resident.click("✅")
    assert welcome_words in welcome[-1].text and role_word in welcome[-1].text
    row = await bot.rows("SELECT role, language, consent_version, consent_at, invited_by"
                         " FROM person WHERE telegram_id = ?", RESIDENT_ID)
    organiser_row = await bot.rows("SELECT id FROM person WHERE telegram_id = ?", ORGANISER_ID)
    expected_language = {"Nederlands": "nl", "English": "en", "العربية": "ar"}[language]
    assert row == [("resident", expected_language, CONSENT_VERSION,
                    bot.clock.now.isoformat(), organiser_row[0][0])]
    # The menu of commands is set for this chat, in the chosen language.
    menu = bot.api.menu_for_chat(RESIDENT_ID)
    assert [c["command"] for c in menu] == ["help", "find", "share", "mine", "agenda", "talk",
                                              "language", "mydata", "forget"]
    if language == "العربية":
        assert menu[0]["description"] == "ما يمكنك فعله هنا"


async def test_declining_leaves_nothing_behind(bot, organiser):
    code = await make_invite(organiser)
    resident = bot.user(RESIDENT_ID, "Omar")
    await resident.send(f"/start {code}")
    await resident.click("English")
    replies = await resident.click("✖️")
    assert "Nothing has been saved" in replies[-1].text
    for table in ("person", "ptb_user_data", "ptb_conversation", "ptb_chat_data"):
        rows = await bot.rows(f"SELECT * FROM {table}")
        assert all(RESIDENT_ID not in _ids(r) for r in rows), table
    # The single-use invite was not used up by declining: the person may still join.
    await resident.send(f"/start {code}")
    await resident.click("English")
    await resident.click("✅")
    assert await bot.rows("SELECT role FROM person WHERE telegram_id = ?", RESIDENT_ID) == [
        ("resident",)]


async def test_restart_in_the_middle_resumes_at_the_same_question(bot, organiser):
    code = await make_invite(organiser)
    resident = bot.user(RESIDENT_ID, "Fatima")
    await resident.send(f"/start {code}")
    await resident.click("العربية")
    await bot.crash_and_restart()  # kill -9: no shutdown, nothing flushed on the way out

    # Text where a button is expected: the consent question comes back, in Arabic.
    replies = await resident.send("نعم")
    assert "من فضلك اضغط" in replies[0].text
    assert "قبل أن نبدأ" in replies[-1].text
    await resident.click("✅")
    assert await bot.rows("SELECT language FROM person WHERE telegram_id = ?", RESIDENT_ID) == [
        ("ar",)]


async def test_old_button_and_double_tap(bot, organiser):
    code = await make_invite(organiser)
    resident = bot.user(RESIDENT_ID, "Ravi", language_code="en")
    # Copies, as a phone may still show a keyboard the bot already replaced.
    languages = copy.deepcopy((await resident.send(f"/start {code}"))[-1])
    consent = copy.deepcopy((await resident.click("English"))[-1])
    # An old button from the language message while the consent question is open.
    replies = await resident.click("Nederlands", message=languages)
    assert bot.api.callback_answers[-1]["text"].startswith("That button is no longer active")
    assert "Before we start" in replies[-1].text
    await resident.click("✅", message=consent)
    # A second tap on the same "I agree" changes nothing and says so.
    await resident.click("✅", message=consent)
    assert "no longer active" in bot.api.callback_answers[-1]["text"]
    assert await bot.rows("SELECT count(*) FROM person WHERE telegram_id = ?", RESIDENT_ID) == [
        (1,)]
    assert await bot.rows("SELECT uses FROM invite WHERE code = ?", code) == [(1,)]


async def test_other_language_button_goes_back_to_the_list(bot, organiser):
    code = await make_invite(organiser)
    resident = bot.user(RESIDENT_ID, "Ana")
    await resident.send(f"/start {code}")
    await resident.click("English")
    back = await resident.click("🌐")
    assert "Nederlands" in [label for label, _ in back[-1].buttons]
    consent = await resident.click("Papiamentu")
    assert "Promé ku nos kuminsá" in consent[-1].text
    welcome = await resident.click("✅")
    assert "Bon biní, Ana!" in welcome[-1].text
    assert "/forget – Kita tur bo datos" in welcome[-1].text


async def test_start_without_invite_explains_how_to_join(bot):
    visitor = bot.user(400, "Kim", language_code="en-GB")
    replies = await visitor.send("/start")
    assert "you need an invite link" in replies[-1].text
    dutch = bot.user(401, "Jan", language_code="fr")  # no French: falls back to Dutch
    assert "uitnodigingslink" in (await dutch.send("/start"))[-1].text
    arabic = bot.user(402, "Sara", language_code="ar")
    assert "رابط دعوة" in (await arabic.send("/start"))[-1].text


async def test_member_who_opens_another_invite_keeps_their_role(bot, organiser):
    code = await make_invite(organiser)
    replies = await organiser.send(f"/start {code}")
    assert "al aangemeld" in replies[-1].text
    assert await bot.rows("SELECT role FROM person WHERE telegram_id = ?", ORGANISER_ID) == [
        ("organiser",)]


def _ids(row: tuple) -> set:
    values = set()
    for value in row:
        values.add(value)
        if isinstance(value, str):
            values.update(int(p) for p in value.replace("[", " ").replace("]", " ")
                          .replace(",", " ").split() if p.lstrip("-").isdigit())
    return values


async def test_the_consent_text_says_what_is_true_for_the_role(bot, organiser, admin):
    """A resident is told trainers see only numbers; a kwartiermaker, that trainers see their
    name, sessions and money (they do: /table, /certify, /payments)."""
    resident = bot.user(RESIDENT_ID, "Lina")
    await resident.send(f"/start {await make_invite(organiser)}")
    consent = (await resident.click("Nederlands"))[-1].text
    assert "zien alleen aantallen, niet je naam" in consent
    trainer = bot.user(150, "Tessa")
    await join(trainer, await make_invite(admin, "Trainer"))
    kwartiermaker = bot.user(201, "Amal")
    await kwartiermaker.send(f"/start {await make_invite(trainer)}")
    consent = (await kwartiermaker.click("Nederlands"))[-1].text
    assert "de trainers zien je naam, je sessies en je vergoedingen" in consent
    assert "alleen aantallen" not in consent
