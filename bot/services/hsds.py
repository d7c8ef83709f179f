"""Import and export of the social map in an Open Referral HSDS 3.0 style.

CSV package (a folder or a .zip) with these files; ``x_`` columns and files are our
extensions:

- organizations.csv: id, name, url, email
- services.csv: id, organization_id, name, description, url, email, status (active|inactive),
  eligibility_description, fees_description, assured_date (last verified, YYYY-MM-DD),
  x_line (0|1|2), x_categories (category codes separated by spaces)
- locations.csv: id, organization_id, name, latitude, longitude
- addresses.csv: id, location_id, address_1, city, postal_code
- service_at_locations.csv: id, service_id, location_id
- phones.csv: id, service_id, number
- schedules.csv: id, service_id, byday (MO … SU), opens_at, closes_at (HH:MM)
- languages.csv: id, service_id, code
- x_translations.csv: service_id, language, name, description

JSON: a list of services (or ``{"services": [...]}``), each with ``organization``,
``service_at_locations[].location`` (with ``addresses``), ``phones``, ``schedules``,
``languages``, ``x_line``, ``x_categories`` and ``x_translations``.

An import is all or nothing: every rejected row is reported with file, line and reason. What
is read is bounded first (``hsds_input``): package size, zip compression, JSON nesting and
shape, field lengths, and ids that fit on a button.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from bot.services.hsds_input import (
    ImportRejected,
    Problem,
    field_problem,
    id_problem,
    json_services,
    package_files,
)
from bot.storage.socialmap import Entry

__all__ = ["ImportRejected", "Problem", "read", "to_json", "write"]

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

COLUMNS = {
    "organizations.csv": ("id", "name", "url", "email"),
    "services.csv": ("id", "organization_id", "name", "description", "url", "email", "status",
                     "eligibility_description", "fees_description", "assured_date", "x_line",
                     "x_categories"),
    "locations.csv": ("id", "organization_id", "name", "latitude", "longitude"),
    "addresses.csv": ("id", "location_id", "address_1", "city", "postal_code"),
    "service_at_locations.csv": ("id", "service_id", "location_id"),
    "phones.csv": ("id", "service_id", "number"),
    "schedules.csv": ("id", "service_id", "byday", "opens_at", "closes_at"),
    "languages.csv": ("id", "service_id", "code"),
    "x_translations.csv": ("service_id", "language", "name", "description"),
}
REQUIRED = ("organizations.csv", "services.csv")

Rows = list[tuple[int, dict[str, str]]]


# reading -----------------------------------------------------------------------------------------
def _rows(name: str, raw: bytes, problems: list[Problem]) -> Rows:
    """The rows of one CSV file with the line each starts on (a quoted description may span
    lines)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, 0, f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
        return []
    reader, rows, start = csv.DictReader(io.StringIO(text)), [], 1
    try:
        missing = [c for c in COLUMNS[name] if c not in (reader.fieldnames or [])]
        if missing:
            problems.append(Problem(name, 1, "missing columns: " + ", ".join(missing)))
            return []
        start = reader.line_num + 1
        for row in reader:
            rows.append((start, {k: (v or "").strip() for k, v in row.items()
                                 if isinstance(k, str) and k}))
            start = reader.line_num + 1
    except csv.Error as exc:  # a field over the csv module's 128 KB limit, a stray NUL
        problems.append(Problem(name, start, f"not valid CSV: {exc}"))
        return []
    return rows


def read(path: Path, known_categories: set[str]) -> list[Entry]:
    """Entries from a CSV package or HSDS JSON; raises ImportRejected with every problem."""
    if path.suffix.lower() == ".json":
        return from_json(path, known_categories)
    files = package_files(path, set(COLUMNS))
    problems: list[Problem] = []
    for name in REQUIRED:
        if name not in files:
            problems.append(Problem(name, 0, "file missing from the package"))
    tables = {name: _rows(name, raw, problems) for name, raw in files.items()}
    if problems:
        raise ImportRejected(problems)
    entries = _build(tables, known_categories, problems)
    if problems:
        raise ImportRejected(problems)
    return entries


def _limits(tables: dict[str, Rows], problems: list[Problem]) -> None:
    """Every field within its length; every service id usable on a button."""
    for table, rows in tables.items():
        for number, row in rows:
            for column, value in row.items():
                reason = field_problem(column, value)
                if reason is None and table == "services.csv" and column == "id" and value:
                    reason = id_problem(value)
                if reason is not None:
                    problems.append(Problem(table, number, reason))


def _unique(table: str, rows, key: str, problems: list[Problem]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for number, row in rows:
        if not row.get(key):
            problems.append(Problem(table, number, f"{key} is empty"))
        elif row[key] in found:
            problems.append(Problem(table, number, f"duplicate id {row[key]!r}"))
        else:
            found[row[key]] = {**row, "_line": number}
    return found


def _coordinate(value: str, low: float, high: float) -> float | None:
    if not value:
        return None
    number = float(value)
    if not low <= number <= high:
        raise ValueError
    return number


def _build(tables: dict[str, Rows], known: set[str], problems: list[Problem]) -> list[Entry]:
    _limits(tables, problems)
    organizations = _unique("organizations.csv", tables.get("organizations.csv", []), "id",
                            problems)
    services = _unique("services.csv", tables.get("services.csv", []), "id", problems)
    locations = _unique("locations.csv", tables.get("locations.csv", []), "id", problems)
    addresses = {r["location_id"]: r for _, r in tables.get("addresses.csv", [])}
    at_location = {r["service_id"]: r["location_id"]
                   for _, r in tables.get("service_at_locations.csv", [])}
    phones = {r["service_id"]: r["number"] for _, r in tables.get("phones.csv", [])}
    languages: dict[str, list[str]] = {}
    for _, r in tables.get("languages.csv", []):
        languages.setdefault(r["service_id"], []).append(r["code"])
    hours: dict[str, dict[str, list[list[str]]]] = {}
    for number, r in tables.get("schedules.csv", []):
        day, opens, closes = r["byday"].upper(), r["opens_at"], r["closes_at"]
        if day not in DAYS or not _TIME.match(opens) or not _TIME.match(closes) or opens >= closes:
            problems.append(Problem("schedules.csv", number,
                                    f"hours do not parse: {r['byday']} {opens}-{closes}"))
            continue
        hours.setdefault(r["service_id"], {}).setdefault(day.lower(), []).append([opens, closes])
    translations: dict[str, dict[str, dict[str, str]]] = {}
    for _, r in tables.get("x_translations.csv", []):
        translations.setdefault(r["service_id"], {})[r["language"]] = {
            "name": r["name"], "description": r["description"]}

    entries = []
    for sid, s in services.items():
        line = s["_line"]
        if not s["name"]:
            problems.append(Problem("services.csv", line, "name is empty"))
            continue
        organization = organizations.get(s["organization_id"])
        if organization is None:
            problems.append(Problem("services.csv", line,
                                    f"unknown organization_id {s['organization_id']!r}"))
            continue
        categories = tuple(s["x_categories"].split())
        unknown = [c for c in categories if c not in known]
        if unknown:
            problems.append(Problem("services.csv", line,
                                    "unknown category code: " + ", ".join(unknown)))
            continue
        if s["x_line"] not in ("0", "1", "2"):
            problems.append(Problem("services.csv", line, "x_line must be 0, 1 or 2"))
            continue
        location = locations.get(at_location.get(sid, ""), {})
        try:
            latitude = _coordinate(location.get("latitude", ""), -90, 90)
            longitude = _coordinate(location.get("longitude", ""), -180, 180)
        except ValueError:
            problems.append(Problem("locations.csv", location.get("_line", 0),
                                    "coordinates out of range or not numbers"))
            continue
        address = addresses.get(location.get("id", ""), {})
        entries.append(Entry(
            id=sid, organization_id=organization["id"], organization_name=organization["name"],
            name=s["name"], description=s["description"], line=int(s["x_line"]),
            categories=categories, languages=tuple(languages.get(sid, ())),
            location_id=location.get("id"), location_name=location.get("name", ""),
            address=address.get("address_1", ""), city=address.get("city", ""),
            postal_code=address.get("postal_code", ""), latitude=latitude, longitude=longitude,
            phone=phones.get(sid, ""), url=s["url"] or organization.get("url", ""),
            email=s["email"], eligibility=s["eligibility_description"],
            cost=s["fees_description"], hours=hours.get(sid, {}),
            active=s["status"] != "inactive", last_verified=s["assured_date"] or None,
            translations=translations.get(sid, {})))
    return entries


# writing -----------------------------------------------------------------------------------------
def write(entries: list[Entry], path: Path) -> None:
    """A CSV package (a folder, or a .zip when the name ends so) or HSDS JSON (.json)."""
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(to_json(entries), ensure_ascii=False, indent=2), "utf-8")
        return
    files = _tables(entries)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (path / name).write_bytes(data)


def _csv(name: str, rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS[name])
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _tables(entries: list[Entry]) -> dict[str, bytes]:
    organizations, locations, tables = {}, {}, {name: [] for name in COLUMNS}
    for e in entries:
        organizations[e.organization_id] = {"id": e.organization_id,
                                            "name": e.organization_name, "url": "", "email": ""}
        tables["services.csv"].append({
            "id": e.id, "organization_id": e.organization_id, "name": e.name,
            "description": e.description, "url": e.url, "email": e.email,
            "status": "active" if e.active else "inactive",
            "eligibility_description": e.eligibility, "fees_description": e.cost,
            "assured_date": e.last_verified or "", "x_line": e.line,
            "x_categories": " ".join(e.categories)})
        if e.location_id:
            if e.location_id not in locations:
                locations[e.location_id] = True
                tables["locations.csv"].append({
                    "id": e.location_id, "organization_id": e.organization_id,
                    "name": e.location_name, "latitude": "" if e.latitude is None else e.latitude,
                    "longitude": "" if e.longitude is None else e.longitude})
                tables["addresses.csv"].append({
                    "id": f"{e.location_id}-address", "location_id": e.location_id,
                    "address_1": e.address, "city": e.city, "postal_code": e.postal_code})
            tables["service_at_locations.csv"].append({
                "id": f"{e.id}-at-{e.location_id}", "service_id": e.id,
                "location_id": e.location_id})
        if e.phone:
            tables["phones.csv"].append({"id": f"{e.id}-phone", "service_id": e.id,
                                         "number": e.phone})
        for n, code in enumerate(e.languages):
            tables["languages.csv"].append({"id": f"{e.id}-lang-{n}", "service_id": e.id,
                                            "code": code})
        for day in DAYS:
            for n, (opens, closes) in enumerate(e.hours.get(day.lower(), [])):
                tables["schedules.csv"].append({
                    "id": f"{e.id}-{day}-{n}", "service_id": e.id, "byday": day,
                    "opens_at": opens, "closes_at": closes})
        for language, text in sorted(e.translations.items()):
            tables["x_translations.csv"].append({"service_id": e.id, "language": language,
                                                 **text})
    tables["organizations.csv"] = list(organizations.values())
    return {name: _csv(name, rows) for name, rows in tables.items()}


def to_json(entries: list[Entry]) -> dict:
    services = []
    for e in entries:
        service = {
            "id": e.id, "name": e.name, "description": e.description, "url": e.url,
            "email": e.email, "status": "active" if e.active else "inactive",
            "eligibility_description": e.eligibility, "fees_description": e.cost,
            "assured_date": e.last_verified, "x_line": e.line,
            "x_categories": list(e.categories),
            "organization": {"id": e.organization_id, "name": e.organization_name},
            "phones": [{"number": e.phone}] if e.phone else [],
            "languages": [{"code": c} for c in e.languages],
            "schedules": [{"byday": day, "opens_at": o, "closes_at": c}
                          for day in DAYS for o, c in e.hours.get(day.lower(), [])],
            "x_translations": e.translations,
            "service_at_locations": [],
        }
        if e.location_id:
            service["service_at_locations"].append({"location": {
                "id": e.location_id, "name": e.location_name, "latitude": e.latitude,
                "longitude": e.longitude, "addresses": [{
                    "address_1": e.address, "city": e.city, "postal_code": e.postal_code}]}})
        services.append(service)
    return {"services": services}


def from_json(path: Path, known: set[str]) -> list[Entry]:
    """The JSON form goes through the same checks as the CSV package (rows = services); every
    problem is reported at the line its service starts on."""
    tables: dict[str, Rows] = {name: [] for name in COLUMNS}
    organizations: dict[str, tuple[int, dict[str, str]]] = {}
    for line, s in json_services(path):
        org, sid = s["organization"], s["id"]
        organizations.setdefault(org["id"], (line, {**org, "url": "", "email": ""}))
        tables["services.csv"].append((line, {
            "id": sid, "organization_id": org["id"], "name": s["name"],
            "description": s["description"], "url": s["url"], "email": s["email"],
            "status": s["status"] or "active",
            "eligibility_description": s["eligibility_description"],
            "fees_description": s["fees_description"], "assured_date": s["assured_date"],
            "x_line": s["x_line"], "x_categories": " ".join(s["x_categories"])}))
        for loc in s["locations"]:
            tables["locations.csv"].append((line, {
                "id": loc["id"], "organization_id": org["id"], "name": loc["name"],
                "latitude": "" if loc["latitude"] is None else str(loc["latitude"]),
                "longitude": "" if loc["longitude"] is None else str(loc["longitude"])}))
            tables["addresses.csv"].append((line, {
                "id": "", "location_id": loc["id"], "address_1": loc["address_1"],
                "city": loc["city"], "postal_code": loc["postal_code"]}))
            tables["service_at_locations.csv"].append((line, {
                "id": "", "service_id": sid, "location_id": loc["id"]}))
        for number in s["phones"]:
            tables["phones.csv"].append((line, {"id": "", "service_id": sid, "number": number}))
        for code in s["languages"]:
            tables["languages.csv"].append((line, {"id": "", "service_id": sid, "code": code}))
        for sched in s["schedules"]:
            tables["schedules.csv"].append((line, {"id": "", "service_id": sid, **sched}))
        for language, text in s["x_translations"].items():
            tables["x_translations.csv"].append((line, {
                "service_id": sid, "language": language, **text}))
    # locations may repeat across services: keep the first of each id
    seen, unique_locations = set(), []
    for line, row in tables["locations.csv"]:
        if row["id"] not in seen:
            seen.add(row["id"])
            unique_locations.append((line, row))
    tables["locations.csv"] = unique_locations
    tables["organizations.csv"] = list(organizations.values())
    problems: list[Problem] = []
    entries = _build(tables, known, problems)
    if problems:  # in JSON every table is the one file
        raise ImportRejected([Problem(path.name, p.line, p.reason) for p in problems])
    return entries
