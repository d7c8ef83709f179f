"""/mydata gives a person everything kept about them; /forget erases it for good."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.fakes.journeys import join, make_invite

ORGANISER_ID, RESIDENT_ID, OTHER_ID = 200, 300, 301


@pytest.fixture
async def circle(bot, admin):
    await join(admin)
    organiser = bot.user(ORGANISER_ID, "Noor")
    await join(organiser, await make_invite(admin, "Kwartiermaker"))
    code = await make_invite(organiser, uses=2)
    resident = bot.user(RESIDENT_ID, "Lina")
    await join(resident, code, "English")
    other = bot.user(OTHER_ID, "Zeynep")
    await join(other, code)
    return organiser, resident, other


async def test_mydata_holds_everything_and_nothing_of_others(bot, circle):
    organiser, _resident, _other = circle
    replies = await organiser.send("/mydata")
    document = replies[-1]
    assert document.kind == "document" and document.file_name == "samenbot-mydata.json"
    data = json.loads(document.file_bytes)
    assert data["person"]["display_name"] == "Noor"
    assert data["person"]["role"] == "organiser"
    assert data["person"]["telegram_id"] == ORGANISER_ID
    assert data["person"]["consent_version"]
    assert len(data["invites_created"]) == 1
    assert data["people_invited"] == 2
    assert any(a["action"] == "invite.create" for a in data["actions"])
    raw = document.file_bytes.decode()
    for other_detail in ("Lina", "Zeynep", str(RESIDENT_ID), str(OTHER_ID), "Admin"):
        assert other_detail not in raw

    await organiser.send("/invite")  # an unfinished flow is part of what is kept
    await organiser.click("Eén persoon")
    data = json.loads((await organiser.send("/mydata"))[-1].file_bytes)
    assert data["conversation_state"] == {"invite": "days"}  # the step, by name
    assert data["unfinished_answers"]["invite"] == {"role": "resident", "uses": 1}


async def test_forget_then_restart_leaves_no_trace(bot, circle):
    _organiser, resident, _other = circle
    await resident.send("/invite")  # refused, but leaves user_data touched
    confirm = await resident.send("/forget")
    assert "Do you want to erase all your data?" in confirm[-1].text
    replies = await resident.click("🗑")
    assert "Everything about you has been erased" in replies[-1].text
    assert bot.api.menu_for_chat(RESIDENT_ID) is None

    await bot.crash_and_restart()
    db_path = bot.settings.database_path
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                text = json.dumps(row, default=str)
                assert str(RESIDENT_ID) not in text, (table, row)
                assert "Lina" not in text, (table, row)
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log")]
    assert "person.forget" in actions
    # Others in the same circle are untouched.
    assert await bot.rows("SELECT display_name FROM person WHERE telegram_id = ?", OTHER_ID) == [
        ("Zeynep",)]
    # After a restart the bot treats the person as a stranger, in their phone's language.
    replies = await resident.send("/help")
    assert "Om mee te doen heb je een uitnodigingslink" in replies[-1].text


async def test_forget_in_the_middle_of_a_flow_ends_the_flow(bot, circle):
    organiser, _, _ = circle
    await organiser.send("/invite")
    await organiser.send("/forget")
    await organiser.click("🗑")
    await bot.crash_and_restart()
    assert await bot.rows("SELECT * FROM ptb_conversation") == []
    assert await bot.rows("SELECT * FROM ptb_user_data WHERE user_id = ?", ORGANISER_ID) == []
    # The residents stay, no longer linked to the erased organiser; the invites are gone.
    assert await bot.rows("SELECT invited_by FROM person WHERE role = 'resident'") == [
        (None,), (None,)]
    assert await bot.rows("SELECT count(*) FROM invite WHERE role = 'resident'") == [(0,)]


async def test_keep_and_double_tap_and_old_confirmation(bot, circle):
    _, resident, _ = circle
    await resident.send("/forget")
    replies = await resident.click("No, keep my data")
    assert "nothing has been erased" in replies[-1].text
    await resident.send("/forget")
    bot.clock.advance(minutes=20)
    replies = await resident.click("🗑")
    assert "too old" in replies[0].text
    assert await bot.rows("SELECT count(*) FROM person WHERE telegram_id = ?", RESIDENT_ID) == [
        (1,)]
    confirm = resident.last_with_buttons()
    stale = type(confirm)(**{**confirm.__dict__})
    await resident.click("🗑")
    await resident.tap(stale.buttons[0][1], stale)  # a second tap on the same button
    assert "Er is niets over je bewaard" in bot.api.callback_answers[-1]["text"]
