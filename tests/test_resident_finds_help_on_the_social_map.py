"""The social map: import and export in HSDS style (all or nothing, every problem reported),
and finding help in the chat by theme, by misspelt words, or near a shared location."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from bot.services import hsds, socialmap
from bot.services.socialmap import SocialMap, query_words
from bot.storage import socialmap as store
from tests.fakes.journeys import join, make_invite

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "socialmap-zuidoost"
# The codes the example uses, for reading it without a database.
CATEGORIES = {code for row in csv.DictReader(io.StringIO(
    (EXAMPLE / "services.csv").read_text("utf-8"))) for code in row["x_categories"].split()}


async def entries(bot):
    async with bot.db.read() as conn:
        return await store.all_entries(conn)


@pytest.fixture
async def mapped(bot):
    assert await socialmap.import_file(bot.request(), EXAMPLE) == 12
    return bot


@pytest.mark.parametrize("target", ["folder", "export.zip", "export.json"])
async def test_round_trip_leaves_the_data_unchanged(mapped, tmp_path, target):
    before = await entries(mapped)
    assert await socialmap.export_file(mapped.request(), tmp_path / target) == 12
    assert await socialmap.import_file(mapped.request(), tmp_path / target) == 12
    assert await entries(mapped) == before


async def test_reimport_updates_by_id(mapped, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(EXAMPLE, package)
    services = (package / "services.csv").read_text("utf-8")
    (package / "services.csv").write_text(services.replace("Voedselbank,Wekelijks",
                                                           "Voedselbank,Elke week"), "utf-8")
    await socialmap.import_file(mapped.request(), package)
    found = {e.id: e for e in await entries(mapped)}
    assert len(found) == 12 and found["svc-voedselbank"].description.startswith("Elke week")


def broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    package = tmp_path / f"broken-{file}-{abs(hash(new))}"
    shutil.copytree(EXAMPLE, package)
    text = (package / file).read_text("utf-8")
    assert old in text
    (package / file).write_text(text.replace(old, new, 1), "utf-8")
    return package


@pytest.mark.parametrize(("file", "old", "new", "reason"), [
    ("services.csv", ",x_categories", ",x_cats", "services.csv:1: missing columns: x_categories"),
    ("services.csv", "company outings computer language skills", "company kittens",
     "services.csv:2: unknown category code: kittens"),
    ("locations.csv", "52.3135,4.9745", "152.3135,4.9745",
     "locations.csv:2: coordinates out of range"),
    ("services.csv", "svc-spreekuur,org-samenredzaam", "svc-buurthuis,org-samenredzaam",
     "services.csv:3: duplicate id 'svc-buurthuis'"),
    ("schedules.csv", "s6,svc-spreekuur,WE,14:00,16:00", "s6,svc-spreekuur,WO,14:00,1600",
     "schedules.csv:7: hours do not parse: WO 14:00-1600"),
])
async def test_malformed_packages_import_nothing(bot, tmp_path, file, old, new, reason):
    with pytest.raises(hsds.ImportRejected) as rejected:
        await socialmap.import_file(bot.request(), broken(tmp_path, file, old, new))
    assert any(str(p).startswith(reason) for p in rejected.value.problems), rejected.value
    assert await entries(bot) == []


async def test_bad_encoding_and_every_problem_at_once(bot, tmp_path):
    package = broken(tmp_path, "services.csv", "company kittens" if False else "money paperwork",
                     "money unicorns")
    (package / "x_translations.csv").write_bytes("service_id,language,name,description\n"
                                                 "svc-x,nl,Café,é\n".encode("latin-1"))
    with pytest.raises(hsds.ImportRejected) as rejected:
        await socialmap.import_file(bot.request(), package)
    assert [p.file for p in rejected.value.problems] == ["x_translations.csv"]
    assert "not UTF-8" in rejected.value.problems[0].reason


def test_cli_reports_rows_and_exits_1(tmp_path):
    package = broken(tmp_path, "services.csv", "money paperwork", "money unicorns")
    env = {**os.environ, "SAMEN_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([sys.executable, "-m", "bot", "socialmap", "import", str(package)],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "nothing imported" in result.stderr and "unknown category code: unicorns" in \
        result.stderr


async def find_by(user, how: str) -> list:
    await user.send("/find")
    return await user.click(how)


async def test_find_by_theme_in_each_language(mapped, admin):
    await join(admin)
    await find_by(admin, "Per thema")
    cards = await admin.click("💶 Geld en schulden")
    names = [c.text.splitlines()[0] for c in cards]
    assert "🏠 Buurtteam" in names and "🏠 Schuldhulp" in names
    english = mapped.user(300, "Ravi", language_code="en")
    code = await make_invite(admin, "Kwartiermaker")
    await join(english, code, "English")
    await find_by(english, "By theme")
    cards = await english.click("💶 Money and debts")
    assert "🏠 District team" in [c.text.splitlines()[0] for c in cards]


async def test_find_by_misspelt_words_and_nothing_found(mapped, admin):
    await join(admin)
    await find_by(admin, "Typ een paar woorden")
    cards = await admin.send("schuldhlup")
    assert cards[0].text.startswith("🏠 Schuldhulp")
    assert "↳ huisarts, buurtteam" in cards[0].text
    await find_by(admin, "Typ een paar woorden")
    replies = await admin.send("zwembad op de maan")
    assert "Niets gevonden" in replies[-1].text and "spreekuur" in replies[-1].text
    assert [label for label, _ in replies[-1].buttons] == ["🗂 Per thema"]


async def test_a_pasted_essay_is_read_as_its_first_words(mapped, admin):
    """Telegram lets anyone send 4,096 characters; the search reads the first few words (so
    one message cannot hold the bot up) and still answers with what they ask for."""
    await join(admin)
    await find_by(admin, "Typ een paar woorden")
    essay = ("Ik zoek schuldhlup want de rekeningen stapelen zich op. " * 80)[:4096]
    cards = await admin.send(essay)
    assert cards[0].text.startswith("🏠 Schuldhulp")
    await find_by(admin, "Typ een paar woorden")
    cards = await admin.send(("voedselbank " * 400)[:4096])
    assert cards[0].text.startswith("🏠 Voedselbank")


def test_a_query_is_read_up_to_8_words_and_200_characters():
    assert query_words("Hulp bij de schulden, HULP!") == ["hulp", "bij", "schulden"]
    assert query_words(" ".join(f"woord{n}" for n in range(50))) == [
        f"woord{n}" for n in range(8)]
    assert query_words("a" * 41 + " voedselbank") == ["voedselbank"]  # not a word
    assert query_words("x " * 100 + "voedselbank") == []  # starts after 200 characters


def test_fuzzy_words_are_compared_only_with_words_of_a_length_that_can_match():
    """The length window is an optimisation: it must find exactly what comparing with the
    whole vocabulary finds."""
    social_map = SocialMap(hsds.read(EXAMPLE, CATEGORIES))
    vocabulary = social_map._vocabulary
    for word in [*vocabulary, *(w[:-1] for w in vocabulary), *(w + "x" for w in vocabulary),
                 *(w[1:] + "e" for w in vocabulary)]:
        for cutoff in (80, 90):
            every = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff,
                                    limit=None)
            assert sorted(social_map._similar(word, cutoff)) == sorted(
                (score, index) for _, score, index in every), word


async def test_near_me_with_distance_and_the_map(mapped, admin):
    await join(admin)
    await find_by(admin, "In de buurt")
    request = admin.last
    assert request.reply_markup["keyboard"][0][0]["request_location"] is True
    cards = await admin.send_location(52.3136, 4.9746)
    first = next(c for c in cards if c.text.startswith("🏠"))
    assert first.text.startswith("🏠 Buurthuis") and "(0 km)" in first.text
    await admin.click("Op de kaart", message=first)
    assert admin.last.kind == "location" and admin.last.text == "52.3135,4.9745"
    await find_by(admin, "In de buurt")
    replies = await admin.send_location(51.44, 5.47)  # Eindhoven
    assert any("ver van de wijk" in m.text for m in replies)


async def test_filters_open_now_language_and_line(mapped, admin):
    await join(admin)
    mapped.clock.now = datetime(2026, 12, 2, 13, 30, tzinfo=UTC)  # Wednesday 14:30
    await admin.send("/find")
    await admin.click("Nu open")
    await admin.click("Per thema")
    cards = await admin.click("👂 Een luisterend oor")
    assert [c.text.splitlines()[0] for c in cards] == ["🏠 Wekelijks inloopspreekuur"]
    assert "Vandaag: 14:00–16:00" in cards[0].text
    arabic = mapped.user(301, "Amal", language_code="ar")
    await join(arabic, await make_invite(admin, "Kwartiermaker"), "العربية")
    await arabic.send("/find")
    await arabic.tap("fd:f:mine", arabic.last)
    await arabic.tap("fd:f:line", arabic.last)  # line 0: neighbours
    await arabic.tap("fd:theme", arabic.last)
    cards = await arabic.tap("fd:cat:listening", arabic.last)
    names = [c.text.splitlines()[0] for c in cards]
    assert names == ["🏠 أشخاص موثوقون"]  # in Arabic, spoken in Arabic, line 0


@pytest.mark.parametrize("typed", ["ديون", "الديون", "ديونن", "دين", "الدُّيون",
                                   "المساعده في الديون"])
async def test_arabic_is_found_however_it_is_written(mapped, admin, typed):
    """With or without the article, vowel marks or a typo; singular or plural; ta marbuta
    typed as ha."""
    await join(admin)
    amal = mapped.user(301, "Amal", language_code="ar")
    await join(amal, await make_invite(admin, "Kwartiermaker"), "العربية")
    await amal.send("/find")
    await amal.tap("fd:words", amal.last)
    cards = await amal.send(typed)
    assert cards[0].text.startswith("🏠 المساعدة في الديون"), typed


async def test_nothing_found_says_which_filters_are_on_and_clears_them(mapped, admin):
    await join(admin)
    mapped.clock.now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # Sunday night: all closed
    await admin.send("/find")
    await admin.click("Nu open")
    await admin.click("Per thema")
    replies = await admin.click("💶 Geld en schulden")
    assert replies[-1].text == "Niets gevonden met deze filters aan: Nu open."
    await admin.click("Filters uitzetten")
    assert "✅" not in " ".join(label for label, _ in admin.last.buttons)  # the menu, no ticks
    await admin.click("Per thema")
    cards = await admin.click("💶 Geld en schulden")
    assert any(card.text.startswith("🏠 Schuldhulp") for card in cards)


async def test_an_empty_map_is_said_so_and_trainers_hear_how_to_fill_it(bot, admin):
    await join(admin)
    lina = bot.user(300, "Lina")
    await join(lina, await make_invite(admin, "Kwartiermaker"))
    await lina.send("/find")
    replies = await lina.click("Per thema")
    replies = await lina.click("💶 Geld en schulden")
    assert "nog leeg" in replies[-1].text and "samenbot socialmap" not in replies[-1].text
    await admin.send("/find")
    await admin.click("Per thema")
    replies = await admin.click("💶 Geld en schulden")
    assert "samenbot socialmap import" in replies[-1].text


def test_arabic_words_are_folded_to_one_spelling():
    from bot.services.socialmap import words_of

    assert words_of("الدُّيُونُ") == words_of("ديون") == ["ديون"]
    assert words_of("مساعدة") == words_of("مساعده")
    assert words_of("أحمد إسكان آمنة مستشفى") == words_of("احمد اسكان امنه مستشفي")
    assert words_of("Schuldhulp Amsterdam") == ["schuldhulp", "amsterdam"]  # Latin untouched


@pytest.mark.parametrize("typed", ["borç", "borc", "borçlarım"])
async def test_words_in_the_readers_language_find_the_theme_they_name(mapped, admin, typed):
    """The example map has no Turkish texts: a Turkish resident's "borç" (debt), with or
    without its accent, still finds help through the theme "Para ve borçlar"."""
    await join(admin)
    ayse = mapped.user(302, "Ayşe", language_code="tr")
    await join(ayse, await make_invite(admin, "Kwartiermaker"), "Türkçe")
    await ayse.send("/find")
    await ayse.tap("fd:words", ayse.last)
    cards = await ayse.send(typed)
    names = [c.text.splitlines()[0] for c in cards]
    assert "🏠 Schuldhulp" in names and "🏠 Buurtteam" in names, (typed, names)


async def test_a_word_that_names_no_theme_still_finds_nothing(mapped, admin):
    await join(admin)
    await find_by(admin, "Typ een paar woorden")
    replies = await admin.send("zwembad")
    assert "Niets gevonden" in replies[-1].text
