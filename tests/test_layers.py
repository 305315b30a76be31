"""The project's layers, from its own imports (every import counted, those inside functions and under
TYPE_CHECKING too): no cycle among the project's modules, and nothing below the web app imports it.

Layers, bottom up: lmm.config (settings) -> loaders, indicators -> warehouse -> stewards -> dashboard and the
lmm command line (peers at the top). Inside the web app the read model (dashboard/queries/) returns data and the
pages speak: nothing the queries import, directly or through another module, writes words."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("lmm", "loaders", "indicators", "warehouse", "stewards", "dashboard")
BELOW_THE_WEB_APP = ("loaders", "indicators", "warehouse", "stewards", "lmm")
READ_MODEL = "dashboard.queries"
WORDS = ("dashboard.i18n", "dashboard.components", "dashboard.pages", "dashboard.memo")  # the page side


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


def import_chains(graph: dict[str, set[str]], start: str, targets: tuple[str, ...]) -> list[str]:
    """'a -> b -> c' for every module under `targets` that `start` imports, directly or through others (the
    shortest chain to each)."""
    came_from: dict[str, str | None] = {start: None}
    queue = [start]
    for module in queue:
        for nxt in sorted(graph.get(module, ())):
            if nxt not in came_from:
                came_from[nxt] = module
                queue.append(nxt)
    chains = []
    for found in sorted(m for m in came_from if _under(m, targets)):
        chain: list[str] = []
        step: str | None = found
        while step is not None:
            chain.append(step)
            step = came_from[step]
        chains.append(" -> ".join(reversed(chain)))
    return chains


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_read_model_imports_no_words() -> None:
    """dashboard/queries/ returns values, codes, levels and English names; the catalogue (dashboard.i18n), the
    components and the pages turn them into words, so no query's answer (or memo key) depends on the language."""
    graph = import_graph()
    queries = sorted(m for m in graph if _under(m, (READ_MODEL,)))
    assert len(queries) >= 9
    assert [chain for module in queries for chain in import_chains(graph, module, WORDS)] == []


def test_the_chain_check_finds_an_indirect_import() -> None:
    graph = {"q.a": {"q.b"}, "q.b": {"w.i18n"}, "w.i18n": set()}
    assert import_chains(graph, "q.a", ("w",)) == ["q.a -> q.b -> w.i18n"]


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
    assert glue == {"__init__", "api", "auth", "routes", "views", "review_api", "review_views", "confirm_api"}
