"""The read-only HTTP API under /api/v1 (a Flask blueprint on the Dash server)."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify

from warehouse.connection import cursor
from warehouse.read import release_info

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")


@api.get("/health")
def health():
    release_id, cur = cursor()
    info = release_info(cur)
    observations = cur.execute("SELECT count(*) FROM observations").fetchall()[0][0]
    return jsonify(
        {"status": "ok", "release": release_id, "created_at": info["created_at"], "observations": observations}
    )


def register(server: Flask) -> None:
    server.register_blueprint(api)
