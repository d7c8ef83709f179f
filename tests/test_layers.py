"""The layers stay apart: flows → services → storage, and SQL only in storage.

- no module in ``bot/flows/`` imports ``bot.storage`` or opens ``db.read()`` / ``db.tx()``
  (services re-export the few storage types flows name, such as ``Person``);
- no module in ``bot/storage/`` imports ``bot.services`` or ``bot.flows``;
- no module in ``bot/services/`` runs SQL itself (``execute(`` and friends).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQL_CALLS = ("execute(", "execute_fetchall(", "executemany(", "executescript(")


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / "bot" / folder).rglob("*.py"))


def imports(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every import, also inside functions; ``from a import b`` gives
    both ``a`` and ``a.b``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def imports_of(path: Path, *packages: str) -> list[str]:
    """``file:line: imports name`` for imports of these packages (one per line)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    hits: dict[int, str] = {}
    for line, name in imports(tree):
        if any(name == p or name.startswith(p + ".") for p in packages):
            hits.setdefault(line, name)
    return [f"{path.relative_to(ROOT)}:{line}: imports {name}"
            for line, name in sorted(hits.items())]


def database_calls(path: Path) -> list[str]:
    """``db.read()`` / ``db.tx()`` (or ``….db.read()``) calls."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("read", "tx")):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if name == "db":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: db.{node.func.attr}()")
    return found


def test_flows_reach_storage_only_through_services():
    found = [hit for path in modules("flows")
             for hit in imports_of(path, "bot.storage") + database_calls(path)]
    assert not found, "\n".join(found)


def test_storage_knows_nothing_of_services_or_flows():
    found = [hit for path in modules("storage")
             for hit in imports_of(path, "bot.services", "bot.flows")]
    assert not found, "\n".join(found)


def test_services_hold_no_sql():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in modules("services")
             for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
             if any(call in line for call in SQL_CALLS)]
    assert not found, "\n".join(found)


def test_the_checks_see_what_they_look_for(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    sample = tmp_path / "sample.py"
    sample.write_text("from bot.storage import people\nimport bot.storage.items\n"
                      "from bot import storage\nfrom bot.services import sharing\n"
                      "async def f(context):\n"
                      "    from bot.storage.people import Person\n"
                      "    async with context.services.db.read() as conn:\n"
                      "        pass\n"
                      "    async with db.tx() as conn:\n"
                      "        pass\n", "utf-8")
    lines = {hit.split(":")[1] for hit in imports_of(sample, "bot.storage")}
    assert lines == {"1", "2", "3", "6"}
    assert [hit.split(":")[1] for hit in database_calls(sample)] == ["7", "9"]
