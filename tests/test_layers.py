"""The project's layers, from its own imports (every import counted, those inside functions and under
TYPE_CHECKING too): no cycle among the project's modules, and nothing below the web app imports it.

Layers, bottom up: lmm.config (settings) -> loaders, indicators -> warehouse -> stewards -> dashboard and the
lmm command line (peers at the top)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("lmm", "loaders", "indicators", "warehouse", "stewards", "dashboard")
BELOW_THE_WEB_APP = ("loaders", "indicators", "warehouse", "stewards", "lmm")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def import_graph() -> dict[str, set[str]]:
    """module -> the project modules it imports (the longest known prefix of each imported name)."""
    known = modules()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        found: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {resolve(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found |= {resolve(f"{node.module}.{a.name}") or resolve(node.module) for a in node.names}
        graph[name] = {m for m in found if m and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), or a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "stewards.store" in graph["lmm.cli"], "lmm build imports the steward store inside cmd_build"
    assert len(graph) > 100


def test_no_import_cycle_among_the_projects_modules() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_check_finds_a_planted_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("package", BELOW_THE_WEB_APP)
def test_nothing_below_the_web_app_imports_it(package: str) -> None:
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in import_graph().items()
        if module.split(".")[0] == package
        for target in targets
        if target.split(".")[0] == "dashboard"
    )
    assert upward == []


def test_the_steward_web_glue_holds_no_domain_module() -> None:
    """dashboard/steward/ holds routes, views, the API glue and web sessions only; the domain is stewards/."""
    glue = {p.stem for p in (ROOT / "dashboard" / "steward").glob("*.py")}
    assert glue == {"__init__", "api", "auth", "routes", "views"}
