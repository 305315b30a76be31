"""The HTTP API (/api/v1): routes (routes.py), the per-request release and errors (common.py), its queries
(queries.py), the in-memory observation index (index.py), practices, briefings, and the OpenAPI document
(spec.py, spec_schemas.py). One package: the pages import nothing from here but what they link to."""
