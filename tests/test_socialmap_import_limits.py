"""`samenbot socialmap import` refuses what it cannot safely read: a zip bomb, JSON nested too
deep or of the wrong shape, a field too long, an entry id that would not fit on a button or
could not be picked. Each is one clean ``file:line: reason`` (``file: reason`` for the file as
a whole), nothing is imported, and the command exits 1 without a traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from bot.services import hsds, socialmap
from bot.services.hsds_input import ID_MAX
from tests.fakes.journeys import join, make_invite
from tests.test_resident_finds_help_on_the_social_map import CATEGORIES, EXAMPLE, ROOT, entries
from tests.test_warm_handover_and_keeping_the_map import LINA, share_need


async def rejected(bot, path: Path) -> list[str]:
    """The problems of an import that must fail, after checking that nothing was stored."""
    with pytest.raises(hsds.ImportRejected) as caught:
        await socialmap.import_file(bot.request(), path)
    assert await entries(bot) == []
    return [str(p) for p in caught.value.problems]


# zip ---------------------------------------------------------------------------------------------
def zip_bomb(tmp_path: Path) -> Path:
    """The example package with services.csv padded to 30 MB of one repeated row (the issue's
    case was 300 MB in 310 KB; 30 MB is over both caps and quick to build)."""
    path = tmp_path / "map.zip"
    row = b"svc-x,org-buurthuis,Schuldhulp,Hulp,,,active,,,2026-10-01,1,money\n" * 10_000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in EXAMPLE.glob("*.csv"):
            if member.name != "services.csv":
                archive.write(member, member.name)
        with archive.open("services.csv", "w") as services:
            services.write((EXAMPLE / "services.csv").read_bytes())
            for _ in range(30_000_000 // len(row)):
                services.write(row)
    return path


async def test_a_zip_bomb_is_refused_before_it_is_unpacked(bot, tmp_path):
    path = zip_bomb(tmp_path)
    sizes = {i.filename: i for i in zipfile.ZipFile(path).infolist()}
    services, total = sizes["services.csv"], sum(i.file_size for i in sizes.values())
    assert path.stat().st_size < 200_000 and total > 29_000_000
    tracemalloc.start()
    try:
        problems = await rejected(bot, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert problems == [
        f"map.zip: services.csv would unpack to "
        f"{services.file_size // services.compress_size:,} times its packed size; at most 100",
        f"map.zip: the CSV files would unpack to {total:,} bytes; at most 20,000,000 bytes in "
        f"all"]
    assert peak < 5_000_000  # the 30 MB were never read


# JSON --------------------------------------------------------------------------------------------
def services() -> list:
    return hsds.to_json(hsds.read(EXAMPLE, CATEGORIES))["services"]


def one_per_line(path: Path, items: list, wrap: bool = True) -> Path:
    """Service n (from 0) starts on line n + 2: the line a problem must name."""
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    path.write_text('{"services": [\n' + body + "\n]}\n" if wrap else "[\n" + body + "\n]\n",
                    "utf-8")
    return path


def changed(index: int, **fields) -> list:
    found = services()
    found[index] = {**found[index], **fields}
    return found


def test_the_example_round_trips_through_json_with_lines(tmp_path):
    path = one_per_line(tmp_path / "map.json", services())
    assert len(hsds.read(path, CATEGORIES)) == 12
    assert len(hsds.read(one_per_line(tmp_path / "list.json", services(), wrap=False),
                         CATEGORIES)) == 12


async def test_json_nested_too_deep(bot, tmp_path):
    path = tmp_path / "map.json"
    path.write_text('{"services": [\n{"id": "svc-x", "x_extra": ' + "[" * 100_000
                    + "]" * 100_000 + "}\n]}", "utf-8")
    assert await rejected(bot, path) == ["map.json:2: nested more than 20 levels deep"]


async def test_json_name_null(bot, tmp_path):
    path = one_per_line(tmp_path / "map.json", changed(2, name=None))
    assert await rejected(bot, path) == ["map.json:4: name must be text, not null"]


async def test_json_service_that_is_not_an_object(bot, tmp_path):
    found = services()
    found[5] = "svc-voedselbank"
    path = one_per_line(tmp_path / "map.json", found)
    assert await rejected(bot, path) == ["map.json:7: a service must be an object, not text"]


async def test_json_without_services(bot, tmp_path):
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"items": services()}), "utf-8")
    assert await rejected(bot, path) == [
        'map.json: no "services": expected a list of services, or an object with a "services" '
        'list']


async def test_json_field_over_its_cap(bot, tmp_path):
    path = one_per_line(tmp_path / "map.json", changed(0, description="x" * 131_073))
    assert await rejected(bot, path) == [
        "map.json:2: description is longer than 2,000 characters"]


async def test_json_field_of_the_wrong_type_deep_inside(bot, tmp_path):
    found = services()
    found[0]["service_at_locations"][0]["location"]["latitude"] = "north"
    assert await rejected(bot, one_per_line(tmp_path / "map.json", found)) == [
        "map.json:2: service_at_locations[0].location.latitude must be a number, not text"]


# CSV fields --------------------------------------------------------------------------------------
def package(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "package"
    shutil.copytree(EXAMPLE, path)
    text = (path / "services.csv").read_text("utf-8")
    assert old in text
    (path / "services.csv").write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize(("size", "reason"), [
    (2_001, "services.csv:13: description is longer than 2,000 characters"),
    (140_000, "services.csv:13: not valid CSV: field larger than field limit (131072)"),
])
async def test_csv_field_over_its_cap(bot, tmp_path, size, reason):
    path = package(tmp_path, "Samen je schulden op een rij", "x" * size)
    assert await rejected(bot, path) == [reason]


# entry ids ---------------------------------------------------------------------------------------
async def test_an_id_too_long_for_a_button(bot, tmp_path):
    long_id = "svc-" + "s" * (ID_MAX - 3)
    path = package(tmp_path, "svc-schuldhulp,", long_id + ",")
    assert await rejected(bot, path) == [
        f"services.csv:13: id 'svc-ssssssssssssssss'… is {ID_MAX + 1} characters; at most 57 "
        f"(it goes into Telegram's 64-byte button data)"]


@pytest.mark.parametrize("bad", ["svc.schuldhulp", "svc:schuldhulp", "svc schuldhulp",
                                 "schuldhülp"])
async def test_an_id_that_could_not_be_picked(bot, tmp_path, bad):
    path = package(tmp_path, "svc-schuldhulp,", f'"{bad}",')
    assert await rejected(bot, path) == [
        f"services.csv:13: id {bad!r} may only use the letters A-Z and a-z, digits, '-' and "
        f"'_'"]


async def test_the_longest_id_allowed_works_on_every_button(bot, cohort, tmp_path):
    """57 characters is the real budget: /find's "Show on the map", /refer and /mapkeep each
    put the id into callback data, and each can still be tapped."""
    trainer, noor, _ = cohort
    longest = "svc-" + "s" * (ID_MAX - 4)
    package_ = tmp_path / "package"
    shutil.copytree(EXAMPLE, package_)
    for csv_file in package_.glob("*.csv"):
        csv_file.write_text(csv_file.read_text("utf-8").replace("svc-schuldhulp", longest),
                            "utf-8")
    assert await socialmap.import_file(bot.request(), package_) == 12

    await noor.send("/find")
    await noor.click("Per thema")
    cards = await noor.click("💶 Geld en schulden")
    card = next(c for c in cards if c.text.startswith("🏠 Schuldhulp"))
    await noor.click("Op de kaart", message=card)
    assert noor.last.kind == "location"

    await trainer.send("/mapkeep")
    await trainer.send("schuldhulp")
    assert (await trainer.click("Schuldhulp"))[-1].text.startswith("🏠 Schuldhulp")

    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await share_need(lina, "💶 Geld en schulden")
    await noor.send("/refer")
    await noor.click("Lina")
    await noor.click("Schuldhulp")
    await noor.click("Overslaan")
    assert await bot.rows("SELECT entry_id FROM referral") == [(longest,)]


# the command -------------------------------------------------------------------------------------
def test_the_command_prints_file_line_reason_and_exits_1(tmp_path):
    path = one_per_line(tmp_path / "map.json", changed(2, name=None))
    data = tmp_path / "data"
    env = {**os.environ, "SAMEN_DATA_DIR": str(data)}
    result = subprocess.run([sys.executable, "-m", "bot", "socialmap", "import", str(path)],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["nothing imported: 1 problem(s)",
                                          "map.json:4: name must be text, not null"]
    with sqlite3.connect(data / "samenbot.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM sm_entry").fetchone() == (0,)
