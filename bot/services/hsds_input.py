"""Reading a social-map import defensively: the file comes from anywhere (another
organisation's export, a volunteer's spreadsheet) and is read whole, so its size, a zip's
compression, JSON nesting and shape, field lengths and entry ids are checked before anything
is built. Every problem becomes ``file:line: reason`` (``file: reason`` without a line); no
input ends in a traceback.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

# The CSV files (or the JSON file) of one import, unpacked: a district's map of 5,000 entries
# with four translations is about 10 MB; twice that is room, and still small in memory.
MAX_PACKAGE_BYTES = 20_000_000
# CSV text deflates about 5 to 20 to 1; a zip member beyond 100 to 1 is not an export but a
# bomb (a 300 MB CSV in 310 KB is about 1,000 to 1). Checked before anything is unpacked.
MAX_RATIO = 100
# The deepest object a service has here is 8 levels down (services → service →
# service_at_locations → location → addresses → address); HSDS fields we ignore go a little
# deeper. Far below what would exhaust the parser.
MAX_DEPTH = 20
# Per field, in characters. A card shows name, description, address, city, phone and url:
# with these caps it always fits in one Telegram message (4,096).
FIELD_MAX = 200
FIELD_MAX_BY_COLUMN = {"description": 2000, "eligibility_description": 2000,
                       "fees_description": 2000, "url": 500, "x_categories": 500}
# An entry id travels in callback data, at most 64 bytes: "fd:map:<id>" (/find's "Show on
# the map", the longest prefix), "rr:e:<id>" (/refer), "mk:e:<id>" (/mapkeep). Only
# characters no parser splits on or refuses: ASCII letters, digits, "-" and "_" (the set
# ``bot.callbacks`` accepts in a part), so one character is one byte.
ID_MAX = 64 - len("fd:map:")
_ID = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 0: the problem is the file's as a whole
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else \
            f"{self.file}: {self.reason}"


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def reject(file: str, reason: str, line: int = 0) -> ImportRejected:
    return ImportRejected([Problem(file, line, reason)])


# fields and ids ----------------------------------------------------------------------------------
def field_problem(column: str, value: str) -> str | None:
    cap = FIELD_MAX_BY_COLUMN.get(column, FIELD_MAX)
    return f"{column} is longer than {cap:,} characters" if len(value) > cap else None


def id_problem(value: str) -> str | None:
    """Why an entry id could not be put on a button, or None."""
    if len(value) > ID_MAX:
        return (f"id {value[:20]!r}… is {len(value)} characters; at most {ID_MAX} (it goes into "
                f"Telegram's 64-byte button data)")
    if not _ID.fullmatch(value):
        return f"id {value!r} may only use the letters A-Z and a-z, digits, '-' and '_'"
    return None


# CSV packages ------------------------------------------------------------------------------------
def _size(size: int) -> str:
    return f"{size:,} bytes"


def package_files(path: Path, names: set[str]) -> dict[str, bytes]:
    """The CSV files named ``names`` in a folder or a .zip, read within the caps."""
    if path.is_dir():
        return _folder(path, names)
    if not path.exists():
        raise reject(path.name, "no such file or folder")
    if zipfile.is_zipfile(path):
        return _unzip(path, names)
    raise reject(path.name, "not a folder, a .zip or a .json file")


def _folder(path: Path, names: set[str]) -> dict[str, bytes]:
    found = {p.name: p for p in path.glob("*.csv") if p.name in names}
    try:
        total = sum(p.stat().st_size for p in found.values())
        if total > MAX_PACKAGE_BYTES:
            raise reject(path.name, f"the CSV files are {_size(total)}; at most "
                                    f"{_size(MAX_PACKAGE_BYTES)} in all")
        return {name: p.read_bytes() for name, p in found.items()}
    except OSError as exc:
        raise reject(Path(exc.filename or path).name,
                     f"cannot be read: {exc.strerror}") from exc


def _unzip(path: Path, names: set[str]) -> dict[str, bytes]:
    """Sizes and ratios come from the zip's directory, checked before a byte is unpacked;
    reading is capped as well, in case the directory lies."""
    problems: list[Problem] = []
    try:
        with zipfile.ZipFile(path) as archive:
            members = {}
            for info in archive.infolist():
                name = PurePosixPath(info.filename).name
                if info.is_dir() or name not in names:
                    continue
                if name in members:
                    problems.append(Problem(path.name, 0, f"{name} is in the zip twice"))
                members[name] = info
                if info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    problems.append(Problem(path.name, 0, (
                        f"{name} would unpack to {info.file_size // max(info.compress_size, 1):,}"
                        f" times its packed size; at most {MAX_RATIO}")))
            total = sum(info.file_size for info in members.values())
            if total > MAX_PACKAGE_BYTES:
                problems.append(Problem(path.name, 0, (
                    f"the CSV files would unpack to {_size(total)}; at most "
                    f"{_size(MAX_PACKAGE_BYTES)} in all")))
            if problems:
                raise ImportRejected(problems)
            files, budget = {}, MAX_PACKAGE_BYTES
            for name, info in members.items():
                with archive.open(info) as member:
                    data = member.read(min(budget, info.file_size) + 1)
                if len(data) > info.file_size:
                    raise reject(path.name, f"{name} unpacks to more than the zip says")
                budget -= len(data)
                files[name] = data
            return files
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
            NotImplementedError) as exc:  # damaged, encrypted, an unknown compression
        raise reject(path.name, f"cannot be unpacked: {exc}") from exc


# JSON --------------------------------------------------------------------------------------------
_STRING = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")
_SPACE = re.compile(r"[ \t\n\r]*")


def json_services(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, checked service) for each service of an HSDS JSON file: a list of services, or
    ``{"services": [...]}``. Every service is checked; all problems are raised together."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            raise reject(name, f"{_size(size)}; at most {_size(MAX_PACKAGE_BYTES)}")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise reject(name, f"cannot be read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise reject(name, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    deep = _too_deep(text)
    if deep:
        raise reject(name, f"nested more than {MAX_DEPTH} levels deep", deep)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise reject(name, f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) \
            from exc
    if isinstance(data, dict):
        if "services" not in data:
            raise reject(name, 'no "services": expected a list of services, or an object '
                               'with a "services" list')
        services = data["services"]
        if not isinstance(services, list):
            raise reject(name, f'"services" must be a list, not {_kind(services)}')
    elif isinstance(data, list):
        services = data
    else:
        raise reject(name, f"expected a list of services, or an object with a \"services\" "
                           f"list; found {_kind(data)}")
    found, problems = [], []
    for line, service in zip(_lines(text, _service_starts(text)), services, strict=True):
        try:
            found.append((line, _service(service)))
        except _Wrong as wrong:
            problems.append(Problem(name, line, str(wrong)))
    if problems:
        raise ImportRejected(problems)
    return found


def _too_deep(text: str) -> int | None:
    """The line where nesting first goes deeper than MAX_DEPTH, before the parser recurses
    into it (strings are blanked first: a bracket in a name is not nesting)."""
    bare = _STRING.sub('""', text)
    depth = 0
    for match in _BRACKET.finditer(bare):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return bare.count("\n", 0, match.start()) + 1
        else:
            depth -= 1
    return None


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()


def _service_starts(text: str) -> list[int]:
    """Where each service starts, found by walking the top level of the (already valid) text:
    the parser keeps no positions, and a line is what a person can look up."""
    decoder = json.JSONDecoder()
    at = _skip(text, 0)
    if text.startswith("{", at):
        services, at = at, _skip(text, at + 1)
        while text.startswith('"', at):
            key, at = decoder.raw_decode(text, at)
            at = _skip(text, _skip(text, at) + 1)  # past the colon
            if key == "services":
                services = at  # the last one counts, as for json.loads
            at = _skip(text, decoder.raw_decode(text, at)[1])
            at = _skip(text, at + 1) if text.startswith(",", at) else at
        at = services
    starts, at = [], _skip(text, at + 1)
    while not text.startswith("]", at):
        starts.append(at)
        at = _skip(text, decoder.raw_decode(text, at)[1])
        at = _skip(text, at + 1) if text.startswith(",", at) else at
    return starts


def _lines(text: str, offsets: list[int]) -> list[int]:
    lines, line, last = [], 1, 0
    for offset in offsets:
        line += text.count("\n", last, offset)
        lines.append(line)
        last = offset
    return lines


class _Wrong(Exception):
    """One field of a service does not have the expected shape."""


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {str: "text", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def _text(value: object, where: str, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _Wrong(f"{where} must be text, not {_kind(value)}")
    return value


def _object(value: object, where: str, required: bool = False) -> dict:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise _Wrong(f"{where} must be an object, not {_kind(value)}")
    return value


def _objects(value: object, where: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Wrong(f"{where} must be a list, not {_kind(value)}")
    return [_object(item, f"{where}[{n}]", required=True) for n, item in enumerate(value)]


def _number(value: object, where: str) -> float | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise _Wrong(f"{where} must be a number, not {_kind(value)}")


def _service(s: object) -> dict[str, Any]:
    """The fields we read, with their types checked (unknown HSDS fields are ignored)."""
    if not isinstance(s, dict):
        raise _Wrong(f"a service must be an object, not {_kind(s)}")
    sid = s.get("id")
    if isinstance(sid, int) and not isinstance(sid, bool):
        sid = str(sid)
    line = s.get("x_line")
    if isinstance(line, bool) or not isinstance(line, int | str):
        raise _Wrong(f"x_line must be 0, 1 or 2, not {_kind(line)}")
    categories = s.get("x_categories") or []
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise _Wrong("x_categories must be a list of category codes")
    organization = _object(s.get("organization"), "organization", required=True)
    checked: dict[str, Any] = {
        "id": _text(sid, "id", required=True), "name": _text(s.get("name"), "name", True),
        **{key: _text(s.get(key), key) for key in (
            "description", "url", "email", "status", "eligibility_description",
            "fees_description", "assured_date")},
        "x_line": str(line), "x_categories": categories,
        "organization": {"id": _text(organization.get("id"), "organization.id", True),
                         "name": _text(organization.get("name"), "organization.name")},
        "phones": [_text(p.get("number"), f"phones[{n}].number")
                   for n, p in enumerate(_objects(s.get("phones"), "phones"))],
        "languages": [_text(lang.get("code"), f"languages[{n}].code")
                      for n, lang in enumerate(_objects(s.get("languages"), "languages"))],
        "schedules": [{key: _text(sched.get(key), f"schedules[{n}].{key}")
                       for key in ("byday", "opens_at", "closes_at")}
                      for n, sched in enumerate(_objects(s.get("schedules"), "schedules"))],
        "x_translations": {}, "locations": []}
    for language, text in _object(s.get("x_translations"), "x_translations").items():
        text = _object(text, f"x_translations.{language}", required=True)
        checked["x_translations"][language] = {
            key: _text(text.get(key), f"x_translations.{language}.{key}")
            for key in ("name", "description")}
    for n, at in enumerate(_objects(s.get("service_at_locations"), "service_at_locations")):
        where = f"service_at_locations[{n}].location"
        location = _object(at.get("location"), where)
        addresses = _objects(location.get("addresses"), f"{where}.addresses")
        address = addresses[0] if addresses else {}
        checked["locations"].append({
            "id": _text(location.get("id"), f"{where}.id"),
            "name": _text(location.get("name"), f"{where}.name"),
            "latitude": _number(location.get("latitude"), f"{where}.latitude"),
            "longitude": _number(location.get("longitude"), f"{where}.longitude"),
            **{key: _text(address.get(key), f"{where}.addresses[0].{key}")
               for key in ("address_1", "city", "postal_code")}})
    return checked
