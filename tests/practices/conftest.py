"""Practice test fixtures: an in-process client of the real app on the session's release."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def app_client(release_id: str):
    from dashboard.app import create_app

    return create_app().server.test_client()
