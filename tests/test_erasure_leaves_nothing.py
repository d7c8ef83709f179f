"""/forget erases a person everywhere: their rows, their name and words in messages to others,
ids in status fields, drafts, and the WAL. Checked by dumping every table and every file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.services import socialmap
from tests.fakes.harness import ROOT
from tests.fakes.journeys import join, make_invite, plan

FENNEKE, GERDINA, OMAR = 8_765_432, 7_654_321, 301
TRACES_OF_FENNEKE = ("Fenneke", "8765432", "0612345678", "belastingaangifte", "Ik ben ziek")
TRACES_OF_GERDINA = ("Gerdina", "7654321", "groet iedereen hartelijk")


async def everything(bot) -> str:
    """Every value of every table, and every byte of every file in the data folder."""
    parts = []
    tables = [r[0] for r in await bot.rows("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        for row in await bot.rows(f"SELECT * FROM {table}"):
            parts.append(f"{table}: " + " | ".join(str(v) for v in row))
    for path in Path(bot.settings.data_dir).rglob("*"):
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


async def forget(user) -> None:
    await user.send("/forget")
    await user.click("🗑")


async def test_forget_leaves_no_trace_of_a_resident_or_of_a_trainer(bot, cohort, admin):
    _, noor, _ = cohort
    await socialmap.import_file(bot.request(), ROOT / "examples" / "socialmap-zuidoost")
    gerdina = bot.user(GERDINA, "Gerdina")
    await join(gerdina, await make_invite(admin, "Trainer"))

    # Noor enters Fenneke by phone; Fenneke claims the record in Telegram.
    await noor.send("/intake")
    await noor.click("Nederlands")
    await noor.click("Ja")
    await noor.send("Fenneke")
    await noor.send("0612345678")
    await noor.click("📄 Formulieren en brieven")
    await noor.click("Volgende")
    await noor.send("Hulp bij de belastingaangifte")
    await noor.click("Nu even niets")
    await noor.click("Nu niet")
    claim = (await noor.click("Opslaan"))[-1]
    code = claim.text.split("start=", 1)[1].split()[0]
    fenneke = bot.user(FENNEKE, "Fenneke")
    await fenneke.send(f"/start {code}")
    await fenneke.send(claim.text.rsplit(": ", 1)[1].strip())  # the code Noor read out
    await fenneke.click("✅")

    # Omar offers help with forms; Noor introduces them; both agree; the follow-up comes.
    omar = bot.user(OMAR, "Omar")
    await join(omar, await make_invite(noor))
    await omar.send("/share")
    await omar.click("Volgende")
    await omar.click("📄 Formulieren en brieven")
    await omar.click("Volgende")
    await omar.click("Overslaan")
    await omar.click("Opslaan")
    await noor.send("/matches")
    await noor.click("Stel voor")
    await bot.deliver()
    await fenneke.click("Ja", message=fenneke.last_with_buttons())
    await omar.click("Ja", message=omar.last_with_buttons())
    await bot.deliver()
    assert any(f"tg://user?id={FENNEKE}" in m.text for m in omar.inbox)
    bot.clock.advance(days=8)
    await bot.tick()
    await fenneke.click(1, message=fenneke.last_with_buttons())  # it worked out
    await bot.deliver()

    # Gerdina plans a meeting for everyone; Fenneke cannot come because she is ill.
    await plan(gerdina, audience="Iedereen")
    bot.clock.now = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
    await bot.tick()
    await fenneke.click("kan niet", message=fenneke.last_with_buttons())
    await fenneke.click("ziek")
    await bot.deliver()
    assert any("Fenneke" in m.text and "ziek" in m.text for m in noor.inbox)  # her own

    # Noor hands another need of Fenneke's over to a service; the follow-up names her.
    await fenneke.send("/share")
    await fenneke.click("💶 Geld en schulden")
    await fenneke.click("Volgende")
    await fenneke.click("Overslaan")
    await fenneke.click("Nu even niets")
    await fenneke.click("Nu niet")
    await fenneke.click("Opslaan")
    await noor.send("/refer")
    await noor.click("Fenneke")
    await noor.click("Schuldhulp")
    await noor.send("Fenneke belt zelf maandag")
    bot.clock.advance(days=15)
    await bot.tick()
    assert "Fenneke" in noor.last.text

    # Gerdina records Noor's certificate: the step stays Noor's, without Gerdina's id.
    await gerdina.send("/certify")
    await gerdina.click("Noor")
    await gerdina.click("Leerlingcertificaat")

    # Gerdina broadcasts; then both use /forget.
    await gerdina.send("/broadcast")
    await gerdina.send("Gerdina groet iedereen hartelijk")
    await gerdina.click("Iedereen")
    await gerdina.click("Verstuur nu")
    await bot.tick()
    await fenneke.send("/share")  # a draft of her own, left unfinished
    await fenneke.click("🛒 Boodschappen")
    before = await everything(bot)
    assert all(trace in before for trace in TRACES_OF_FENNEKE + TRACES_OF_GERDINA)

    await forget(fenneke)
    await forget(gerdina)
    await bot.tick()
    after = await everything(bot)
    left = [trace for trace in TRACES_OF_FENNEKE + TRACES_OF_GERDINA if trace in after]
    assert left == [], [line for line in after.splitlines()
                        if any(trace in line for trace in left)][:10]
    # What others did stays: Omar's offer, Noor's series of events, the broadcast's counts.
    assert await bot.rows("SELECT count(*) FROM item") == [(1,)]
    assert (await bot.rows("SELECT total FROM broadcast"))[0][0] >= 3
    assert await bot.rows("SELECT stage, decided_by FROM stage_event") == [("apprentice", None)]


async def test_an_abandoned_intake_keeps_no_name_or_phone_after_two_weeks(bot, cohort):
    _, noor, _ = cohort
    await noor.send("/intake")
    await noor.click("Nederlands")
    await noor.click("Ja")
    await noor.send("Hanna Pietersma")
    await noor.send("0611223344")  # and then her bus arrives: the intake is never saved
    assert "Hanna Pietersma" in await everything(bot)

    bot.clock.advance(days=13)
    await bot.crash_and_restart()  # start-up forgets what is old, like the daily job
    assert "Hanna Pietersma" in await everything(bot)  # two weeks are not over yet

    bot.clock.advance(days=2)
    await bot.crash_and_restart()
    text = await everything(bot)
    assert "Hanna Pietersma" not in text and "0611223344" not in text
    await noor.send("/intake")  # a new intake starts from the beginning
    assert "Ga verder" not in " ".join(m.text for m in noor.inbox[-2:])
