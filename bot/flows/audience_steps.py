"""The "who is it for?" questions that /event and /broadcast share.

Everyone, all kwartiermakers, my cohort, the circle of one kwartiermaker (a trainer picks
whose), or people picked by hand with toggles. Ids in buttons are checked again by
the services (``audiences._check``) when the draft is saved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import callbacks as cb
from bot import keyboards
from bot.context import BotContext
from bot.flows.common import remove_keyboard, reprompt, say
from bot.i18n import Translator
from bot.services import audiences
from bot.services.audiences import MAX_PICKED, Audience

Step = Callable[[Update, BotContext], Awaitable[int]]


def label(t: Translator, role: str | None, audience: Audience) -> str:
    if audience.kind == "list":
        return t.ngettext("{count} person picked by hand", "{count} people picked by hand",
                          len(audience.members)).format(count=len(audience.members))
    if audience.kind == "circle" and audiences.needs_owner(role, "circle"):
        return t.gettext("The residents of one kwartiermaker")
    return {
        "everyone": t.gettext("Everyone"),
        "organisers": t.gettext("All kwartiermakers"),
        "cohort": t.gettext("The kwartiermakers I invited"),
        "circle": t.gettext("The residents of my circle"),
    }[audience.kind]


def _kind_label(t: Translator, role: str | None, kind: str) -> str:
    if kind == "list":
        return t.gettext("People I pick")
    return label(t, role, Audience(kind))


class AudienceSteps:
    def __init__(self, prefix: str, choose: int, owner: int, pick: int,
                 draft: Callable[[BotContext], dict], after: Step, stop: Step) -> None:
        self.prefix, self.choose, self.owner, self.pick = prefix, choose, owner, pick
        self.draft, self.after, self.stop = draft, after, stop

    def _b(self, text: str, *parts: str | int):
        return keyboards.button(self.prefix, text, *parts)

    # questions --------------------------------------------------------------------------------
    async def ask(self, update: Update, context: BotContext) -> int:
        await self.ask_choose(update, context)
        return self.choose

    async def ask_choose(self, update: Update, context: BotContext) -> None:
        t = context.t
        rows = [[self._b(_kind_label(t, context.role, k), "aud", k)]
                for k in audiences.kinds_for(context.role)]
        await say(update, context, t.gettext("Who is it for?"), reply_markup=InlineKeyboardMarkup(
            [*rows, keyboards.cancel_row(t, self.prefix)]))

    async def ask_owner(self, update: Update, context: BotContext) -> None:
        t = context.t
        found = await audiences.organisers(context.req)
        rows = [[self._b(p.display_name, "own", p.id)] for p in found[:MAX_PICKED]]
        await say(update, context, t.gettext("Whose circle?"), reply_markup=InlineKeyboardMarkup(
            [*rows, keyboards.cancel_row(t, self.prefix)]))

    async def _pick_markup(self, context: BotContext) -> InlineKeyboardMarkup:
        t = context.t
        found = await audiences.candidates(context.req)
        picked = set(self.draft(context).get("picked", []))
        rows = [[self._b(("✅ " if p.id in picked else "▫️ ") + p.display_name, "pk", p.id)]
                for p in found[:MAX_PICKED]]
        rows.append([self._b("👍 " + t.gettext("Done picking"), "pkd")])
        return InlineKeyboardMarkup([*rows, keyboards.cancel_row(t, self.prefix)])

    async def ask_pick(self, update: Update, context: BotContext) -> None:
        await say(update, context, context.t.gettext("Tap the people it is for."),
                  reply_markup=await self._pick_markup(context))

    # answers -----------------------------------------------------------------------------------
    async def chosen(self, update: Update, context: BotContext) -> int:
        query = update.callback_query
        await query.answer()
        kind = cb.arg(query.data, f"{self.prefix}:aud")
        if kind not in audiences.kinds_for(context.role):
            await self.ask_choose(update, context)
            return self.choose
        await remove_keyboard(update)
        if audiences.needs_owner(context.role, kind):
            await self.ask_owner(update, context)
            return self.owner
        if kind == "list":
            self.draft(context)["picked"] = []
            await self.ask_pick(update, context)
            return self.pick
        self.draft(context)["audience"] = Audience(kind).as_dict()
        return await self.after(update, context)

    async def owner_chosen(self, update: Update, context: BotContext) -> int:
        query = update.callback_query
        await query.answer()
        owner = cb.int_arg(query.data, f"{self.prefix}:own")
        known = {p.id for p in await audiences.organisers(context.req)}
        if owner not in known:
            await self.ask_owner(update, context)
            return self.owner
        await remove_keyboard(update)
        self.draft(context)["audience"] = Audience("circle", ref=owner).as_dict()
        return await self.after(update, context)

    async def toggled(self, update: Update, context: BotContext) -> int:
        query = update.callback_query
        await query.answer()
        person_id = cb.int_arg(query.data, f"{self.prefix}:pk")
        pickable = {p.id for p in await audiences.candidates(context.req)}
        picked = self.draft(context).setdefault("picked", [])
        if person_id in picked:
            picked.remove(person_id)
        elif person_id in pickable and len(picked) < MAX_PICKED:
            picked.append(person_id)
        else:
            return self.pick
        await query.edit_message_reply_markup(await self._pick_markup(context))  # in place
        return self.pick

    async def done(self, update: Update, context: BotContext) -> int:
        query = update.callback_query
        await query.answer()
        picked = sorted(set(self.draft(context).get("picked", [])))
        if not picked:
            await say(update, context, context.t.gettext("Pick at least one person."))
            await self.ask_pick(update, context)
            return self.pick
        await remove_keyboard(update)
        self.draft(context)["audience"] = Audience("list", members=tuple(picked)).as_dict()
        return await self.after(update, context)

    def states(self) -> dict[int, list[BaseHandler]]:
        def tap(key: str, callback) -> CallbackQueryHandler:
            return CallbackQueryHandler(callback, pattern=cb.pattern(f"{self.prefix}:{key}"))

        stop = tap("stop", self.stop)
        return {
            self.choose: [tap("aud", self.chosen), stop,
                          *reprompt(self.choose, self.ask_choose, self.prefix)],
            self.owner: [tap("own", self.owner_chosen), stop,
                         *reprompt(self.owner, self.ask_owner, self.prefix)],
            self.pick: [tap("pk", self.toggled), tap("pkd", self.done), stop,
                        *reprompt(self.pick, self.ask_pick, self.prefix)],
        }
