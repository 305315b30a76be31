"""/api-docs: every endpoint of the OpenAPI document is listed, with curl and pandas examples on the current release."""

from __future__ import annotations


def test_docs_page_lists_endpoints_and_examples(client, release_id):
    import sys

    import dash

    # the module as Dash imported it (importing dashboard.pages.api_docs again would register the page twice)
    name = next(key for key, page in dash.page_registry.items() if page["path"] == "/api-docs")
    text = str(sys.modules[name].layout())
    assert release_id in text
    for path in ["/api/v1/observations", "/api/v1/scorecards/{iso3}", "/api/v1/releases/{release_id}/bulk.zip",
                 "/api/v1/briefings/{iso3}.pdf", "/api/v1/submissions"]:  # fmt: skip
        assert path in text, path
    assert "curl" in text and "pd.read_csv" in text


def test_openapi_document_is_served_and_names_every_route(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    served = {rule.rule for rule in client.application.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    described = {"/api/v1" + path.replace("{", "<").replace("}", ">") for path in document["paths"]}
    mine = {r for r in served if "submissions" not in r and "<path:rest>" not in r and r != "/api/v1/openapi.json"}
    assert mine <= described, f"routes missing from the OpenAPI document: {sorted(mine - described)}"
