"""The parts and their one-way arrows (README.md, "Where things live"), read from the imports in the source.

web -> engine -> crm -> store -> builder; builder is pure (no Flask, no database), store holds the database handle.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"builder", "store", "crm", "engine", "web"}

# Each part, and the top-level packages its modules must not import.
FORBIDDEN = {
    "builder": {"flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "store", "crm", "engine", "web"},
    "store": {"crm", "engine", "web"},
    "crm": {"engine", "web", "flask", "flask_login"},
    "engine": {"web"},
}


def imported_packages(path: Path) -> set[tuple[int, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add((node.lineno, node.module.split(".")[0]))
    return found


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_a_part_imports_nothing_above_it(part):
    modules = sorted((ROOT / part).rglob("*.py"))
    assert modules, f"no modules found under {part}/"
    wrong = [f"{path.relative_to(ROOT)}:{line} imports {package}"
             for path in modules for line, package in sorted(imported_packages(path))
             if package in FORBIDDEN[part]]
    assert wrong == []


def test_the_parts_checked_are_every_package_of_ours():
    # A new top-level package of ours must be given its place among the arrows above.
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "benchmarks", "templates_library",
                                                                            "migrations"}
    assert packages == OURS
