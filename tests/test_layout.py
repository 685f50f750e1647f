"""The layout shows the design: the shared library imports no domain app, and every app imports
only the apps below it, so there is no import cycle — function-level imports included."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each app may import only the apps of the layers before its own.
LAYERS = [
    ["portal"],
    ["accounts"],
    ["complexes"],
    ["services", "evaluation"],
    ["funding"],
    ["dashboard"],
    ["config"],
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}


def imported_apps(app: str) -> set[tuple[str, str]]:
    """(imported app, file) for every import statement of ``app``, at any depth."""
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top in LAYER_OF and top != app:
                    found.add((top, str(path.relative_to(ROOT))))
    return found


@pytest.mark.parametrize("app", list(LAYER_OF))
def test_an_app_imports_only_the_layers_below_it(app):
    upward = sorted(
        f"{path} imports {imported}"
        for imported, path in imported_apps(app)
        if LAYER_OF[imported] >= LAYER_OF[app]
    )
    assert upward == []


def test_the_shared_library_imports_no_domain_app():
    assert imported_apps("portal") == set()
