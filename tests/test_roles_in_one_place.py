"""The four role names are spelled out in ``bot/access.py`` only; everywhere else the code
says ``Role.X`` or asks a predicate (``access.is_trainer``), so a typo cannot hide a check."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROLE_LITERAL = re.compile(r"""(["'])(resident|organiser|trainer|admin)\1""")


def role_literals(path: Path) -> list[str]:
    """``file:line: text`` of every line with a role name in single or double quotes."""
    return [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
            if ROLE_LITERAL.search(line)]


def test_role_names_are_spelled_only_in_access():
    found = [hit for path in sorted((ROOT / "bot").rglob("*.py"))
             if path != ROOT / "bot" / "access.py" for hit in role_literals(path)]
    assert not found, "role names as string literals outside bot/access.py:\n" + "\n".join(found)


def test_the_search_sees_both_quotes_and_sql(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    sample = tmp_path / "sample.py"
    sample.write_text('ok = Role.TRAINER\nif role == "trainer":\n    pass\n'
                      "sql = \"SELECT * FROM person WHERE role = 'organiser'\"\n"
                      "x = {'admin': 1}\nname = 'administrator'\n", "utf-8")
    assert [hit.split(":")[1] for hit in role_literals(sample)] == ["2", "4", "5"]
