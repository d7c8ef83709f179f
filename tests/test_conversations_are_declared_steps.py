"""The step model: a question is one declaration; asking, re-asking, Cancel, continuing after a
restart and the role check on every input come from the engine, for every flow alike."""

from __future__ import annotations

import copy
import json
from dataclasses import replace

import pytest

from bot.flows import registry, session_log
from bot.flows.steps import Choice, Step
from bot.i18n import N_
from tests.fakes.journeys import join
from tests.test_kwartiermaker_logs_a_series import series  # noqa: F401 - a fixture

# A question added to /log for this test only: one declaration (its msgid exists already).
WEATHER = Step("weather", key="w", question=N_("How long does it take?"), per_row=2,
               choices=lambda turn: [Choice("sun", "☀️"), Choice("rain", "🌧")])


@pytest.fixture
def log_with_weather(monkeypatch):
    steps = list(session_log.LOG.steps)
    at = [s.name for s in steps].index("needs")
    flow = replace(session_log.LOG, steps=[*steps[:at], WEATHER, *steps[at:]])
    monkeypatch.setattr(registry, "FLOWS", tuple(flow if f.name == "log" else f
                                                 for f in registry.FLOWS))


async def test_a_question_added_to_log_is_asked_re_asked_and_continued(
        log_with_weather, bot, series):  # noqa: F811
    noor, _ = series
    await noor.send("/log")
    await noor.click("Vandaag")
    question = (await noor.click("6"))[-1]
    assert question.text == "Hoe lang duurt het?"
    assert [label for label, _ in question.buttons] == ["☀️", "🌧", "Annuleren"]
    replies = await noor.send("zonnig")  # typed where a button is expected
    assert replies[0].text == "Tik op een van de knoppen hieronder."
    assert replies[1].text == "Hoe lang duurt het?"
    await bot.crash_and_restart()
    await noor.send("/log")  # still in it after the restart: the same question again
    assert noor.last.text == "Hoe lang duurt het?"  # the draft continues at this question
    await noor.click("🌧")
    assert noor.last.text.startswith("🤲")  # and then the next one of the list
    drafts = await bot.rows("SELECT data FROM ptb_user_data")
    assert json.loads(drafts[0][0])["drafts"]["log"]["weather"] == "rain"


async def test_every_input_is_checked_against_the_role(bot, admin):
    """A flow half done when the role is taken away: the next answer is refused, the flow
    ends, and nothing of it is saved."""
    await join(admin)
    await admin.send("/broadcast")
    bot.with_settings(admin_ids=frozenset())
    await bot.restart()
    replies = await admin.send("Vergadering verzet")
    assert "Dit kan niet in jouw rol" in replies[-1].text
    replies = await admin.send("Vergadering verzet")
    assert "Ik wacht nu niet op een antwoord" in replies[-1].text
    assert await bot.rows("SELECT count(*) FROM broadcast") == [(0,)]


async def test_one_flow_listens_at_a_time_and_left_drafts_go(bot, cohort):
    trainer, _, _ = cohort
    await trainer.send("/event")
    kinds = copy.deepcopy(trainer.last)
    await trainer.click("Trainingsdag")
    await trainer.send("/broadcast")
    await trainer.click("Trainingsdag", message=kinds)  # a button of the left flow
    assert "werkt niet meer" in bot.api.callback_answers[-1]["text"]
    replies = await trainer.send("Tot vrijdag!")  # goes to the flow that listens now
    assert replies[-1].text == "Voor wie is het?"
    data = json.loads((await bot.rows("SELECT data FROM ptb_user_data WHERE user_id = ?",
                                      trainer.user_id))[0][0])
    assert data["flow"] == "broadcast" and list(data["drafts"]) == ["broadcast"]


@pytest.mark.parametrize("typed", ["²", "٣", "7", "-2", "12a", "", "1234567"])
def test_numbers_are_read_in_ascii_and_arabic_digits_only(typed):
    from bot.flows.ui import number

    expected = {"٣": 3, "7": 7, "-2": -2}.get(typed)
    assert number(typed) == expected


async def test_a_restart_sees_the_same_draft_as_the_running_bot(bot, series):  # noqa: F811
    noor, _ = series
    await noor.send("/log")
    await noor.click("Vandaag")
    await noor.click("6")
    await noor.click("🛒 Boodschappen")
    before = bot.app.user_data[noor.user_id]
    await bot.crash_and_restart()
    assert bot.app.user_data[noor.user_id] == before  # string keys, lists: nothing changes

