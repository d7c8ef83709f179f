"""Settings read once from the environment into a frozen object (never at import)."""

from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.languages import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    token: str
    data_dir: Path
    admin_ids: frozenset[int] = frozenset()
    timezone: str = "Europe/Amsterdam"
    default_language: str = "nl"
    api_base_url: str | None = None
    api_base_file_url: str | None = None
    send_rate: float = 25.0  # outbox messages a second, overall
    max_missed_training_days: int = 2
    follow_up_days: int = 7
    fee_per_session: int = 40  # euro, for a table session with a report
    fee_max_per_series: int = 240
    voucher_max: int = 500  # euro
    voucher_count: int = 15  # vouchers the programme can grant
    series_quiet_days: int = 21
    referral_follow_up_days: int = 14
    outbox_retention_days: int = 30  # what sent messages said is kept this long
    draft_days: int = 14  # unfinished answers are dropped when untouched this long
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one JSON object a line
    backup_dir: Path | None = None  # default: <data_dir>/backups
    backup_days: int = 7  # backups older than this are deleted (erasure reaches them)
    outbox_keep_days: int = 365  # delivery facts of sent messages are deleted after this
    webhook_url: str | None = None  # the public https URL Telegram posts updates to
    webhook_secret: str | None = None  # default: derived from the token
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8080
    locales_dir: Path = field(default=ROOT / "locales")
    migrations_dir: Path = field(default=ROOT / "migrations")

    @property
    def database_path(self) -> Path:
        return self.data_dir / "samenbot.sqlite3"

    @property
    def heartbeat_path(self) -> Path:
        return self.data_dir / "heartbeat.json"

    @property
    def secret_token(self) -> str:
        """What Telegram sends with every webhook call; derived from the token unless set, so
        it survives restarts without one more setting."""
        if self.webhook_secret:
            return self.webhook_secret
        return hashlib.sha256(b"samenbot-webhook:" + self.token.encode()).hexdigest()[:48]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _admin_ids(raw: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in re.split(r"[,\s]+", raw.strip()):
        if not part:
            continue
        if not (part.isascii() and part.isdigit()):
            raise ConfigError(
                f"SAMEN_ADMIN_IDS must be Telegram user ids separated by commas, got {part!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def _url(name: str, raw: str | None) -> str | None:
    if not raw:
        return None
    if not re.match(r"^https?://[^\s/]+", raw):
        raise ConfigError(f"{name} must be an http(s) URL, got {raw!r}")
    return raw


def load_settings(env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Settings:
    """Builds Settings from ``env`` (default ``os.environ``); raises ConfigError on bad values."""
    env = os.environ if env is None else env
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if require_token and not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather")
    if token and not _TOKEN_RE.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN looks malformed: expected <digits>:<letters>")
    timezone = env.get("SAMEN_TIMEZONE", "").strip() or "Europe/Amsterdam"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"SAMEN_TIMEZONE is not a known time zone: {timezone!r}") from exc
    language = env.get("SAMEN_DEFAULT_LANGUAGE", "").strip() or "nl"
    if language not in LANGUAGES:
        raise ConfigError(
            f"SAMEN_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {language!r}"
        )
    raw_rate = env.get("SAMEN_SEND_RATE", "").strip() or "25"
    try:
        send_rate = float(raw_rate)
    except ValueError:
        send_rate = 0.0
    # Telegram accepts about 30 a second; an emulator in a benchmark accepts anything, and
    # SAMEN_SEND_RATE_UNCHECKED=1 lets a benchmark measure the bot rather than the pacing.
    most = math.inf if env.get("SAMEN_SEND_RATE_UNCHECKED", "").strip() == "1" else 30
    if not 0 < send_rate <= most:
        raise ConfigError(f"SAMEN_SEND_RATE must be above 0 and at most 30, got {raw_rate!r}")
    raw_missed = env.get("SAMEN_MAX_MISSED_TRAINING_DAYS", "").strip() or "2"
    if not (raw_missed.isascii() and raw_missed.isdigit()) or not 0 < int(raw_missed) <= 6:
        raise ConfigError(
            f"SAMEN_MAX_MISSED_TRAINING_DAYS must be a number from 1 to 6, got {raw_missed!r}")
    raw_follow = env.get("SAMEN_FOLLOW_UP_DAYS", "").strip() or "7"
    if not (raw_follow.isascii() and raw_follow.isdigit()) or not 0 < int(raw_follow) <= 60:
        raise ConfigError(f"SAMEN_FOLLOW_UP_DAYS must be a number from 1 to 60, got {raw_follow!r}")
    fees = {}
    for name, default in (("SAMEN_FEE_PER_SESSION", "40"), ("SAMEN_FEE_MAX_PER_SERIES", "240"),
                          ("SAMEN_VOUCHER_MAX", "500"), ("SAMEN_VOUCHER_COUNT", "15"),
                          ("SAMEN_SERIES_QUIET_DAYS", "21"),
                          ("SAMEN_REFERRAL_FOLLOW_UP_DAYS", "14"),
                          ("SAMEN_OUTBOX_RETENTION_DAYS", "30"), ("SAMEN_DRAFT_DAYS", "14"),
                          ("SAMEN_BACKUP_DAYS", "7"), ("SAMEN_OUTBOX_KEEP_DAYS", "365")):
        raw = env.get(name, "").strip() or default
        if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= 10_000:
            raise ConfigError(f"{name} must be a whole positive number, got {raw!r}")
        fees[name] = int(raw)
    log_level = (env.get("SAMEN_LOG_LEVEL", "").strip() or "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"SAMEN_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got "
                          f"{log_level!r}")
    log_format = env.get("SAMEN_LOG_FORMAT", "").strip().lower() or "text"
    if log_format not in ("text", "json"):
        raise ConfigError(f"SAMEN_LOG_FORMAT must be text or json, got {log_format!r}")
    webhook_url = _url("SAMEN_WEBHOOK_URL", env.get("SAMEN_WEBHOOK_URL", "").strip())
    secret = env.get("SAMEN_WEBHOOK_SECRET", "").strip() or None
    if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
        raise ConfigError("SAMEN_WEBHOOK_SECRET must be 16 to 256 letters, digits, _ or -")
    raw_port = env.get("SAMEN_WEBHOOK_PORT", "").strip() or "8080"
    if not (raw_port.isascii() and raw_port.isdigit()) or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"SAMEN_WEBHOOK_PORT must be a port number, got {raw_port!r}")
    backup_dir = env.get("SAMEN_BACKUP_DIR", "").strip()
    data_dir = Path(env.get("SAMEN_DATA_DIR", "").strip() or "./data")
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"SAMEN_DATA_DIR is not a directory: {str(data_dir)!r}")
    return Settings(
        token=token or "123456:CONSOLE",
        data_dir=data_dir,
        admin_ids=_admin_ids(env.get("SAMEN_ADMIN_IDS", "")),
        timezone=timezone,
        default_language=language,
        api_base_url=_url("TELEGRAM_API_BASE_URL", env.get("TELEGRAM_API_BASE_URL")),
        api_base_file_url=_url("TELEGRAM_API_BASE_FILE_URL", env.get("TELEGRAM_API_BASE_FILE_URL")),
        send_rate=send_rate,
        max_missed_training_days=int(raw_missed),
        follow_up_days=int(raw_follow),
        fee_per_session=fees["SAMEN_FEE_PER_SESSION"],
        fee_max_per_series=fees["SAMEN_FEE_MAX_PER_SERIES"],
        voucher_max=fees["SAMEN_VOUCHER_MAX"],
        voucher_count=fees["SAMEN_VOUCHER_COUNT"],
        series_quiet_days=fees["SAMEN_SERIES_QUIET_DAYS"],
        referral_follow_up_days=fees["SAMEN_REFERRAL_FOLLOW_UP_DAYS"],
        outbox_retention_days=fees["SAMEN_OUTBOX_RETENTION_DAYS"],
        draft_days=fees["SAMEN_DRAFT_DAYS"],
        log_level=log_level,
        log_format=log_format,
        backup_dir=Path(backup_dir) if backup_dir else None,
        backup_days=fees["SAMEN_BACKUP_DAYS"],
        outbox_keep_days=fees["SAMEN_OUTBOX_KEEP_DAYS"],
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_listen=env.get("SAMEN_WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
        webhook_port=int(raw_port),
    )
