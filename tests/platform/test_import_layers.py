"""The layers of the code base, as README's "Where things are" draws them, hold.

Read from the source (every import statement, also those inside functions), so a
new module that reaches the wrong way fails here before a reviewer has to spot it:
the shell and the access module import no app; no app imports another app's views
or forms; hazards does not import inspections (inspections makes a hazard from a
failed answer, not the other way round); the parts of ``platform`` that apps use
import no app; and no two apps import each other, not even each other's
permission names (a page that asks for another app's permission looks it up in
``safeloop.access`` by its value, as templates do).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "safeloop"
# The part of ``platform`` every app may import: helpers that know no app.
PLATFORM_BASE = {
    "errors",
    "urls_util",
    "files",
    "storage",
    "middleware",
    "health",
    "industry",
    "throttle",
    "background",
    "gb6441",
    "localdays",
    "iot_registry",
    # A plan's limits, checked by the services that create what they count, and the
    # read-only lapse the apps name their exceptions to (billing).
    "limits",
    "lapse",
}


def _area(module: str) -> str | None:
    """``safeloop.tenants.hazards.x`` → ``hazards``; ``safeloop.web.x`` → ``web``."""
    parts = module.split(".")
    if parts[0] != "safeloop" or len(parts) < 2:
        return None
    if parts[1] == "tenants":
        return parts[2] if len(parts) > 2 else None
    return parts[1]


def _imports() -> dict[str, set[str]]:
    """module name → the safeloop modules it imports (``from a import b`` counts a.b too)."""
    found: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {a.name for a in node.names if a.name.startswith("safeloop")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("safeloop"):
                names.add(node.module)
                names |= {f"{node.module}.{a.name}" for a in node.names}
        found[module] = names
    return found


IMPORTS = _imports()
APPS = {"facilities", "accounts", "audit", "alerts", "hazards", "inspections", "risks"}
APPS |= {"learning", "contractors", "iot_bridge"}


def _offences(rule) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in IMPORTS.items()
        for target in targets
        if rule(module, target)
    )


def test_the_shell_and_the_access_module_import_no_app():
    offences = _offences(
        lambda m, t: _area(m) in {"web", "access"} and _area(t) in APPS | {"graphql", "portal"}
    )

    assert offences == []


def test_no_app_imports_another_apps_views_or_forms():
    def reaches_into(module: str, target: str) -> bool:
        leaf = target.split(".")[3:4]
        return (
            _area(module) != _area(target)
            and _area(target) in APPS
            and bool(leaf)
            and (leaf[0].startswith("views") or leaf[0].startswith("forms"))
            and not module.startswith("safeloop.platform.urls")
        )

    assert _offences(reaches_into) == []


def test_hazards_does_not_import_inspections():
    offences = _offences(lambda m, t: _area(m) == "hazards" and _area(t) == "inspections")

    assert offences == []


def test_the_platform_modules_apps_use_import_no_app():
    def base_reaches_up(module: str, target: str) -> bool:
        parts = module.split(".")
        return (
            _area(module) == "platform"
            and len(parts) > 2
            and parts[2] in PLATFORM_BASE
            and _area(target) in APPS | {"graphql", "portal"}
        )

    assert _offences(base_reaches_up) == []


def test_apps_import_the_platform_only_through_its_base():
    def uses_the_top(module: str, target: str) -> bool:
        parts = target.split(".")
        return (
            _area(module) in APPS | {"web", "access"}
            and _area(target) == "platform"
            and len(parts) > 2
            and parts[2] not in PLATFORM_BASE
        )

    assert _offences(uses_the_top) == []


def test_no_two_apps_import_each_other():
    edges: dict[str, set[str]] = defaultdict(set)
    for module, targets in IMPORTS.items():
        for target in targets:
            a, b = _area(module), _area(target)
            if a in APPS and b in APPS and a != b:
                edges[a].add(b)

    cycles = sorted(f"{a} ⇄ {b}" for a in edges for b in edges[a] if a in edges.get(b, ()))

    assert cycles == []


@pytest.mark.parametrize("module", ["safeloop.web.nav", "safeloop.tenants.hazards.services"])
def test_the_reader_finds_the_modules_it_checks(module):
    assert IMPORTS[module]  # the walk really read them: the rules above are not vacuous
