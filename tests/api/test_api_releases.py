"""Citable releases: after a newer release is published, ?release=<first> answers exactly as before."""

from __future__ import annotations

from tests.conftest import data_dir_set

URLS = [
    "/api/v1/scorecards/MEX",
    "/api/v1/observations?indicator=female_lfpr&country=MEX",
    "/api/v1/observations?indicator=ilo_c189&format=csv",
    "/api/v1/corridors/MEX/USA",
    "/api/v1/methodology",
    "/api/v1/indicators",
]


def test_earlier_release_stays_readable_and_unchanged(client, two_releases, release_id, data_dir):
    first, second = two_releases.first, two_releases.second
    assert first == release_id and second > first
    with data_dir_set(data_dir):  # the session's data dir: only the first release exists there
        before = {url: client.get(url).get_data() for url in URLS}
    with data_dir_set(two_releases.data_dir):  # the same release after a newer one was published over it
        current = client.get("/api/v1/scorecards/MEX")
        assert current.headers["X-LMM-Release"] == second and current.get_json()["status_year"] == 2024
        for url in URLS:
            sep = "&" if "?" in url else "?"
            pinned = client.get(f"{url}{sep}release={first}")
            assert pinned.status_code == 200 and pinned.headers["X-LMM-Release"] == first, url
            assert pinned.get_data() == before[url], f"{url} changed after a new release was published"
        listed = client.get("/api/v1/releases").get_json()
        assert listed["current"] == second
        by_id = {r["release_id"]: r for r in listed["releases"]}
        assert by_id[second]["actor"] == "pytest" and "second release" in by_id[second]["summary"]
        assert by_id[first]["available"] and not by_id[first]["current"]
