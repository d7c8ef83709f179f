"""Command line: ``samenbot run | console | migrate``; thin wrappers around the app."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot import logs
from bot.config import ConfigError, Settings, load_settings
from bot.storage.migrations import MigrationError


def _settings(require_token: bool) -> Settings:
    return load_settings(require_token=require_token)


async def _run(settings: Settings) -> None:
    from bot.app import close_application, create_application, start_application
    from bot.receiving import Receiver

    app = await create_application(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await start_application(app)
        receiver = Receiver(app)
        await receiver.handle_waiting()  # what a crash left in the inbox, before anything new
        await app.start()
        logging.getLogger(__name__).info("samenbot is running as @%s", app.bot.username)
        await receiver.run(stop)
    finally:
        await close_application(app)


async def _migrate(settings: Settings) -> None:
    from bot.storage.db import Database
    from bot.storage.migrations import migrate

    db = Database(settings.database_path)
    await db.open()
    try:
        applied = await migrate(db, settings.migrations_dir)
    finally:
        await db.close()
    print("applied: " + ", ".join(applied) if applied else "the database is up to date")


async def _socialmap(settings: Settings, action: str, path: Path) -> int:
    from bot.context import Services
    from bot.i18n import Translations
    from bot.services import socialmap
    from bot.services.hsds import ImportRejected
    from bot.storage.db import Database
    from bot.storage.migrations import migrate

    db = Database(settings.database_path)
    await db.open()
    try:
        await migrate(db, settings.migrations_dir)
        services = Services(settings=settings, db=db,
                            translations=Translations(settings.locales_dir, settings.tz))
        if action == "export":
            count = await socialmap.export_file(services.request(), path)
            print(f"exported {count} entries to {path}")
            return 0
        try:
            count = await socialmap.import_file(services.request(), path)
        except ImportRejected as rejected:
            print(f"nothing imported: {len(rejected.problems)} problem(s)", file=sys.stderr)
            for problem in rejected.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print(f"imported {count} entries from {path}")
        return 0
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="samenbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot with long polling (needs TELEGRAM_BOT_TOKEN)")
    console = sub.add_parser("console", help="try the bot offline in this terminal")
    console.add_argument("--as-user", type=int, default=None,
                         help="Telegram id to start as (default: the first admin id, or 1)")
    sub.add_parser("migrate", help="apply database migrations and exit")
    social = sub.add_parser("socialmap", help="import or export the social map (HSDS CSV/JSON)")
    social.add_argument("action", choices=("import", "export"))
    social.add_argument("file", help="a folder or .zip of CSV files, or a .json file")
    args = parser.parse_args(argv)
    logs.setup("WARNING")
    try:
        settings = _settings(require_token=args.command == "run")
        logs.setup(settings.log_level if args.command == "run" else "WARNING",
                   as_json=settings.log_format == "json")
        if args.command == "run":
            asyncio.run(_run(settings))
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
        elif args.command == "socialmap":
            return asyncio.run(_socialmap(settings, args.action, Path(args.file)))
        else:
            from bot.console import run_console

            asyncio.run(run_console(settings, args.as_user))
    except ConfigError as exc:
        print(f"samenbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except MigrationError as exc:
        print(f"samenbot: database error: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        print("samenbot: Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather",
              file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"samenbot: cannot reach the Telegram Bot API: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0
