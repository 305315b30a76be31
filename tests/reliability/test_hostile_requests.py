"""Every API parameter and every page URL with malformed, oversized (10 kB) and injection-shaped values: never a
500, never a reflected script; data planted in a release comes out of every page as text only; and two scans of
the source: no SQL built from strings outside a short allow-list of our own identifiers, no raw HTML in dashboard/.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ROOT
from tests.reliability.conftest import Site, publish_copy

MARK = "lmmXSS"
HOSTILE = [
    "'; DROP TABLE observations; --", '" OR "1"="1', f"<script>{MARK}()</script>", f'"><img src=x onerror={MARK}()>',
    "../../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00", "\x00", "A" * 10_240, f"javascript:{MARK}()",
    "{{7*7}}${7*7}", "\u041cEX", "-1", "9" * 30, "1e309", "NaN", "\r\nX-Injected: lmm", "[]", "{}", "null",
]  # fmt: skip
PAGE_HOSTILE = [*HOSTILE[:3], "../../../../etc/passwd", "A" * 10_240, "\x00", "\u041cEX"]  # in each path variable
QUERY_HOSTILE = [HOSTILE[0], HOSTILE[2], "A" * 10_240, "\x00"]  # in each query parameter of each page
VALID = {"indicator": "female_lfpr", "indicator_id": "female_lfpr", "iso3": "MEX", "origin": "MEX",
         "destination": "USA", "country": "MEX"}  # fmt: skip
TEXT_PROPS = {"children", "value", "title", "placeholder", "label", "data", "search", "pathname", "alt", "aria-label",
              "href", "id", "key", "text", "options", "columns", "tooltip_data", "name", "hovertext", "customdata",
              "x", "y", "z", "locations", "hovertemplate", "content",
              "figure"}  # plotly draws text with a few formatting tags and no scripts or script links  # fmt: skip
URL_PROPS = {"href", "src", "action", "formAction", "data"}


@pytest.fixture(scope="module")
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def api_requests(spec: dict, release_id: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(path, query) for every GET operation of the OpenAPI document with one parameter hostile at a time."""
    valid = VALID | {"release_id": release_id}
    for template, ops in spec["paths"].items():
        op = ops.get("get")
        if op is None or "submission" in template:
            continue
        params = op.get("parameters", [])
        required = {p["name"]: valid.get(p["name"], "x") for p in params if p.get("required") and p["in"] == "query"}
        for param in params:
            for value in HOSTILE:
                path_values = {p["name"]: valid.get(p["name"], "x") for p in params if p["in"] == "path"}
                query = dict(required)
                if param["in"] == "path":
                    path_values[param["name"]] = value
                else:
                    query[param["name"]] = value
                path = template
                for name, text in path_values.items():
                    path = path.replace("{" + name + "}", quote(text, safe=""))
                yield "/api/v1" + path, query


def no_reflected_script(response) -> None:
    assert "X-Injected" not in response.headers
    if response.mimetype in ("text/html", "application/xhtml+xml"):
        body = response.get_data(as_text=True)
        assert f"<script>{MARK}" not in body and "<img src=x onerror" not in body  # escaped, the tags are inert


def test_every_api_parameter_with_hostile_values_is_never_a_500(client: FlaskClient) -> None:
    from warehouse import releases

    spec = client.get("/api/v1/openapi.json").get_json()
    seen = 0
    for path, query in api_requests(spec, releases.current_release_id() or ""):
        answer = client.get(path, query_string=query)
        assert answer.status_code < 500, (path, {k: v[:60] for k, v in query.items()}, answer.get_data()[:300])
        no_reflected_script(answer)
        seen += 1
    assert seen > 500


def test_steward_urls_with_hostile_values_are_never_a_500(site: Site, app: Flask) -> None:
    from tests.reliability.test_access_matrix import signed_in

    admin = signed_in(app, "admin")
    for value in HOSTILE:
        part = quote(value, safe="")
        for path in (f"/steward/submissions/{part}", f"/steward/submissions/{part}/problems.csv",
                     f"/steward/template.{part}", f"/steward/login?next={part}", f"/api/v1/submissions/{part}"):  # fmt: skip
            answer = admin.get(path, headers=site.auth("admin"))
            assert answer.status_code < 500, (path[:80], answer.status_code)
            no_reflected_script(answer)


# --- Dash pages ---------------------------------------------------------------------------------------------


def render(client: FlaskClient, pathname: str, search: str = "") -> object:
    """What the browser gets for a URL: the pages callback's layout JSON (Dash renders it as components)."""
    payload = {
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                   {"id": "_pages_location", "property": "search", "value": search}],
        "changedPropIds": ["_pages_location.pathname"], "state": [],
    }  # fmt: skip
    answer = client.post("/_dash-update-component", json=payload)
    assert answer.status_code < 500, (pathname[:80], search[:80], answer.get_data(as_text=True)[-600:])
    return answer.get_json() if answer.status_code == 200 else None


def components(node: object) -> Iterator[dict]:
    """Every component (type, namespace, props) in a layout."""
    if isinstance(node, dict):
        if "namespace" in node and "type" in node:
            yield node
        for value in node.values():
            yield from components(value)
    elif isinstance(node, list):
        for item in node:
            yield from components(item)


def texts(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        if "namespace" not in node:  # a nested component is visited on its own
            for value in node.values():
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def assert_text_only(layout: object, marker: str = MARK) -> None:
    """The hostile marker appears only in text properties (children, table cells, labels...), no component switches
    raw HTML on, no URL property holds a script URL, and no Markdown cell links to one."""
    for component in components(layout):
        props = component.get("props", {})
        assert not props.get("dangerously_allow_html"), f"raw HTML in a {component['type']}"
        assert not (props.get("markdown_options") or {}).get("html"), "a table renders HTML in Markdown cells"
        for name, value in props.items():
            if name == "children" and isinstance(value, dict | list) and any(True for _ in components(value)):
                continue  # child components are visited on their own
            for text in texts(value):
                if name in URL_PROPS:
                    assert not re.match(r"\s*(javascript|vbscript|data:text/html)", text, re.I), (name, text[:80])
                if marker in text:
                    assert name in TEXT_PROPS, f"{marker} in {component['type']}.{name}: {text[:120]}"
                    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", text, re.I), text[:120]
        markdown = [
            c["id"] for c in props.get("columns") or [] if isinstance(c, dict) and c.get("presentation") == "markdown"
        ]
        for row in props.get("data") or [] if markdown else []:
            for column in markdown:
                assert not re.search(r"\]\(\s*(javascript|vbscript|data):", str(row.get(column)), re.I), row
        if component["type"] == "Markdown":
            assert marker not in json.dumps(props.get("children")), "data in a Markdown component"


def page_urls() -> Iterator[tuple[str, str]]:
    """(pathname, search) for every registered page: each path variable and each query parameter hostile."""
    import dash

    for page in list(dash.page_registry.values()):
        template = page.get("path_template") or page["path"]
        names = re.findall(r"<(\w+)>", template)
        layout = page.get("layout")
        params = [p for p in inspect.signature(layout).parameters if p not in names and not p.startswith("_")] if (
            callable(layout)) else []  # fmt: skip
        params = [p for p in params if inspect.signature(layout).parameters[p].kind.name != "VAR_KEYWORD"]
        base = template
        for name in names:
            base = base.replace(f"<{name}>", VALID.get(name, "MEX"))
        for value in PAGE_HOSTILE:
            for name in names:
                yield base.replace(VALID.get(name, "MEX"), quote(value, safe=""), 1), ""
        for value in QUERY_HOSTILE:
            for param in [*params, "release", "nonsense"]:
                yield base, "?" + urlencode({param: value})


def test_every_page_url_with_hostile_values_renders_text_only(client: FlaskClient) -> None:
    count = 0
    for pathname, search in page_urls():
        layout = render(client, pathname, search)
        if layout is not None:
            assert_text_only(layout)
        count += 1
    assert count > 50


@pytest.fixture(scope="module")
def planted(site: Site) -> Iterator[str]:
    """A release whose data carries hostile text where stewards and publishers write text: a country's name, value
    labels, flags, event notes, source titles and citations."""
    from warehouse import releases

    before = releases.current_release_id()
    script = f"<script>{MARK}()</script>"

    def plant(con) -> None:
        con.execute("UPDATE countries SET name = ? || name WHERE iso3 = 'MEX'", [script])
        con.execute("UPDATE observations SET flags = ?, value_label = coalesce(value_label, ?) WHERE country = 'MEX'",
                    [f"submitted_by={script};note=[x](javascript:{MARK}())", None])  # fmt: skip
        con.execute("UPDATE events SET note = ? WHERE country = 'MEX'", [script])
        con.execute("UPDATE sources SET title = title || ?, citation = ?", [script, f"<b onclick={MARK}()>c</b>"])

    yield publish_copy(tamper=plant)
    if before:
        releases.rollback(before, actor="pytest")


def test_hostile_data_in_a_release_is_shown_as_text_only(client: FlaskClient, planted: str) -> None:
    for pathname in ["/", "/country/MEX", "/indicator/female_lfpr", "/corridor/MEX/USA", "/compare", "/framework",
                     "/sources", "/practices"]:  # fmt: skip
        for search in ("", "?countries=MEX"):
            layout = render(client, pathname, search)
            assert layout is not None
            assert_text_only(layout)
    scorecard = client.get("/api/v1/scorecards/MEX")
    assert scorecard.status_code == 200 and MARK in scorecard.get_data(as_text=True)  # JSON keeps the text as is
    assert scorecard.mimetype == "application/json"


# --- source scans -------------------------------------------------------------------------------------------

SQL_CALLS = {"execute", "executemany", "executescript", "sql", "query", "read_sql", "read_sql_query"}
# Functions allowed to build SQL text, and why what they put in it is ours (values always go as parameters).
SQL_ALLOWED = {
    ("dashboard/queries/indicator.py", "year_range"): "table name from a two-way constant choice",
    ("stewards/diff.py", "release_rows"): "a list of '?' placeholders",
    ("stewards/store.py", "insert_submission"): "column names checked against SUBMISSION_COLUMNS",
    ("stewards/store.py", "update_submission"): "column names checked against SUBMISSION_COLUMNS",
    ("stewards/store.py", "list_submissions"): "a WHERE clause from a two-way constant choice",
    ("stewards/store.py", "finish_check"): "column names checked against SUBMISSION_COLUMNS",
    ("stewards/store.py", "_insert_rows"): "ROW_COLUMNS and as many '?' placeholders",
    ("stewards/store.py", "_add_columns"): "column names and types from ADDED_COLUMNS",
    ("stewards/publish.py", "served_in"): "table and column names from CARRIERS; the pattern is a parameter",
    ("warehouse/tables.py", "write_tables"): "table names of the release being built",
    ("warehouse/bulk.py", "write_zip"): "table names of the release",
    ("warehouse/bulk.py", "_has_table"): "table names of the release",
    ("warehouse/read.py", "table_counts"): "table names listed by DuckDB itself",
    ("warehouse/lake_setup.py", "attach_lake"): "ATTACH takes no parameters: literals through quote()",
    ("warehouse/lake_setup.py", "_install_missing"): "INSTALL takes no parameters: a path through quote()",
    **{(path, fn): "DuckLake DDL: release table names, attach aliases, int()/quote()d literals"
       for path, fns in (("warehouse/ducklake.py", ("_prune", "locked_writer", "publish")),
                         ("warehouse/lake_reader.py", ("_forget_pruned", "_opened", "_table_source", "attach_release",
                                                       "cursor")))
       for fn in fns},
}  # fmt: skip


def _safe(node: ast.AST) -> bool:
    """A string the code spells out: literals, ALL_CAPS constants (and entries of constant tables), and joins,
    f-strings or conditional choices of those."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.lstrip("_").isupper()
    if isinstance(node, ast.Attribute):  # module.CONSTANT
        return node.attr.lstrip("_").isupper()
    if isinstance(node, ast.Subscript):
        return _safe(node.value)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.JoinedStr):
        return all(_safe(v.value) if isinstance(v, ast.FormattedValue) else True for v in node.values)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
        return _safe(node.func.value) and all(_safe(a) for a in node.args)
    return False


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def _sql_helpers(tree: ast.AST) -> dict[str, int]:
    """Functions of a module that pass a parameter of theirs to execute() (e.g. records(cur, sql, params)): name ->
    position. Their callers in the module are checked instead, at that argument."""
    helpers = {}
    for fn in _functions(tree):
        names = [a.arg for a in fn.args.args]
        for call in [n for n in ast.walk(fn) if isinstance(n, ast.Call) and n.args]:
            first = call.args[0]
            if (isinstance(call.func, ast.Attribute) and call.func.attr in SQL_CALLS and isinstance(first, ast.Name)
                    and first.id in names):  # fmt: skip
                helpers[fn.name] = names.index(first.id)
    return helpers


def _bindings(fn: ast.AST) -> dict[str, ast.AST]:
    """What each local name is assigned; loop variables over a constant table count as constants."""
    local: dict[str, ast.AST] = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            local |= {t.id: node.value for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.comprehension | ast.For):
            source = node.iter
            if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute):
                source = source.func.value  # CONSTANT.items() / .values()
            if _safe(source):
                local |= {n.id: ast.Constant("") for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    return local


def built_sql() -> set[tuple[str, str, int]]:
    """(file, function, line) of every SQL call whose text is built from something other than literals."""
    found = set()
    for package in ("lmm", "loaders", "indicators", "warehouse", "stewards", "dashboard"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text())
            helpers = _sql_helpers(tree)
            for fn in _functions(tree):
                params, local = {a.arg for a in fn.args.args}, _bindings(fn)
                for call in [n for n in ast.walk(fn) if isinstance(n, ast.Call) and n.args]:
                    attr = isinstance(call.func, ast.Attribute)
                    name = call.func.attr if attr else getattr(call.func, "id", "")  # type: ignore[attr-defined]
                    position = 0 if (attr and name in SQL_CALLS) else (helpers.get(name) if not attr else None)
                    if position is None or position >= len(call.args):
                        continue
                    given = call.args[position]
                    if isinstance(given, ast.Name) and given.id in params and fn.name in helpers:
                        continue  # the helper's own pass-through: its callers are checked
                    text: ast.AST = local.get(given.id, given) if isinstance(given, ast.Name) else given
                    if not _safe(text):
                        found.add((str(path.relative_to(ROOT)), fn.name, call.lineno))
    return found


def test_no_sql_is_built_from_strings_outside_the_allow_list() -> None:
    built = built_sql()
    unexpected = sorted(f"{f}:{line} {fn}()" for f, fn, line in built
                        if (f, fn) not in SQL_ALLOWED)  # fmt: skip
    assert unexpected == [], "SQL text built from strings (pass values as parameters): " + ", ".join(unexpected)
    assert len(built) >= 5  # the scan does see the allowed ones


def test_the_sql_scan_catches_a_planted_f_string() -> None:
    tree = ast.parse("def f(cur, name):\n    sql = f'SELECT * FROM t WHERE name = {name}'\n    cur.execute(sql)\n")
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    assert not _safe(_bindings(fn)["sql"]) and _safe(ast.parse("'SELECT ' + COLUMNS", mode="eval").body)


RAW_HTML = [r"dangerously_allow_html\s*=\s*True", r"DangerouslySetInnerHTML", r"\bsrcDoc\b", r"\bMarkup\(",
            r"\|\s*safe\b", r"autoescape\s+false", r"render_template_string", r"['\"]html['\"]\s*:\s*True",
            r"innerHTML", r"\bIframe\("]  # fmt: skip


def test_no_raw_html_from_data_anywhere_in_dashboard() -> None:
    hits = []
    for path in sorted((ROOT / "dashboard").rglob("*")):
        if path.suffix not in (".py", ".html", ".js") or "__pycache__" in path.parts:
            continue
        text = path.read_text(errors="replace")
        hits += [f"{path.relative_to(ROOT)}: {pattern}" for pattern in RAW_HTML if re.search(pattern, text)]
    assert hits == []
