"""A co-hosted series says who is paid (one of the two, or half each), and each host sees and
is paid their own part; a kwartiermaker lets a supporter (a trainer or another kwartiermaker)
write their logs, and every log keeps who wrote it."""

from __future__ import annotations

from tests.fakes.journeys import TRAINER, join, make_invite
from tests.test_kwartiermaker_logs_a_series import amal_logs, log


async def new_series(noor, fee: str | None) -> list:
    await noor.send("/series")
    await noor.send("Kookclub")
    await noor.click("🎨 Vaardigheden delen")
    await noor.click("Volgende")
    await noor.click("Nog geen plek")
    await noor.click("6")
    if fee is None:
        return await noor.click("Geen medeorganisator")
    await noor.click("Amal")
    return await noor.click(fee)


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


async def test_half_each_shows_and_pays_each_host_their_part(bot, cohort):
    trainer, noor, amal = cohort
    await noor.send("/series")
    await noor.send("Naaiclub")
    await noor.click("🎨 Vaardigheden delen")
    await noor.click("Volgende")
    await noor.click("Nog geen plek")
    await noor.click("6")
    asked = await noor.click("Amal")
    assert asked[-1].text == "Wie krijgt de vergoeding voor de sessies?"
    assert [label for label, _ in asked[-1].buttons][:3] == ["Ik", "Ieder de helft", "Amal"]
    await noor.click("Ieder de helft")
    await bot.deliver()  # Amal hears she co-hosts it, in Arabic, and how the fee is shared
    assert "أنشأ Noor السلسلة \"Naaiclub\" وينظّمها معك" in amal.last.text
    assert "المكافأة مقسومة: النصف لك والنصف لـ Noor." in amal.last.text
    await log(noor)  # one session with a report: € 40
    bot.clock.advance(days=1)
    await amal_logs(bot, amal)  # the co-host logs the next one: € 80 in all

    mine = plain((await noor.send("/payments"))[-1].text)
    assert "De vergoeding wordt gedeeld: de helft voor jou, de helft voor Amal." in mine
    assert "Verdiend € 40,00 · betaald € 0,00 · te goed € 40,00" in mine

    overview = plain((await trainer.send("/payments"))[-1].text)
    assert "↳ Noor: verdiend € 40,00, te goed € 40,00" in overview
    assert "↳ Amal: verdiend € 40,00, te goed € 40,00" in overview
    await trainer.click("betaald: Naaiclub")  # "€ 80,00 betaald: Naaiclub"
    assert await bot.rows("SELECT part, amount_cents FROM payment ORDER BY part") == [
        ("cohost", 4000), ("host", 4000)]
    theirs = plain((await amal.send("/payments"))[-1].text)
    assert "المكتسب 40.00 € · المدفوع 40.00 € · المتبقي 0.00 €" in theirs  # her own part


async def test_the_whole_fee_can_go_to_the_cohost(bot, cohort):
    _, noor, _ = cohort
    await new_series(noor, "Amal")
    await log(noor)
    mine = plain((await noor.send("/payments"))[-1].text)
    assert "De vergoeding gaat naar Amal." in mine
    assert "Verdiend € 0,00 · betaald € 0,00 · te goed € 0,00" in mine
    assert await bot.rows("SELECT cohost_share FROM series") == [(100,)]


async def test_a_supporter_logs_for_a_kwartiermaker_and_the_log_says_who_wrote_it(
        bot, cohort):
    trainer, noor, _ = cohort
    await new_series(noor, None)
    assert "Nog geen kwartiermaker heeft je gevraagd" in (await trainer.send("/log"))[-1].text
    assert "Dit kan niet in jouw rol" in (await trainer.send("/series"))[-1].text

    await noor.send("/supporter")
    done = await noor.click("Tessa")
    assert "Tessa mag nu de sessies van \"Kookclub\" vastleggen" in done[-1].text
    await bot.deliver()
    assert "Noor vraagt je te helpen de sessies van \"Kookclub\" vast te leggen" in \
        trainer.last.text

    await log(trainer, report="Tien buren, we kookten soep.")
    await bot.deliver()
    assert noor.last.text.startswith("📝 Tessa heeft de sessie van ") and \
        noor.last.text.endswith(" van \"Kookclub\" voor je gelogd.")
    assert await bot.rows("SELECT p.display_name FROM table_session s JOIN person p"
                          " ON p.id = s.logged_by") == [("Tessa",)]
    await noor.send("/payments")
    shown = await noor.click("📝")
    assert any("✍️ Geschreven door Tessa" in m.text and "soep" in m.text for m in shown)
    assert "€ 40,00" in plain((await noor.send("/payments"))[-1].text)  # the fee is Noor's

    outsider = bot.user(TRAINER + 77, "Jet")  # another kwartiermaker, not asked
    await join(outsider, await make_invite(trainer))
    await outsider.send("/log")
    await outsider.tap("ls:ser:1", outsider.last)  # forged: Noor's series
    assert await bot.rows("SELECT count(*) FROM table_session") == [(1,)]

    await noor.send("/supporter")
    undone = await noor.click("✅ Tessa")
    assert "Tessa legt de sessies van \"Kookclub\" niet meer vast." in undone[-1].text
    assert "Nog geen kwartiermaker heeft je gevraagd" in (await trainer.send("/log"))[-1].text


async def test_only_a_host_chooses_supporters(bot, cohort):
    _, noor, amal = cohort
    await new_series(noor, None)
    resident = bot.user(300, "Lina")
    await join(resident, await make_invite(noor))
    await noor.send("/supporter")
    await noor.tap("sp:who:" + str(await bot.rows(
        "SELECT id FROM person WHERE display_name = 'Lina'"))[0][0], noor.last_with_buttons())
    assert await bot.rows("SELECT count(*) FROM series_supporter") == [(0,)]  # not a resident
    await amal.send("/supporter")  # Amal hosts no series: pointed to /series, nothing asked
    assert "/series" in amal.last.text and not amal.last.buttons
