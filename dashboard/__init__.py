"""The Dash app: pages, components, queries, the HTTP API and the steward workflow."""
