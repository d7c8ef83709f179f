"""The request a service gets: who asks, at one moment per update."""

from __future__ import annotations

import pytest

from bot import access
from bot.access import Role
from bot.context import BotContext
from bot.services import membership
from tests.fakes.harness import ADMIN_ID
from tests.fakes.journeys import join


async def test_a_request_without_a_person_refuses_me(bot):
    req = bot.request()
    assert req.person is None and req.role is None and req.tz == bot.settings.tz
    with pytest.raises(access.AccessDenied):
        _ = req.me
    later = req.at(req.now.replace(year=2030))
    assert later.now.year == 2030 and later.db is req.db and req.now.year == 2026


async def test_the_context_reads_the_clock_once_and_follows_the_person(bot, admin):
    await join(admin)
    context = BotContext(bot.app)
    first = context.now()
    bot.clock.advance(minutes=5)
    assert context.now() == first and context.req.now == first
    assert context.req.person is None
    person = await membership.identify(context.req, ADMIN_ID)
    context.person, context.role = person, Role.ADMIN
    assert context.req.me == person and context.req.role is Role.ADMIN
    assert bot.request(person).role is Role.ADMIN
    assert context.req.acting_as(None, None).person is None
