"""Every command and every button is checked on the server for the role of who is asking."""

from __future__ import annotations

import pytest

from bot import callbacks as cb
from bot.simulator import SentMessage
from tests.fakes.journeys import join, make_invite

COMMANDS = ["help", "invite", "invites", "language", "mydata", "forget", "agenda", "event",
            "events", "attendance", "broadcast", "share", "mine", "intake", "circle", "matches",
            "overview", "series", "log", "correct", "payments", "voucher", "logbook", "vouchers",
            "certify", "table", "find", "refer", "mapkeep", "prompts", "progress", "supporter",
            "round"]
BASE = {"help", "language", "mydata", "forget", "agenda", "find"}
ORGANISE = {"invite", "invites", "event", "events", "attendance"}
ALLOWED = {
    "visitor": {"help"},
    "resident": BASE | {"share", "mine"},
    "organiser": BASE | ORGANISE | {"intake", "circle", "matches", "series", "log", "correct",
                                    "payments", "voucher", "logbook", "refer", "progress",
                                    "supporter"},
    "trainer": BASE | ORGANISE | {"broadcast", "overview", "payments", "vouchers", "certify",
                                  "table", "mapkeep", "prompts", "log", "correct", "round"},
    "admin": BASE | ORGANISE | {"broadcast", "overview", "payments", "vouchers", "certify",
                                "table", "mapkeep", "prompts", "round"},
}
NOT_REGISTERED = "Je bent nog niet aangemeld"
NOT_FOR_ROLE = "Dit kan niet in jouw rol"
APOLOGY = "Sorry, er ging bij ons iets mis"  # what bot.app.on_error says after a crash
STALE = "Die knop werkt niet meer, of is al gebruikt."


@pytest.fixture
def crashes(bot) -> list[BaseException]:
    """Every exception a handler raised: PTB hands each one to every error handler, so this
    one sees what bot.app.on_error turns into an apology."""
    seen: list[BaseException] = []

    async def record(_update: object, context) -> None:
        seen.append(context.error)

    bot.app.add_error_handler(record)
    return seen


@pytest.fixture
async def people(bot, admin):
    await join(admin)
    trainer = bot.user(150, "Tessa")
    await join(trainer, await make_invite(admin, "Trainer"))
    organiser = bot.user(200, "Noor")
    await join(organiser, await make_invite(trainer))
    resident = bot.user(300, "Lina")
    await join(resident, await make_invite(organiser))
    return {"visitor": bot.user(999, "Vi"), "resident": resident, "organiser": organiser,
            "trainer": trainer, "admin": admin}


@pytest.mark.parametrize("role", list(ALLOWED))
async def test_commands_by_role(bot, people, crashes, role):
    user = people[role]
    for command in COMMANDS:
        replies = await user.send(f"/{command}")
        text = replies[-1].text
        refused = NOT_REGISTERED in text or NOT_FOR_ROLE in text
        # A crash is answered too (with an apology): that must not pass for "allowed".
        assert crashes == [], (role, command, crashes)
        assert not any(APOLOGY in r.text for r in replies), (role, command, text)
        if command in ALLOWED[role]:
            assert not refused, (role, command, text)
        else:
            assert refused, (role, command, text)
        if command in ("invite", "event", "broadcast", "share", "intake", "series", "voucher",
                       "logbook") and not refused:
            await user.click("Annuleren")
        if command in ("find", "mapkeep") and not refused:
            await user.click("Annuleren")


def _fake_message(chat_id: int) -> SentMessage:
    return SentMessage(chat_id=chat_id, message_id=1, kind="text", text="old")


FORGED = [
    cb.encode(cb.INVITE_ROLE, "organiser"),
    cb.encode(cb.INVITE_USES, 30),
    cb.encode(cb.INVITE_DAYS, 30),
    cb.encode(cb.INVITE_REVOKE, 1),
    cb.encode(cb.SET_LANG, "en"),
    cb.encode(cb.FORGET_YES, 0),
    cb.FORGET_NO,
    cb.encode(cb.RSVP_YES, 1, 1796000000),
    cb.encode(cb.RSVP_NO, 1, 1796000000),
    cb.encode(cb.ICS, 1, 1796000000),
    "ev:cx:1",
    "ev:mv:1",
    "at:pick:1:1796374800",
    "bc:go",
    "ls:pay:1",
    "ls:cor:1",
    "vo:ok:1",
    "vo:paid:1",
    "vo:no:1",
    "vo:csv",
    "cf:p:2",
    "cf:s:2:1",
    "cf:o:2",
    "cf:l:1",
    "rf:1:1",
    "rd:new",
    "rd:pick:1",
    "rd:l:1",
    "vo:tp:1:1",
    "vo:csv:1",
]


@pytest.mark.parametrize("data", FORGED)
async def test_buttons_refused_for_visitors(bot, people, data):
    visitor = people["visitor"]
    await visitor.tap(data, _fake_message(visitor.user_id))
    answer = bot.api.callback_answers[-1]
    assert answer.get("show_alert") is True
    assert NOT_REGISTERED in answer["text"] or "werkt niet meer" in answer["text"] \
        or "niets over je bewaard" in answer["text"]
    assert await bot.rows("SELECT count(*) FROM person") == [(4,)]
    assert await bot.rows("SELECT count(*) FROM invite WHERE revoked_at IS NOT NULL") == [(0,)]


@pytest.mark.parametrize("data", [cb.encode(cb.INVITE_REVOKE, 1), cb.encode(cb.INVITE_REVOKE, 2),
                                  cb.encode(cb.INVITE_REVOKE, 3), "inv:revoke:999999999",
                                  "inv:revoke:-1", "inv:revoke:1 OR 1=1"])
async def test_a_resident_cannot_revoke_anything(bot, people, data):
    resident = people["resident"]
    await resident.tap(data, _fake_message(resident.user_id))
    assert NOT_FOR_ROLE in bot.api.callback_answers[-1]["text"]
    assert await bot.rows("SELECT count(*) FROM invite WHERE revoked_at IS NOT NULL") == [(0,)]


async def test_garbage_callback_data_is_answered(bot, people, crashes):
    resident = people["resident"]  # just joined: the two-hands questions are open
    asked_again = {"": "Waar kun je een handje bij gebruiken?", "lang:": "Kies je taal",
                   "lang:xx": "Kies je taal"}
    for data in ["", "x", "lang:", "lang:xx", "inv:uses:abc", "ob:lang:nl", "🙂" * 10]:
        replies = await resident.tap(data, _fake_message(resident.user_id))
        answer = bot.api.callback_answers[-1]
        # Never silence, and never a crash that the apology merely covers up: either the
        # question asked again, or the "button no longer active" notice.
        assert crashes == [], (data, crashes)
        if data in asked_again:
            assert [asked_again[data] in r.text for r in replies] == [True], (data, replies)
        else:
            assert answer.get("text") == STALE and replies == [], (data, answer, replies)
    assert await bot.rows("SELECT language FROM person WHERE telegram_id = 300") == [("nl",)]


async def test_admin_role_needs_the_admin_id_setting(bot, people):
    """Someone stored as admin loses admin rights once removed from SAMEN_ADMIN_IDS."""
    bot.with_settings(admin_ids=frozenset())
    await bot.restart()
    replies = await people["admin"].send("/invite")
    assert NOT_FOR_ROLE in replies[-1].text


async def test_help_lists_every_command_a_role_has(bot, people):
    """/help (and the menu, built from the same list) names the commands each role uses,
    also the ones other screens point to (/series, /correct, /vouchers, /certify, /events)."""
    organiser = (await people["organiser"].send("/help"))[-1].text
    for command in ("/series – ", "/log – ", "/correct – ", "/supporter – "):
        assert command in organiser, command
    trainer = (await people["trainer"].send("/help"))[-1].text
    for command in ("/vouchers – ", "/certify – ", "/event – Een bijeenkomst plannen",
                    "/events – Je bijeenkomsten: verplaatsen, afzeggen"):
        assert command in trainer, command
