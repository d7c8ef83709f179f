"""Admins, trainers and organisers make invite links with QR codes; codes expire, run out,
can be revoked, and cannot be forged or used to hand out a role the inviter may not grant."""

from __future__ import annotations

import re

import pytest

from bot import callbacks as cb
from tests.fakes.journeys import LINK_RE, join, make_invite

TRAINER_ID, ORGANISER_ID, RESIDENT_ID = 150, 200, 300


@pytest.fixture
async def trainer(bot, admin):
    await join(admin)
    trainer = bot.user(TRAINER_ID, "Tessa")
    await join(trainer, await make_invite(admin, "Trainer"))
    return trainer


async def test_admin_gets_a_link_and_a_qr_code(bot, admin):
    await join(admin)
    roles = await admin.send("/invite")
    assert [label for label, _ in roles[-1].buttons] == ["Trainer", "Kwartiermaker", "Annuleren"]
    await admin.click("Kwartiermaker")
    await admin.click("Eén persoon")
    await admin.click("7 dagen")
    replies = await admin.click("English")  # the language they read best
    qr, forward = replies[-2], replies[-1]
    assert qr.kind == "photo" and qr.file_bytes.startswith(b"\x89PNG\r\n\x1a\n")
    assert forward.text.startswith("Hello! Admin invites you to samenbot")  # to them, in theirs
    assert LINK_RE.search(forward.text).group(1) == LINK_RE.search(qr.text).group(1)
    code = LINK_RE.search(qr.text).group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", code)
    assert "Uitnodiging voor: Kwartiermaker" in qr.text
    assert "Geldig tot 6 december 2026, 11:00" in qr.text
    assert "0 van 1 plek gebruikt" in qr.text
    assert await bot.rows("SELECT role, max_uses, uses FROM invite") == [("organiser", 1, 0)]


async def test_codes_are_random_and_carry_nothing_personal(bot, admin):
    await join(admin)
    codes = {await make_invite(admin, "Trainer") for _ in range(5)}
    assert len(codes) == 5
    assert all("Admin" not in c and str(100) not in c for c in codes)


async def test_trainer_invites_organisers_and_organiser_invites_residents(bot, trainer):
    # A trainer can only grant one role, so the role question is skipped.
    code = await make_invite(trainer)
    organiser = bot.user(ORGANISER_ID, "Noor")
    await join(organiser, code)
    resident = bot.user(RESIDENT_ID, "Lina")
    await join(resident, await make_invite(organiser))
    rows = await bot.rows("SELECT p.telegram_id, p.role, i.telegram_id FROM person p"
                          " LEFT JOIN person i ON i.id = p.invited_by ORDER BY p.id")
    assert rows == [(100, "admin", None), (TRAINER_ID, "trainer", 100),
                    (ORGANISER_ID, "organiser", TRAINER_ID),
                    (RESIDENT_ID, "resident", ORGANISER_ID)]


@pytest.mark.parametrize("problem", ["expired", "used_up", "revoked", "forged"])
async def test_invites_that_no_longer_work_are_explained(bot, trainer, problem):
    code = await make_invite(trainer, days=1)  # one person, one day
    if problem == "expired":
        bot.clock.advance(days=1, seconds=1)
    elif problem == "used_up":
        await join(bot.user(201, "Bo"), code)
    elif problem == "revoked":
        await trainer.send("/invites")
        await trainer.click("Uitnodiging 1 intrekken")
        assert "ingetrokken" in trainer.last.text
    elif problem == "forged":
        code = code[:-2] + ("AA" if not code.endswith("AA") else "BB")
    visitor = bot.user(ORGANISER_ID, "Noor")
    replies = await visitor.send(f"/start {code}")
    expected = {"expired": "verlopen", "used_up": "al gebruikt", "revoked": "ingetrokken",
                "forged": "werkt niet"}[problem]
    assert expected in replies[-1].text
    assert not replies[-1].buttons
    assert await bot.rows("SELECT * FROM person WHERE telegram_id = ?", ORGANISER_ID) == []


async def test_an_invite_that_runs_out_while_someone_reads_the_consent(bot, trainer):
    code = await make_invite(trainer)
    slow, fast = bot.user(201, "Slow"), bot.user(202, "Fast")
    await slow.send(f"/start {code}")
    await slow.click("Nederlands")
    await join(fast, code)
    replies = await slow.click("✅")
    assert "al gebruikt" in replies[-1].text
    assert await bot.rows("SELECT telegram_id FROM person WHERE role = 'organiser'") == [(202,)]


async def test_group_invite_serves_many(bot, trainer):
    code = await make_invite(trainer, uses=2, days=3)
    for n in range(3):
        await join(bot.user(500 + n, f"P{n}"), code)
    assert await bot.rows("SELECT uses, max_uses FROM invite WHERE code = ?", code) == [(3, 30)]


async def test_malformed_start_payloads(bot):
    visitor = bot.user(700, "Vi")
    for payload in ["x" * 65, "ab$cd", "'; DROP TABLE person; --"]:
        replies = await visitor.send(f"/start {payload}")
        assert "werkt niet" in replies[-1].text
    assert await bot.rows("SELECT count(*) FROM person") == [(0,)]


async def test_a_forged_role_button_cannot_grant_a_role(bot, admin, trainer):
    await admin.send("/invite")
    for forged in ("resident", "admin", "nobody"):
        await admin.tap(cb.encode(cb.INVITE_ROLE, forged), admin.last_with_buttons())
        assert bot.api.callback_answers[-1].get("show_alert") is True
        assert admin.last.text == "Wie wil je uitnodigen?"
    # A trainer skips the role question; a forged role button is just a stale button.
    await trainer.send("/invite")
    await trainer.tap(cb.encode(cb.INVITE_ROLE, "trainer"), trainer.last)
    await trainer.click(1)
    await trainer.click(1)
    await trainer.click("Ze kiezen zelf")
    assert await bot.rows("SELECT role FROM invite ORDER BY id") == [("trainer",), ("organiser",)]


async def test_nobody_revokes_someone_elses_invite(bot, admin, trainer):
    code = await make_invite(trainer)
    invite_id = (await bot.rows("SELECT id FROM invite WHERE code = ?", code))[0][0]
    organiser = bot.user(ORGANISER_ID, "Noor")
    await join(organiser, code)
    await organiser.send("/invites")
    await organiser.tap(cb.encode(cb.INVITE_REVOKE, invite_id), organiser.last)
    assert "niet intrekken" in bot.api.callback_answers[-1]["text"]
    assert await bot.rows("SELECT revoked_at FROM invite WHERE id = ?", invite_id) == [(None,)]


async def test_invites_lists_only_open_invites_of_the_person(bot, admin, trainer):
    await make_invite(trainer)
    replies = await trainer.send("/invites")
    assert replies[-1].text.count("https://t.me/") == 1
    assert [label for label, _ in replies[-1].buttons] == ["Uitnodiging 1 intrekken"]


async def test_text_during_the_invite_questions_repeats_the_question(bot, trainer):
    await trainer.send("/invite")
    replies = await trainer.send("tien mensen")
    assert replies[0].text == "Tik op een van de knoppen hieronder."
    assert replies[-1].text == "Voor hoeveel mensen is deze link?"
    await trainer.click("Eén persoon")
    await trainer.send_voice()
    assert trainer.last.text == "Hoe lang mag de link gebruikt worden?"
    # What was chosen before the wrong input is still there.
    await trainer.click("1 dag")
    replies = await trainer.click("Nederlands")
    assert "0 van 1 plek gebruikt" in replies[-2].text


async def test_cancel_makes_nothing(bot, trainer):
    await trainer.send("/invite")
    replies = await trainer.click("Annuleren")
    assert "Geannuleerd" in replies[-1].text
    assert await bot.rows("SELECT count(*) FROM invite WHERE role = 'organiser'") == [(0,)]


def test_invite_codes_never_look_like_a_claim_link(monkeypatch):
    """A random code starting with the claim prefix would be read as a claim: never made."""
    from bot.services import invites

    made = iter(["c_looks-like-a-claim-1234", "c_again-a-claim-like-one", "Ab3_normal-code-xyz12"])
    monkeypatch.setattr(invites.secrets, "token_urlsafe", lambda n: next(made))
    assert invites.new_code() == "Ab3_normal-code-xyz12"


async def test_an_invite_in_their_language_says_who_invites_and_skips_a_question(bot, trainer):
    code = await make_invite(trainer)
    noor = bot.user(ORGANISER_ID, "Noor")
    await join(noor, code)
    resident_code = await make_invite(noor, language="English")
    forward = noor.last.text
    assert forward.startswith("Hello! Noor invites you")  # to the resident, in English
    lina = bot.user(RESIDENT_ID, "Lina", language_code="nl")
    consent = (await lina.send(f"/start {resident_code}"))[-1]
    assert consent.text.startswith("Noor invites you to take part.")  # no language question
    assert "Before we start" in consent.text
    await lina.click("✅")
    assert await bot.rows("SELECT language FROM person WHERE telegram_id = ?", RESIDENT_ID) == [
        ("en",)]
