"""/language switches at once: the confirmation, the menu and every later text."""

from __future__ import annotations

from tests.fakes.journeys import join


async def test_switching_language_shows_at_once(bot, admin):
    await join(admin)
    await admin.send("/language")
    replies = await admin.click("العربية")
    assert replies[-1].text == "تم: سأكتب لك من الآن باللغة: العربية."
    menu = bot.api.menu_for_chat(100)
    assert menu[0]["description"] == "ما يمكنك فعله هنا"
    await admin.send("/language")
    replies = await admin.click("Sranan Tongo")
    assert replies[-1].text == "Klari: now mi o skrifi yu na Sranan Tongo."
    assert bot.api.menu_for_chat(100)[0]["description"] == "San yu kan du dyaso"
    assert await bot.rows("SELECT language FROM person WHERE telegram_id = 100") == [("srn",)]


async def test_visitor_menu_is_published_per_language(bot):
    keys = {lang for (_, lang) in bot.api.commands}
    assert keys == {"", "nl", "en", "ar", "tr", "es", "tw"}  # Telegram takes two-letter codes
    english = bot.api.commands[('{"type": "default"}', "en")]
    assert [c["command"] for c in english] == ["start", "help"]


async def test_unknown_commands_and_stray_messages_are_answered(bot, admin):
    await join(admin)
    assert "Dat commando ken ik niet" in (await admin.send("/pizza"))[-1].text
    assert "Ik wacht nu niet op een antwoord" in (await admin.send("hallo"))[-1].text
    assert "Ik wacht nu niet op een antwoord" in (await admin.send_voice())[-1].text
    visitor = bot.user(900, "Vi", language_code="en")
    assert "you need an invite link" in (await visitor.send("hello?"))[-1].text
    assert "You are not registered yet" in (await visitor.send("/mydata"))[-1].text


async def test_a_refused_connection_delays_the_answer_but_does_not_lose_it(bot, admin):
    await join(admin)
    await admin.send("/invite")
    await admin.click("Kwartiermaker")
    await admin.click("Eén persoon")
    await admin.click("7 dagen")
    bot.api.fail_next("sendPhoto", "connect")
    await admin.click("Nederlands")
    assert admin.last.kind != "photo"  # the QR code could not leave yet
    bot.clock.advance(seconds=2)
    await bot.deliver()  # the stored reply is tried again
    assert admin.last.kind == "photo" and "?start=" in admin.last.text
    assert [m.kind for m in admin.inbox].count("photo") == 1


async def test_an_error_inside_a_flow_gets_a_kind_answer_in_the_persons_language(
        bot, cohort, monkeypatch):
    _, _, amal = cohort  # her language is Arabic
    from bot.services import invites

    async def broken(*_args, **_kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(invites, "create", broken)
    await amal.send("/invite")
    await amal.click(1)
    await amal.click(2)
    replies = await amal.click(1)
    assert replies[-1].text.startswith("عذرًا")  # not the Dutch default
    query = bot.api.callback_answers[-1]["callback_query_id"]
    assert [a["callback_query_id"] for a in bot.api.callback_answers].count(query) == 1
