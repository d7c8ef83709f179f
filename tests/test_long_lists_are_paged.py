"""Every list that can grow is paged, never cut: one page per message, "page 2 of 5" in its
text, ◀️ / ▶️ that put the next page in place of the same message, the buttons of the items on
that page, and nobody pages anyone else's list. A list that fits one page looks as before."""

from __future__ import annotations

import re
from datetime import timedelta

from bot.access import Role
from bot.flows import pages
from bot.services import membership, programme, sessions, sharing
from bot.simulator.api import SentMessage
from bot.storage import items as item_store
from bot.storage import people
from bot.storage import sessions as session_store
from tests.fakes.journeys import NOOR, join, make_invite

LINA, OMAR = 300, 301
PAGE = re.compile(r"Pagina (\d+) van (\d+)")
APOLOGY = "Sorry"


# data big enough to overflow one message ----------------------------------------------------
async def as_member(bot, telegram_id: int):
    """A service request as the member behind ``telegram_id``."""
    return bot.request(await membership.identify(bot.request(), telegram_id))


async def many_series(bot, count: int = 45) -> list[str]:
    """``count`` series for Noor, each with two logged sessions, one with a report."""
    req = await as_member(bot, NOOR)
    titles = []
    for n in range(1, count + 1):
        title = f"Reeks {n:02d} · naaien, koken en Nederlands oefenen in de Kraal"
        series_id = await sessions.create_series(req, sessions.SeriesDraft(
            title=title, themes=["skills"], place="Buurthuis De Kraal", planned=6))
        for days, report in ((1, "We leerden zomen."), (0, "")):
            await sessions.save_log(req, series_id=series_id, fields={
                "held_on": bot.clock.now.date() - timedelta(days=days), "attendance": 6,
                "report_text": report})
        titles.append(title)
    return titles


async def residents(bot, cohort):
    """Lina and Omar join Noor's circle."""
    _, noor, _ = cohort
    code = await make_invite(noor, uses=2)
    lina, omar = bot.user(LINA, "Lina"), bot.user(OMAR, "Omar")
    await join(lina, code)
    await join(omar, code)
    return lina, omar


async def share_many(bot, telegram_id: int, count: int, words: str) -> list[str]:
    """``count`` long needs and offers (near the 300 characters a text may have)."""
    req = await as_member(bot, telegram_id)
    codes = [c.code for c in await sharing.categories(req)]
    texts = [f"{words} {n:02d}: " + "ik zoek iemand die mee wil denken en helpen " * 6
             for n in range(1, count + 1)]
    await sharing.save(req, req.me.id, [
        sharing.DraftItem(kind=("need", "offer")[n % 2], category=codes[n % len(codes)],
                          text=text) for n, text in enumerate(texts)])
    return [sharing.clean_text(t)[0] for t in texts]


# reading as a person would --------------------------------------------------------------------
def page_of(message: SentMessage) -> tuple[int, int]:
    found = PAGE.search(message.text)
    assert found, message.text[-200:]
    return int(found[1]), int(found[2])


async def walk(user, message: SentMessage) -> list[str]:
    """Every page, by tapping ▶️ until there is none; each replaces the same message."""
    sent = len(user.inbox)
    texts = [message.text]
    while any(label == pages.ON for label, _ in message.buttons):
        await user.click(pages.ON, message=message)
        assert len(user.inbox) == sent, "a page button sent a new message instead of editing"
        assert message.text != texts[-1]
        texts.append(message.text)
    assert len(texts) == page_of(message)[1]
    assert [page_of_text(t) for t in texts] == list(range(1, len(texts) + 1))
    return texts


def page_of_text(text: str) -> int:
    return int(PAGE.search(text)[1])


def every_text_fits(bot) -> None:
    """Each text the bot sent or put in place of another (the harness sees only the last
    version of an edited message) fits Telegram's 4,096 characters."""
    texts = [p["text"] for method, p in bot.api.calls
             if method in ("sendMessage", "editMessageText")]
    assert texts and max(pages.size(str(t)) for t in texts) <= 4096
    assert not any(str(t).startswith(APOLOGY) for t in texts)  # no handler crashed


# /payments ------------------------------------------------------------------------------------
async def test_payments_of_45_series_are_paged_in_place(bot, cohort):
    trainer, noor, _ = cohort
    titles = await many_series(bot)
    statement = (await noor.send("/payments"))[-1]
    assert page_of(statement)[0] == 1 and statement.buttons[-1] == (pages.ON, "ls:pg:2")
    # Above the page buttons, the reports of the series on this page only.
    assert all(label.startswith("📝") for label, _ in statement.buttons[:-1])
    texts = await walk(noor, statement)
    assert len(texts) > 2
    seen = "\n".join(texts)
    assert all(seen.count(f"📚 {title}") == 1 for title in titles)  # each once, none lost
    assert "€ 40,00" in texts[-1].replace("\xa0", " ")
    await noor.click(pages.BACK, message=statement)
    assert page_of(statement)[0] == len(texts) - 1
    every_text_fits(bot)

    # The trainers' list: pay buttons only for the series on the page shown.
    overview = (await trainer.send("/payments"))[-1]
    await trainer.click(pages.ON, message=overview)
    assert page_of(overview)[0] == 2
    pay = [(label, data) for label, data in overview.buttons if data.startswith("ls:pay:")]
    assert pay and all(label.split(": ", 1)[1] in overview.text for label, _ in pay)
    series_id = int(pay[0][1].split(":")[2])
    await trainer.click(pay[0][0], message=overview)
    assert "Betaald gemarkeerd: € 40,00" in trainer.last.text.replace("\xa0", " ")
    assert page_of(overview)[0] == 2  # the same page, redrawn without that button
    assert pay[0][1] not in [data for _, data in overview.buttons]
    assert await bot.rows("SELECT series_id, amount_cents FROM payment") == [(series_id, 4000)]
    every_text_fits(bot)


async def test_table_shows_every_kwartiermaker_and_series_page_by_page(bot, cohort):
    trainer, _, _ = cohort
    titles = await many_series(bot)
    table = (await trainer.send("/table"))[-1]
    assert ("📄 CSV", "vo:csv") in table.buttons
    texts = await walk(trainer, table)
    seen = "\n".join(texts)
    assert all(seen.count(f"{title}: 2/6 sessies") == 1 for title in titles)
    assert "👤 Amal" in seen  # the last kwartiermaker is there too, not cut off
    assert ("📄 CSV", "vo:csv") in table.buttons  # the exports stay under every page
    every_text_fits(bot)


# /mine ----------------------------------------------------------------------------------------
async def test_a_resident_with_many_long_items_reaches_and_withdraws_each(bot, cohort):
    lina, _ = await residents(bot, cohort)
    texts = await share_many(bot, LINA, 16, "Lina")
    listing = (await lina.send("/mine"))[-1]
    # Page 1 holds the buttons of the items on page 1 only.
    first = {int(label.split()[1]) for label, _ in listing.buttons if label.startswith("🗑")}
    assert first == {int(n) for n in re.findall(r"^(\d+)\. ", listing.text, re.M)}
    seen = "\n".join(await walk(lina, listing))
    assert all(seen.count(text) == 1 for text in texts)

    await lina.tap("it:pg:2", listing)
    assert page_of(listing)[0] == 2
    label, data = next((lb, d) for lb, d in listing.buttons if lb.startswith("🗑"))
    number = int(label.split()[1])
    assert number not in first and f"\n{number}. " in listing.text
    await lina.click(label, message=listing)
    assert "Ingetrokken" in lina.last.text
    item_id = int(data.split(":")[2])
    assert await bot.rows("SELECT status FROM item WHERE id = ?", item_id) == [("withdrawn",)]
    every_text_fits(bot)


async def test_nobody_pages_someone_elses_list(bot, cohort):
    trainer, noor, amal = cohort
    lina, omar = await residents(bot, cohort)
    await share_many(bot, LINA, 16, "Lina")
    await share_many(bot, OMAR, 2, "Omar")
    listing = (await lina.send("/mine"))[-1]
    before = listing.text

    # Omar forges a page tap on Lina's message: he sees his own list, and hers stays as it was.
    await omar.tap("it:pg:2", listing)
    assert listing.text == before and listing.edits == 0
    assert omar.inbox and all("Lina" not in m.text for m in omar.inbox)
    assert "Omar 01" in omar.last.text
    assert all("Omar" not in m.text for m in lina.inbox)  # nor his in her chat
    # On his own one-page list, any page number is his only page.
    mine = (await omar.send("/mine"))[-1]
    await omar.tap("it:pg:7", mine)
    assert "Omar 02" in mine.text and not PAGE.search(mine.text)
    assert all("Lina" not in m.text for m in omar.inbox)

    # A stale or garbled page number is clamped, never a crash.
    await lina.tap("it:pg:999999", listing)
    last_page, count = page_of(listing)
    assert last_page == count > 1
    await lina.tap("it:pg:abc", listing)
    assert page_of(listing)[0] == 1

    # Someone whose role has no such list is refused; a kwartiermaker pages only her own.
    await trainer.tap("it:pg:2", trainer.last)
    assert bot.api.callback_answers[-1].get("show_alert") is True
    await many_series(bot, 20)
    await amal.tap("ls:pg:2", amal.last)
    assert "Reeks" not in amal.last.text
    every_text_fits(bot)
    del noor


# /vouchers and /voucher -----------------------------------------------------------------------
async def test_many_vouchers_are_one_paged_list_decided_in_place(bot, cohort):
    trainer, noor, _ = cohort
    req = await as_member(bot, NOOR)
    purposes = [f"Bon {n:02d}: " + "stof, garen, naalden en een strijkijzer voor de groep " * 5
                for n in range(1, 31)]
    # Thirty requests waiting at once (a kwartiermaker asks one at a time: tests/test_rounds.py)
    async with bot.db.tx() as conn:
        for n, purpose in enumerate(purposes, start=1):
            await session_store.insert_voucher(conn, organiser_id=req.me.id, series_id=None,
                                               amount_cents=100 * n,
                                               purpose=purpose[:programme.PURPOSE_MAX],
                                               now=bot.clock.now)
    sent = len(trainer.inbox)
    listing = (await trainer.send("/vouchers"))[-1]
    assert len(trainer.inbox) == sent + 1  # one message, not thirty cards
    seen = "\n".join(await walk(trainer, listing))
    assert all(seen.count(p[:programme.PURPOSE_MAX]) == 1 for p in purposes)

    await trainer.tap("vo:vp:2", listing)
    approve = next(d for label, d in listing.buttons if label.startswith("✅"))
    await trainer.tap(approve, listing)
    assert "Goedgekeurd" in trainer.last.text
    assert page_of(listing)[0] == 2  # redrawn: that voucher now waits to be paid
    voucher_id = int(approve.split(":")[2])
    assert f"vo:paid:{voucher_id}:2" in [d for _, d in listing.buttons]

    label, reject = next((lb, d) for lb, d in listing.buttons if lb.startswith("✖️"))
    line = next(x for x in listing.text.splitlines() if x.startswith(f"{label.split()[1]}. "))
    await trainer.tap(reject, listing)
    assert not listing.buttons  # while the reason is asked
    await trainer.send("Past beter bij het buurtbudget.")
    assert "Afgewezen" in trainer.last.text
    # The page comes back, without the rejected voucher, with its buttons.
    assert page_of(listing)[0] == 2 and line.split(":")[1] not in listing.text
    assert pages.BACK in [lb for lb, _ in listing.buttons]
    status = "SELECT status FROM voucher WHERE id = ?"
    assert await bot.rows(status, voucher_id) == [("approved",)]
    assert await bot.rows(status, int(reject.split(":")[2])) == [("rejected",)]

    # Noor's own list under /voucher is paged too, while she is asked for an amount.
    replies = await noor.send("/voucher")
    mine = next(m for m in replies if m.text.startswith("Je waardebonnen:"))
    await noor.click(pages.ON, message=mine)
    assert page_of(mine)[0] == 2
    await noor.send("120")
    assert "Waarvoor" in noor.last.text  # the request goes on
    every_text_fits(bot)


# /overview ------------------------------------------------------------------------------------
async def test_overview_of_many_kwartiermakers_is_paged(bot, cohort):
    trainer, _, _ = cohort
    names = [f"Kwartiermaker {n:02d} van de Bijlmer-Oost" for n in range(1, 41)]
    async with bot.db.tx() as conn:
        codes = [c.code for c in await item_store.categories(conn)]
        for n, name in enumerate(names):
            organiser = await people.insert(
                conn, telegram_id=5000 + n, display_name=name, role=Role.ORGANISER,
                language="nl", consent_version="1", now=bot.clock.now, invited_by=None)
            resident = await people.insert(
                conn, telegram_id=6000 + n, display_name=f"Bewoner {n}", role=Role.RESIDENT,
                language="nl", consent_version="1", now=bot.clock.now,
                invited_by=organiser.id)
            for kind in ("need", "offer"):
                for code in codes[:4]:
                    await item_store.insert(conn, person_id=resident.id, kind=kind,
                                            category=code, text="", voice_file_id=None,
                                            voice_seconds=None, entered_by=resident.id,
                                            now=bot.clock.now)
    overview = (await trainer.send("/overview"))[-1]
    seen = "\n".join(await walk(trainer, overview))
    assert all(seen.count(f"👤 {name}") == 1 for name in names)
    every_text_fits(bot)


# what did not change --------------------------------------------------------------------------
async def test_lists_that_fit_one_page_look_as_before(bot, cohort):
    trainer, noor, _ = cohort
    lina, _ = await residents(bot, cohort)
    await share_many(bot, LINA, 2, "Lina")
    listing = (await lina.send("/mine"))[-1]
    assert not PAGE.search(listing.text)
    assert [label for label, _ in listing.buttons] == ["✏️ 1", "🗑 1", "✅ 1", "✏️ 2", "🗑 2"]
    await many_series(bot, 2)
    assert [data for _, data in (await noor.send("/payments"))[-1].buttons] == [
        "ls:rep:1", "ls:rep:2"]  # no page buttons: only each series' reports
    await programme.request_voucher(await as_member(bot, NOOR), amount_cents=5000,
                                    purpose="Stof", series_id=None)
    card = (await trainer.send("/vouchers"))[-1]
    assert card.text.startswith("🎟 Noor:") and "Goedkeuren" in card.buttons[0][0]


def test_an_entry_longer_than_a_page_is_shortened_visibly():
    from datetime import UTC

    from bot.i18n import Translations
    from tests.fakes.harness import ROOT

    t = Translations(ROOT / "locales", UTC).for_language("nl")
    shown = pages.page(t, ["🤲" * 5000, "kort"], head=["Kop"])
    assert shown.count == 2 and shown.text.endswith("…\n\nPagina 1 van 2")
    assert pages.size(shown.text) <= pages.BUDGET

