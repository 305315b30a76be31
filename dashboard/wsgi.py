"""WSGI entry point for gunicorn (`gunicorn dashboard.wsgi:server`). No database is opened at import."""

from dashboard.app import create_app, tune_garbage_collection

app = create_app()
server = app.server
tune_garbage_collection()
