"""One person's taps cost the others little: an answer to a reminder counts only for a date
the meeting really has, and the organiser hears at most once per person, meeting and date;
a follow-up "did it work out?" reaches the kwartiermaker once, however often it is tapped."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from tests.fakes.journeys import join, make_invite, plan

LINA, OMAR = 300, 301
NOT_PLANNED = "Deze datum is voorbij of staat niet meer gepland."


def cannot_come(user, name: str) -> list:
    return [m for m in user.inbox if m.text.startswith(f"{name} kan niet komen")]


async def reminded(bot, user, at: datetime):
    """Runs the reminder job at ``at`` and returns the reminder ``user`` got."""
    bot.clock.now = at
    await bot.tick()
    return next(m for m in reversed(user.inbox) if m.text.startswith("Herinnering"))


def rsvp_args(reminder) -> tuple[int, int]:
    """The meeting id and date stamp under a reminder's "I'll come" button."""
    _, _, event_id, stamp = reminder.buttons[0][1].split(":")
    return int(event_id), int(stamp)


async def test_forged_dates_store_nothing_and_tell_no_one(bot, cohort):
    trainer, noor, _ = cohort
    await plan(trainer)  # a training day, Friday 4 December 2026 10:00 to 16:00
    reminder = await reminded(bot, noor, datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    event_id, stamp = rsvp_args(reminder)
    before = len(trainer.inbox)

    for n in range(1, 101):
        await noor.tap(f"rv:r:{event_id}:{stamp + n}:ill", reminder)
        answer = bot.api.callback_answers[-1]
        assert answer["text"] == NOT_PLANNED and answer.get("show_alert") is True, n
    for data in (f"rv:y:{event_id}:{stamp + 7 * 86400}", f"rv:n:{event_id}:{stamp - 86400}",
                 f"ics:{event_id}:{stamp + 3600}", f"rv:r:{event_id}:999999999999:care"):
        replies = await noor.tap(data, reminder)
        assert bot.api.callback_answers[-1]["text"] == NOT_PLANNED, data
        assert replies == [], data  # no reasons asked, no calendar file for a made-up date

    # Someone the meeting is not for, with the real date: refused, nothing kept either.
    lina = bot.user(LINA, "Lina")
    await join(lina, await make_invite(noor))
    await lina.tap(f"rv:r:{event_id}:{stamp}:ill", reminder)
    assert "niet voor jou" in bot.api.callback_answers[-1]["text"]

    # The real date, once it is over, is no longer answered either.
    bot.clock.now = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
    await noor.tap(f"rv:r:{event_id}:{stamp}:ill", reminder)
    assert bot.api.callback_answers[-1]["text"] == NOT_PLANNED

    await bot.deliver()
    assert await bot.rows("SELECT count(*) FROM rsvp") == [(0,)]
    assert await bot.rows("SELECT count(*) FROM outbox WHERE kind = 'notice'"
                          " AND ref NOT LIKE 'invite:%'") == [(0,)]  # only "Lina joined"
    assert len(trainer.inbox) == before


async def test_a_hundred_taps_on_real_dates_tell_the_organiser_once_per_date(bot, cohort):
    trainer, noor, amal = cohort
    await plan(trainer, kind="Spreekuur", title="Inloopspreekuur", day="woensdag", at="14:00",
               hours="1 uur", audience="Iedereen", repeat="Elke week")  # 2, 9, 16 December
    first = await reminded(bot, noor, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    event_id, stamp = rsvp_args(first)
    week = 7 * 86400

    answers = ["ill", "yes", "care", "benefits", "other"]
    for n in range(100):  # changing her mind all the time, about two real dates
        date_stamp = stamp if n < 60 else stamp + week
        answer = answers[n % len(answers)]
        data = (f"rv:y:{event_id}:{date_stamp}" if answer == "yes"
                else f"rv:r:{event_id}:{date_stamp}:{answer}")
        await noor.tap(data, copy.deepcopy(first))
    await amal.tap(f"rv:r:{event_id}:{stamp}:care", first)  # another person: her own notice
    await bot.deliver()

    told = cannot_come(trainer, "Noor")
    assert len(told) == 2  # one for 2 December, one for 9 December
    assert "ziek" in told[0].text and "2 december" in told[0].text
    assert "9 december" in told[1].text
    assert len(cannot_come(trainer, "Amal")) == 1
    # What is stored is the latest answer per date, one row each.
    assert await bot.rows("SELECT r.occurrence_start, r.answer, r.reason FROM rsvp r"
                          " JOIN person p ON p.id = r.person_id WHERE p.telegram_id = ?"
                          " ORDER BY 1", noor.user_id) == [
        ("2026-12-02T13:00:00+00:00", "no", "other"),
        ("2026-12-09T13:00:00+00:00", "no", "other")]

    # She comes after all: stored, no message; the reminder two hours before reaches her again.
    await noor.tap(f"rv:y:{event_id}:{stamp}", first)
    assert bot.api.callback_answers[-1]["text"].startswith("Dank je")
    await bot.deliver()
    assert len(cannot_come(trainer, "Noor")) == 2
    bot.clock.now = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
    await bot.tick()
    assert sum(m.text.startswith("Herinnering") for m in noor.inbox) == 2


async def share(user, need: str | None, offer: str | None) -> None:
    await user.send("/share")
    if need:
        await user.click(need)
    await user.click("➡️")
    if need:
        await user.click("⏭")
    if offer:
        await user.click(offer)
        await user.click("➡️")
        await user.click("⏭")
    else:
        await user.tap("sh:none", user.last_with_buttons())
        await user.tap("sh:later", user.last_with_buttons())
    await user.click("💾")


async def test_fifty_follow_up_taps_tell_the_kwartiermaker_once(bot, cohort):
    _, noor, _ = cohort
    code = await make_invite(noor, uses=2)
    lina, omar = bot.user(LINA, "Lina"), bot.user(OMAR, "Omar")
    await join(lina, code)
    await join(omar, code)
    await share(lina, "🛒 Boodschappen", None)
    await share(omar, None, "🛒 Boodschappen")
    await noor.send("/matches")
    await noor.click("Stel voor")
    await bot.deliver()
    await lina.click("Ja, delen")
    await omar.click("Ja, delen")
    bot.clock.advance(days=7)
    await bot.tick()
    questions = {user: copy.deepcopy(user.last_with_buttons()) for user in (lina, omar)}
    not_yet = questions[lina].buttons[1][1]
    assert not_yet.startswith("mf:") and not_yet.endswith(":2")

    def reports() -> list:
        return [m for m in noor.inbox if " over 🛒 Boodschappen: " in m.text]

    last_replies = []
    for user in (lina, omar):  # both keep tapping "not yet" on the question their phone shows
        for _ in range(25):
            await user.tap(not_yet, questions[user])
        last_replies.append(user.last.text)
    await bot.deliver()
    assert [m.text for m in reports()] == ["Lina over 🛒 Boodschappen: nog niet."]
    assert last_replies == ["We hadden je antwoord al."] * 2

    # The answer that settles it is the one other thing she hears; later taps change nothing.
    await omar.click("👍", message=questions[omar])
    for _ in range(10):
        await lina.click("👎", message=questions[lina])
        await omar.click("👍", message=questions[omar])
    await bot.deliver()
    assert [m.text for m in reports()] == ["Lina over 🛒 Boodschappen: nog niet.",
                                           "Omar over 🛒 Boodschappen: het is gelukt."]
    assert await bot.rows("SELECT status FROM match") == [("done",)]
