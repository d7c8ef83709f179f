"""A kwartiermaker makes one resident's offer a group activity (report §4.4.3: neighbours who
wanted to learn to cook were taught as a group) and invites several residents with the same
need. Each is asked in their own language; the offerer once for the group. Names go only
between the offerer and each participant who both said yes; participants never learn each
other's names. One follow-up each, one for the offerer. Outsiders, forged and stale taps,
and withdrawn needs take part in nothing; /forget leaves no trace of the group."""

from __future__ import annotations

import copy
import json

import pytest

from bot import access
from bot.services import groups
from bot.storage import people
from tests.fakes.journeys import join, make_invite
from tests.test_erasure_leaves_nothing import everything, forget
from tests.test_organiser_matches_and_introduces import share

LINA, OMAR, GERDINA, ELIF, BRAM, SAM, FENNEKE = 300, 301, 302, 303, 304, 305, 306
COOKING_NL, COOKING_AR, COOKING_TR = "🍲 Koken en eten", "🍲 الطبخ والأكل", "🍲 Yemek ve mutfak"


@pytest.fixture
async def kitchen(bot, cohort):
    """Omar offers cooking; Lina (Arabic), Gerdina (Dutch), Elif (Turkish) and Bram need it,
    all in Noor's circle; Sam needs it too, in Amal's circle."""
    _, noor, amal = cohort
    code = await make_invite(noor, uses=2)
    omar = bot.user(OMAR, "Omar")
    await join(omar, code)
    await share(omar, None, COOKING_NL)
    residents = {"omar": omar}
    for name, user_id, language, label in (("lina", LINA, "العربية", COOKING_AR),
                                           ("gerdina", GERDINA, "Nederlands", COOKING_NL),
                                           ("elif", ELIF, "Türkçe", COOKING_TR),
                                           ("bram", BRAM, "Nederlands", COOKING_NL)):
        user = bot.user(user_id, name.capitalize())
        await join(user, code, language)
        await share(user, label, None)
        residents[name] = user
    sam = bot.user(SAM, "Sam")
    await join(sam, await make_invite(amal))
    await share(sam, COOKING_NL, None)
    residents.update(noor=noor, amal=amal, sam=sam)
    return residents


async def item_of(bot, telegram_id: int) -> tuple[int, str]:
    rows = await bot.rows("SELECT i.id, i.status FROM item i JOIN person p"
                          " ON p.id = i.person_id WHERE p.telegram_id = ?", telegram_id)
    return rows[0]


async def open_group(noor, places: str) -> None:
    """/circle → 👥 Group activity → Omar's offer → the number of places."""
    await noor.send("/circle")
    await noor.click("Groepsactiviteit")
    await noor.click("Omar")
    await noor.click(places)


def ticked(message) -> list[str]:
    return [label for label, _ in message.buttons if label.startswith("✅")]


def seen(user) -> str:
    """Every text and button label this person was shown."""
    return "\n".join(m.text + " " + " ".join(label for label, _ in m.buttons)
                     for m in user.inbox)


def said(user, words: str) -> int:
    """How many messages this person got with these words."""
    return sum(words in m.text for m in user.inbox)


def with_buttons(user, prefix: str) -> list:
    return [m for m in user.inbox if any(data.startswith(prefix + ":") for _, data in m.buttons)]


async def test_a_group_offer_introduces_three_residents(bot, kitchen):
    noor, omar, lina, gerdina, elif_, bram, sam = (kitchen[k] for k in (
        "noor", "omar", "lina", "gerdina", "elif", "bram", "sam"))
    bram_need, _ = await item_of(bot, BRAM)
    omar_offer, _ = await item_of(bot, OMAR)

    # Another circle's kwartiermaker cannot reach Omar's offer, whatever the button says.
    await kitchen["amal"].tap(f"gr:o:{omar_offer}", kitchen["amal"].last)
    assert bot.api.callback_answers[-1].get("show_alert") is True

    await noor.send("/matches")
    card = copy.deepcopy(noor.last_with_buttons())  # a suggestion Omar ↔ someone, kept
    await noor.send("/circle")
    await noor.click("Groepsactiviteit")
    assert [label for label, _ in noor.last.buttons][:-1] == ["🎁 Omar · 🍲 Koken en eten"]
    await noor.click("Omar")
    assert "Hoeveel mensen" in noor.last.text
    await noor.click("4")
    grid = noor.last_with_buttons()
    assert "Wie nodig je uit voor deze groep (🍲 Koken en eten)?" in grid.text
    assert "Vink hoogstens 4 mensen aan." in grid.text
    names = " ".join(label for label, _ in grid.buttons)
    assert all(n in names for n in ("Lina", "Gerdina", "Elif", "Bram"))
    assert "Sam" not in names and "Omar" not in names  # another circle; the offerer himself
    for name in ("Bram", "Lina", "Gerdina", "Elif"):
        await noor.click(name, message=grid)
    assert len(ticked(grid)) == 4

    # Bram withdraws his need while the list is open: he is never invited.
    await bram.send("/mine")
    await bram.click("🗑 1")
    await noor.click("Nodig uit", message=grid)
    assert "niet meer open" in noor.inbox[-2].text
    again = noor.last_with_buttons()
    assert "Bram" not in seen_labels(again) and len(ticked(again)) == 3
    generation = again.buttons[0][1].rsplit(":", 1)[1]
    await noor.tap(f"gr:pk:{bram_need}:1:{generation}", again)  # a forged tick
    assert len(ticked(noor.last_with_buttons())) == 3
    noor_person = await person(bot, noor.user_id)
    with pytest.raises(access.AccessDenied):  # the service itself refuses a withdrawn need
        await groups.invite(bot.request(noor_person), omar_offer, 4, [bram_need])
    await noor.click("Nodig uit", message=again)
    done = noor.last.text
    assert "3 buren kregen een vraag in de eigen taal." in done
    assert "Omar krijgt één vraag, voor de hele groep." in done
    assert await bot.rows("SELECT count(*) FROM group_seat") == [(3,)]
    await noor.click("Stel voor", message=card)  # one to one, with a group offer: refused
    assert "nu een groepsactiviteit" in bot.api.callback_answers[-1]["text"]
    assert await bot.rows("SELECT count(*) FROM match") == [(0,)]

    await bot.deliver()
    question_ar = copy.deepcopy(lina.last)
    assert COOKING_AR in question_ar.text and "Omar" not in question_ar.text
    assert "Goed nieuws: een buur biedt 🍲 Koken en eten aan voor een kleine groep." in (
        gerdina.last.text)
    assert "De anderen in de groep krijgen jouw naam niet." in gerdina.last.text
    assert COOKING_TR in elif_.last.text and "Omar" not in elif_.last.text
    assert len(with_buttons(omar, "gh")) == 1  # the offerer is asked once, for the group
    assert "Zij krijgen elkaars namen niet." in omar.last.text
    assert not any(n in seen(omar) for n in ("Lina", "Gerdina", "Elif"))

    before = len(noor.inbox)
    await lina.click("✅")
    await lina.click("✅", message=question_ar)  # a double tap: one answer, one notice
    await gerdina.click("Ja, delen")
    await elif_.click("✖️")
    # Outsiders and forged buttons: refused with a translated alert, nothing stored.
    lina_seat = question_ar.buttons[0][1].split(":")[1]
    await sam.tap(f"ga:{lina_seat}:0", question_ar)
    assert "Dit kan niet in jouw rol" in bot.api.callback_answers[-1]["text"]
    group_id = with_buttons(omar, "gh")[0].buttons[0][1].split(":")[1]
    await gerdina.tap(f"gh:{group_id}:1", gerdina.last)
    assert bot.api.callback_answers[-1].get("show_alert") is True
    await omar.click("Ja, delen")
    assert "Wie ja zegt, krijgt jouw contact" in omar.last.text
    await bot.deliver()

    # Names only between Omar and the two who said yes; never between participants.
    assert f"tg://user?id={LINA}" in seen(omar) and f"tg://user?id={GERDINA}" in seen(omar)
    assert "Elif" not in seen(omar) and str(ELIF) not in seen(omar)
    assert f"tg://user?id={OMAR}" in lina.last.text and "Omar" in lina.last.text
    assert f"tg://user?id={OMAR}" in gerdina.last.text
    for user, others in ((lina, ("Gerdina", "Elif")), (gerdina, ("Lina", "Elif")),
                         (elif_, ("Omar", "Lina", "Gerdina"))):
        assert not any(other in seen(user) for other in others), user.first_name
    notices = [m.text for m in noor.inbox[before:]]
    assert notices == ["Lina zei ja tegen de groep van Omar (🍲 Koken en eten).",
                       "Gerdina zei ja tegen de groep van Omar (🍲 Koken en eten).",
                       "Elif zei nee tegen de groep van Omar (🍲 Koken en eten).",
                       "Omar zei ja tegen een groep voor 🍲 Koken en eten."]
    statuses = {uid: (await item_of(bot, uid))[1] for uid in (LINA, GERDINA, ELIF, OMAR, BRAM)}
    assert statuses == {LINA: "matched", GERDINA: "matched", ELIF: "open", OMAR: "open",
                        BRAM: "withdrawn"}  # two of four places taken: the offer stays open
    assert "Nu geen voorstellen" in (await noor.send("/matches"))[-1].text  # not one to one

    # One follow-up to each who joined, exactly one to Omar for the group.
    bot.clock.advance(days=7)
    assert await bot.tick() == 3
    bot.clock.advance(days=7)
    assert await bot.tick() == 0
    assert [len(with_buttons(u, "gf")) for u in (lina, gerdina, elif_)] == [1, 1, 0]
    assert len(with_buttons(omar, "gk")) == 1 and len(with_buttons(omar, "gf")) == 0
    before = len(noor.inbox)
    omar_follow_up = copy.deepcopy(with_buttons(omar, "gk")[0])
    await lina.click("👍")
    await gerdina.click("👎")
    await omar.click("👍")
    await omar.click("👎", message=omar_follow_up)  # settled once
    assert "niet meer mogelijk" in bot.api.callback_answers[-1]["text"]
    await bot.deliver()
    assert [m.text for m in noor.inbox[before:]] == [
        "Lina over 🍲 Koken en eten: het is gelukt.",
        "Gerdina over 🍲 Koken en eten: het is niet gelukt.",
        "Omar over de groep voor 🍲 Koken en eten: het is gelukt."]
    statuses = {uid: (await item_of(bot, uid))[1] for uid in (LINA, GERDINA, OMAR)}
    assert statuses == {LINA: "solved", GERDINA: "open", OMAR: "open"}

    # Places came free: the group takes more people, who are asked; Omar is not asked again,
    # nor followed up again, and learns only the newcomer's name.
    fenneke = bot.user(FENNEKE, "Fenneke")
    await join(fenneke, await make_invite(noor))
    await share(fenneke, COOKING_NL, None)
    await noor.send("/circle")
    await noor.click("Groepsactiviteit")
    assert "3 van 4 plekken vrij" in noor.last.buttons[0][0]
    await noor.click("Omar")  # a group already: no places asked
    grid = noor.last_with_buttons()
    assert [label for label, _ in grid.buttons][:-2] == ["▫️ Fenneke · 🍲 Koken en eten"]
    await noor.click("Fenneke", message=grid)
    done = (await noor.click("Nodig uit", message=grid))[-1].text
    assert "1 buur kreeg een vraag" in done and "Omar krijgt" not in done
    await bot.deliver()
    before = len(noor.inbox)
    await fenneke.click("Ja, delen")
    assert "Jullie zeiden allebei ja" in fenneke.last.text
    await bot.deliver()
    assert said(omar, "Een paar buren kunnen je hulp gebruiken") == 1
    assert f"tg://user?id={FENNEKE}" in omar.last.text and "Lina" not in omar.last.text
    assert f"tg://user?id={OMAR}" in fenneke.last.text
    assert not any(n in seen(fenneke) for n in ("Lina", "Gerdina", "Elif"))
    assert [m.text for m in noor.inbox[before:]] == [
        "Fenneke zei ja tegen de groep van Omar (🍲 Koken en eten)."]
    bot.clock.advance(days=7)
    assert await bot.tick() == 1  # Fenneke's own follow-up; the group's was asked already
    assert len(with_buttons(fenneke, "gf")) == 1
    assert said(omar, "Een paar dagen geleden begon je groep") == 1


def seen_labels(message) -> str:
    return " ".join(label for label, _ in message.buttons)


async def person(bot, telegram_id: int):
    async with bot.db.read() as conn:
        return await people.by_telegram_id(conn, telegram_id)


async def test_ticks_stop_at_the_free_places_and_a_full_group_closes_the_offer(bot, kitchen):
    noor, omar, lina, gerdina = (kitchen[k] for k in ("noor", "omar", "lina", "gerdina"))
    needs = [(await item_of(bot, uid))[0] for uid in (LINA, GERDINA, ELIF)]
    omar_offer, _ = await item_of(bot, OMAR)
    with pytest.raises(groups.GroupClosed):  # three for two places: refused, nothing made
        await groups.invite(bot.request(await person(bot, noor.user_id)), omar_offer, 2, needs)
    assert await bot.rows("SELECT count(*) FROM group_offer") == [(0,)]
    await open_group(noor, "2")
    grid = noor.last_with_buttons()
    for name in ("Lina", "Gerdina", "Elif"):
        await noor.click(name, message=grid)
    assert len(ticked(grid)) == 2 and "Elif" not in " ".join(ticked(grid))
    await noor.click("Nodig uit", message=grid)
    await bot.deliver()
    await omar.click("Ja, delen")
    await lina.click("✅")
    await gerdina.click("Ja, delen")
    await bot.deliver()
    assert (await item_of(bot, OMAR))[1] == "matched"  # every place taken
    await noor.send("/circle")
    await noor.click("Groepsactiviteit")
    assert "Er is nu geen aanbod in je kring" in noor.last.text
    # Omar learned both names in two messages; the offer is back once a place is free.
    assert sum(f"tg://user?id={uid}" in seen(omar) for uid in (LINA, GERDINA)) == 2
    bot.clock.advance(days=7)
    await bot.tick()
    await gerdina.click("👎")
    assert (await item_of(bot, OMAR))[1] == "open"
    assert (await item_of(bot, GERDINA))[1] == "open"


async def test_the_offerer_says_no_and_nobody_learns_a_name(bot, kitchen):
    noor, omar, lina, gerdina = (kitchen[k] for k in ("noor", "omar", "lina", "gerdina"))
    await noor.send("/matches")  # from a suggestion's button, straight to the places
    await noor.click("Groepsactiviteit")
    await noor.click("3")
    grid = noor.last_with_buttons()
    await noor.click("Lina", message=grid)
    await noor.click("Gerdina", message=grid)
    await noor.click("Nodig uit", message=grid)
    await bot.deliver()
    before = len(noor.inbox)
    await lina.click("✅")
    question = copy.deepcopy(with_buttons(omar, "gh")[0])
    await omar.click("Nee, dank je")
    await omar.click("Ja, delen", message=question)  # too late to change
    assert "We hadden je antwoord al." in omar.last.text
    await gerdina.click("Ja, delen")  # the group is off: said plainly, nothing stored
    assert "niet meer mogelijk" in bot.api.callback_answers[-1]["text"]
    await bot.deliver()
    assert [m.text for m in noor.inbox[before:]] == [
        "Lina zei ja tegen de groep van Omar (🍲 Koken en eten).",
        "Omar zei nee tegen een groep voor 🍲 Koken en eten. Niemand krijgt namen."]
    assert "Omar" not in seen(lina) and "Omar" not in seen(gerdina)
    assert "Lina" not in seen(omar) and "Gerdina" not in seen(omar)
    assert (await item_of(bot, LINA))[1] == "open"
    await noor.send("/matches")  # no longer a group: suggested one to one again
    assert "Omar" in noor.last_with_buttons().text


async def test_forget_leaves_no_trace_of_a_participant_or_the_offerer(bot, kitchen):
    noor, omar, lina, gerdina = (kitchen[k] for k in ("noor", "omar", "lina", "gerdina"))
    await open_group(noor, "3")
    grid = noor.last_with_buttons()
    await noor.click("Lina", message=grid)
    await noor.click("Gerdina", message=grid)
    await noor.click("Nodig uit", message=grid)
    await bot.deliver()
    await lina.click("✅")
    await gerdina.click("Ja, delen")
    await omar.click("Ja, delen")
    await bot.deliver()
    mine = json.loads((await lina.send("/mydata"))[-1].file_bytes)
    assert [(g["part"], g["category"], g["status"]) for g in mine["group_activities"]] == [
        ("participant", "cooking", "agreed")]
    assert "Omar" not in json.dumps(mine, ensure_ascii=False)
    offered = json.loads((await omar.send("/mydata"))[-1].file_bytes)["group_activities"]
    assert [(g["part"], g["places"], g["answer"]) for g in offered] == [("offerer", 3, "yes")]
    assert "Groepsactiviteiten: 1" in omar.inbox[-2].text
    text = await everything(bot)
    assert "Lina" in text and "Omar" in text

    await noor.send("/circle")  # Noor is halfway through inviting more to Omar's group
    await noor.click("Groepsactiviteit")
    await noor.click("Omar")
    assert "Wie nodig je uit" in noor.last.text
    for user, traces in ((lina, ("Lina", f"tg://user?id={LINA}")),  # Omar stays, for now
                         (omar, ("Omar", f"tg://user?id={OMAR}"))):
        await forget(user)
        await bot.tick()
        text = await everything(bot)
        left = [trace for trace in traces if trace in text]
        assert left == [], [line for line in text.splitlines()
                            if any(t in line for t in left)][:5]
    assert await bot.rows("SELECT count(*) FROM group_offer") == [(0,)]
    assert await bot.rows("SELECT count(*) FROM group_seat") == [(0,)]
    assert "Gerdina" in seen(noor)  # what is Gerdina's own stays with her kwartiermaker


async def test_an_offerer_entered_by_phone_is_not_asked_until_they_claim(bot, cohort):
    _, noor, _ = cohort
    await noor.send("/intake")
    await noor.click("Nederlands")
    await noor.click("Ja")
    await noor.send("Meneer Kees")
    await noor.send("0611112222")
    await noor.click("Volgende")  # no need; an offer: cooking
    await noor.click(COOKING_NL)
    await noor.click("Volgende")
    await noor.click("Overslaan")
    await noor.click("Opslaan")
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await share(lina, COOKING_NL, None)
    await noor.send("/circle")
    await noor.click("Groepsactiviteit")
    await noor.click("Kees")
    assert "nog niet op Telegram" in noor.last.text
    assert await bot.rows("SELECT count(*) FROM group_offer") == [(0,)]
    assert "Kees" not in seen(lina)
