"""Seeds a samenbot database for ``throughput.py``: people and their needs and offers.

``python -m bot migrate`` creates the schema (whatever the current migrations are); the rows
are then written with plain sqlite3 in one transaction. Everyone is invented: names are made
from syllables, Telegram ids come from a range no real account is tested with.

Who is in it: one admin (the id in SAMEN_ADMIN_IDS), a few trainers, a few organisers
(kwartiermakers, each with a circle), and residents; the needs and offers belong to residents.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMBER_BASE_ID = 500_000_000  # Telegram ids of seeded people: MEMBER_BASE_ID + person id
LANGUAGES = (("nl", 50), ("en", 20), ("ar", 15), ("srn", 8), ("pap", 7))
STATUSES = (("open", 70), ("matched", 10), ("referred", 5), ("solved", 10), ("withdrawn", 5))
_FIRST = ("Ama", "Bo", "Cel", "Dari", "Eli", "Fen", "Gio", "Han", "Isa", "Jor", "Kes", "Lio",
          "Mar", "Noa", "Oli", "Pim", "Rai", "Sam", "Tes", "Vin", "Wes", "Yar", "Zef", "Nur")
_LAST = ("", "a", "o", "ien", "el", "ra", "is", "an", "ey", "ou")
_WORDS = ("boodschappen", "samen koken", "formulier", "huiswerk", "fiets", "wandelen",
          "computer", "taalmaatje", "oppassen", "klusje", "luisteren", "vervoer", "tuin",
          "administratie", "koffie", "muziek", "naaimachine", "verhuizen", "lezen", "sport")


@dataclass(frozen=True)
class Seeded:
    path: Path
    admin_telegram_id: int
    resident_ids: list[int]  # Telegram ids of the residents
    people: int
    items: int


def bot_env(data_dir: Path, admin_id: int, base_url: str | None = None) -> dict[str, str]:
    """The environment for a ``python -m bot`` subprocess, without the caller's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAMEN_"))}
    env.update({"TELEGRAM_BOT_TOKEN": "123456:TEST", "SAMEN_DATA_DIR": str(data_dir),
                "SAMEN_ADMIN_IDS": str(admin_id)})
    if base_url:
        env["TELEGRAM_API_BASE_URL"] = base_url
    return env


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...], count: int) -> list[str]:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table], k=count)


def _consent_version(source: Path) -> str:
    """Read, not imported: the seed must not depend on the bot's internals."""
    try:
        text = (source / "bot" / "services" / "membership.py").read_text("utf-8")
    except OSError:
        text = ""
    found = re.search(r'^CONSENT_VERSION = "([^"]+)"', text, re.MULTILINE)
    return found.group(1) if found else "2026-11-1"


def seed(data_dir: Path, *, people: int = 10_000, items: int = 100_000,
         admin_telegram_id: int = MEMBER_BASE_ID + 1, trainers: int = 9,
         organisers: int = 200, source: Path = ROOT) -> Seeded:
    """Migrates a fresh database in ``data_dir`` with the migrations of the samenbot tree
    ``source`` and fills it; the WAL is checkpointed and removed, so the one file can be
    copied for every run."""
    data_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "bot", "migrate"], cwd=source, check=True,
                   env=bot_env(data_dir, admin_telegram_id), stdout=subprocess.DEVNULL)
    path = data_dir / "samenbot.sqlite3"
    rng = random.Random(20251201)
    now = datetime.now(UTC)
    consent = _consent_version(source)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        categories = [r[0] for r in conn.execute(
            "SELECT code FROM category WHERE active = 1 ORDER BY position")]
        first_trainer, first_organiser = 2, 2 + trainers
        first_resident = first_organiser + organisers
        languages = _weighted(rng, LANGUAGES, people)
        rows = []
        for pid in range(1, people + 1):
            if pid == 1:
                role, invited_by, telegram_id = "admin", None, admin_telegram_id
            elif pid < first_organiser:
                role, invited_by = "trainer", 1
            elif pid < first_resident:
                role, invited_by = "organiser", first_trainer + pid % trainers
            else:
                role, invited_by = "resident", first_organiser + pid % organisers
            if pid != 1:
                telegram_id = MEMBER_BASE_ID + pid
            joined = (now - timedelta(days=rng.uniform(1, 365))).isoformat()
            name = rng.choice(_FIRST) + rng.choice(_LAST)
            rows.append((pid, telegram_id, name, role, languages[pid - 1], consent, joined,
                         invited_by, joined))
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO person (id, telegram_id, display_name, role, language,"
            " consent_version, consent_at, invited_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        statuses = _weighted(rng, STATUSES, items)
        item_rows = []
        for n in range(items):
            owner = rng.randrange(first_resident, people + 1)
            created = now - timedelta(days=rng.uniform(0, 365))
            updated = created + timedelta(days=rng.uniform(0, 30))
            text = " ".join(rng.sample(_WORDS, rng.randint(0, 3)))
            item_rows.append((owner, "need" if n % 2 == 0 else "offer", rng.choice(categories),
                              text, statuses[n], owner, created.isoformat(),
                              min(updated, now).isoformat()))
        conn.executemany(
            "INSERT INTO item (person_id, kind, category, text, status, entered_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", item_rows)
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    residents = [MEMBER_BASE_ID + pid for pid in range(first_resident, people + 1)]
    return Seeded(path=path, admin_telegram_id=admin_telegram_id, resident_ids=residents,
                  people=people, items=items)
