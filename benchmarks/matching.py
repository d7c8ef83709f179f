"""A circle of 2,000 residents with 10,000 needs and 10,000 offers: how long the organiser
waits for suggestions (loading from SQLite plus matching, and matching alone), and how many
questionnaire updates a second the real Application handles through the fake Bot API.

    .venv/bin/python benchmarks/matching.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import close_application, create_application, start_application
from bot.config import Settings
from bot.services import introductions, matching
from bot.simulator import FakeBotApi, SimulatedUser
from bot.storage import items, people
from bot.storage import matches as match_store

RESIDENTS, NEEDS, OFFERS, RUNS, QUESTIONNAIRES = 2000, 10_000, 10_000, 50, 200
LANGUAGES = ("nl", "en", "ar", "srn", "pap")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


async def fill(db, now: datetime) -> people.Person:
    rng = random.Random(7)
    async with db.tx() as conn:
        organiser = await people.insert(conn, telegram_id=1, display_name="Org", role="organiser",
                                        language="nl", consent_version="x", now=now,
                                        invited_by=None, invite_id=None)
        residents = [await people.insert(
            conn, telegram_id=10_000 + n, display_name=f"R{n}", role="resident",
            language=rng.choice(LANGUAGES), consent_version="x", now=now,
            invited_by=organiser.id, invite_id=None) for n in range(RESIDENTS)]
        codes = [c.code for c in await items.categories(conn)]
        for kind, count in (("need", NEEDS), ("offer", OFFERS)):
            for _ in range(count):
                when = now - timedelta(days=rng.uniform(0, 90))
                await items.insert(conn, person_id=rng.choice(residents).id, kind=kind,
                                   category=rng.choice(codes), text="", voice_file_id=None,
                                   voice_seconds=None, entered_by=organiser.id, now=when)
    return organiser


async def questionnaires(app, api: FakeBotApi, code_user: SimulatedUser) -> float:
    """Residents answering one need and one offer; returns updates a second."""
    updates, started = 0, time.perf_counter()
    for n in range(QUESTIONNAIRES):
        user = SimulatedUser(app, api, 50_000 + n, f"Q{n}")
        async with app.bot_data["services"].db.tx() as conn:
            await people.insert(conn, telegram_id=user.user_id, display_name=user.first_name,
                                role="resident", language="nl", consent_version="x",
                                now=datetime.now(UTC), invited_by=1, invite_id=None)
        for step in ("/share", 5, "next", "skip", 13, "next", "skip", "save"):
            if step == "/share":
                await user.send(step)
            elif isinstance(step, int):
                await user.click(step)
            else:
                data = next(d for _, d in user.last_with_buttons().buttons
                            if d.startswith(f"sh:{step}"))
                await user.tap(data, user.last_with_buttons())
            updates += 1
    return updates / (time.perf_counter() - started)


async def main() -> None:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(token="1:bench", data_dir=Path(folder))
        api = FakeBotApi()
        app = await create_application(settings, request=api)
        await start_application(app, deliver=False)
        services = app.bot_data["services"]
        try:
            organiser = await fill(services.db, now)
            totals, computes = [], []
            async with services.db.read() as conn:
                needs = introductions._candidates(
                    await match_store.open_candidates(conn, organiser.id, "need"))
                offers = introductions._candidates(
                    await match_store.open_candidates(conn, organiser.id, "offer"))
            for _ in range(RUNS):
                start = time.perf_counter()
                found = await introductions.suggestions(services.db, organiser, now)
                totals.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                matching.suggest(needs, offers, now=now, open_matches={}, excluded=set())
                computes.append((time.perf_counter() - start) * 1000)
            rate = await questionnaires(app, api, SimulatedUser(app, api, 1, "Org"))
        finally:
            await close_application(app)
    print(f"circle: {RESIDENTS} residents, {NEEDS} needs, {OFFERS} offers; "
          f"{len(found)} suggestions, best score {found[0].score:.2f}")
    print(f"suggestions incl. loading from SQLite: p50 {statistics.median(totals):.1f} ms, "
          f"p99 {pct(totals, 0.99):.1f} ms ({RUNS} runs)")
    print(f"matching alone: p50 {statistics.median(computes):.2f} ms, "
          f"p99 {pct(computes, 0.99):.2f} ms")
    print(f"questionnaire: {QUESTIONNAIRES} residents x 8 updates, {rate:.0f} updates/s")


if __name__ == "__main__":
    asyncio.run(main())
