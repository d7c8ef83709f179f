"""Command line: ``samenbot run | console | migrate | backup | restore | status | socialmap``;
thin wrappers around the app and its services."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot import logs
from bot.config import ConfigError, Settings, load_settings
from bot.locking import AlreadyRunning
from bot.storage.migrations import MigrationError

CONSOLE_DATA = "./console-data"  # never the production folder: try-outs stay out of it


def _settings(require_token: bool) -> Settings:
    return load_settings(require_token=require_token)


async def _backup(settings: Settings, target: str | None) -> int:
    from bot.services import backups
    from bot.storage.backups import copy_database

    if not settings.database_path.exists():
        print(f"samenbot: no database at {settings.database_path}", file=sys.stderr)
        return 1
    if target:
        copy_database(settings.database_path, Path(target))
        print(f"backup written: {target}")
    else:
        made = await backups.make(settings, "manual", datetime.now(UTC))
        print(f"backup written: {made}")
    return 0


async def _restore(settings: Settings, source: str) -> int:
    from bot.locking import is_running
    from bot.services import backups

    if is_running(settings.data_dir):
        print("samenbot: stop the bot first (it is running on this data folder)",
              file=sys.stderr)
        return 1
    try:
        done = await backups.restore(settings, Path(source), datetime.now(UTC))
    except backups.BackupError as exc:
        print(f"samenbot: nothing restored: {exc}", file=sys.stderr)
        return 1
    print(f"restored {source} (schema {done.schema}); people erased again because they used"
          f" /forget after it was made: {done.erased_again}")
    if done.previous:
        print(f"the database as it was is kept in {done.previous}")
    return 0


def _translations(settings: Settings, action: str, language: str, path: Path) -> int:
    from bot import translation_sheets as sheets

    try:
        if action == "export":
            rows = sheets.export(language, path, settings.locales_dir)
            print(f"wrote {rows} texts to {path}; fill in the 'translation' column")
            return 0
        report = sheets.import_sheet(language, path, settings.locales_dir)
    except (ValueError, KeyError, OSError) as exc:
        print(f"samenbot: {exc}", file=sys.stderr)
        return 1
    print(f"{report.updated} updated, {report.unchanged} unchanged, {report.empty} still empty")
    for problem in report.problems:
        print(f"  {path}: {problem}", file=sys.stderr)
    return 1 if report.problems else 0


async def _status(settings: Settings, as_json: bool) -> int:
    import json
    from dataclasses import asdict

    from bot.services import health

    report = await health.status(settings, datetime.now(UTC))
    print(json.dumps(asdict(report), indent=2) if as_json else health.as_text(report))
    return 0 if report.healthy else 1


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
                print(problem, file=sys.stderr)  # file:line: reason, as editors read it
            return 1
        print(f"imported {count} entries from {path}")
        return 0
    finally:
        await db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="samenbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (needs TELEGRAM_BOT_TOKEN); long polling by"
                         " default")
    run.add_argument("--webhook", action="store_true",
                     help="receive updates at SAMEN_WEBHOOK_URL instead of polling")
    console = sub.add_parser("console", help="try the bot offline in this terminal")
    console.add_argument("--as-user", type=int, default=None,
                         help="Telegram id to start as (default: the first admin id, or 1)")
    console.add_argument("--data-dir", default=CONSOLE_DATA,
                         help=f"the console's own data folder (default: {CONSOLE_DATA})")
    sub.add_parser("migrate", help="apply database migrations and exit")
    backup = sub.add_parser("backup", help="copy the database now (safe while the bot runs)")
    backup.add_argument("file", nargs="?", help="where to write it (default: the backup folder)")
    restore = sub.add_parser("restore", help="put a backup in place of the database (bot"
                             " stopped)")
    restore.add_argument("file")
    status = sub.add_parser("status", help="is the bot running and keeping up? exit 0 if so")
    status.add_argument("--json", action="store_true")
    sheets = sub.add_parser("translations", help="a spreadsheet for volunteer translators")
    sheets.add_argument("action", choices=("export", "import"))
    sheets.add_argument("language", help="a language code, e.g. tr")
    sheets.add_argument("file", nargs="?", help="the .xlsx (default: translations-LANG.xlsx)")
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
            if args.webhook and not settings.webhook_url:
                raise ConfigError("SAMEN_WEBHOOK_URL is not set: the https address Telegram"
                                  " posts updates to")
            from bot.runner import run as run_bot

            asyncio.run(run_bot(settings, webhook=args.webhook))
        elif args.command == "backup":
            return asyncio.run(_backup(settings, args.file))
        elif args.command == "restore":
            return asyncio.run(_restore(settings, args.file))
        elif args.command == "status":
            return asyncio.run(_status(settings, args.json))
        elif args.command == "translations":
            return _translations(settings, args.action, args.language,
                                 Path(args.file or f"translations-{args.language}.xlsx"))
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
        elif args.command == "socialmap":
            return asyncio.run(_socialmap(settings, args.action, Path(args.file)))
        else:
            from bot.console import run_console

            settings = replace(settings, data_dir=Path(args.data_dir))
            asyncio.run(run_console(settings, args.as_user))
    except ConfigError as exc:
        print(f"samenbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except MigrationError as exc:
        print(f"samenbot: database error: {exc}", file=sys.stderr)
        return 2
    except AlreadyRunning as exc:
        print(f"samenbot: {exc}", file=sys.stderr)
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
