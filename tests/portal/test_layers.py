"""The house reads one way (DESIGN.md section 3): every import between the portal's packages
points down a floor, never up or sideways against the order below, so no cycle can form."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each package with the packages it may import. Above the data floor's own order (trusts, then
# colleges, then hubs), planning reads every app, and the roof (portal) wires them all together.
MAY_IMPORT = {
    "core": set(),
    "pathways": {"core"},
    "trusts": {"core", "pathways"},
    "colleges": {"core", "pathways", "trusts"},
    "hubs": {"core", "pathways", "trusts", "colleges"},
    "planning": {"core", "pathways", "trusts", "colleges", "hubs"},
    "portal": {"core", "pathways", "trusts", "colleges", "hubs", "planning"},
}


def _imports(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def _upward_imports(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for line, target in _imports(path):
            if target in MAY_IMPORT and target != package and target not in MAY_IMPORT[package]:
                found.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return found


@pytest.mark.parametrize("package", sorted(MAY_IMPORT))
def test_package_imports_only_the_floors_below_it(package):
    assert (ROOT / package).is_dir()
    assert _upward_imports(package) == []


def test_the_ground_floor_is_a_package_that_imports_no_app():
    assert MAY_IMPORT["core"] == set()
    assert _upward_imports("core") == []
