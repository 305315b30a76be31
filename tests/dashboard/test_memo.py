"""dashboard/memo.py and dashboard/pages/_query.py: a page resolves ?release= once to the concrete release id and
keeps a layout per release, language and URL (never stale: a release never changes); the one memo is bounded."""

from __future__ import annotations

import importlib
import threading
import time

import dash
import pytest

from dashboard.i18n import use_lang
from dashboard.memo import memo
from dashboard.pages._query import one


@pytest.fixture(scope="module")
def page(release_id: str, tmp_path_factory: pytest.TempPathFactory):
    """The country page under a Dash app with no other pages (register_page needs an app), its memo emptied."""
    dash.Dash(__name__, use_pages=True, pages_folder=str(tmp_path_factory.mktemp("no-pages")))
    module = importlib.import_module("dashboard.pages.country")
    module.layout.cache_clear()
    return module


def test_a_layout_asked_again_is_the_kept_one(page, release_id: str) -> None:
    first = page.layout(iso3="PHL")
    assert page.layout(iso3="PHL") is first
    pinned = page.layout(iso3="PHL", release=release_id)  # another URL, the same release: the same figures
    assert pinned is page.layout(iso3="PHL", release=release_id) and pinned.children[0].data == first.children[0].data


def test_language_and_url_keep_layouts_apart(page) -> None:
    english = page.layout(iso3="GHA")
    with use_lang("fr"):
        french = page.layout(iso3="GHA")
        assert french is page.layout(iso3="GHA")
    assert french is not english
    assert page.layout(iso3="GHA", group="principle") is not english


def test_the_memo_is_bounded_and_keyed_by_every_argument() -> None:
    calls: list[tuple] = []

    @memo(2)
    def double(x: int, *, sex: str = "total") -> tuple:
        calls.append((x, sex))
        return (2 * x, sex)

    assert double(1) == double(1) == (2, "total") and calls == [(1, "total")]
    double(1, sex="female")
    double(2)  # three keys kept in a memo of two: the oldest (1, total) goes
    double(1)
    assert calls == [(1, "total"), (1, "female"), (2, "total"), (1, "total")]


def test_a_result_asked_for_by_many_threads_at_once_is_worked_out_once() -> None:
    """After a publish, a worker's threads all ask for the new release's shared pieces: one works each out, the
    others wait for it; a failure is not kept, and the next asker tries again."""
    calls: list[int] = []
    started = threading.Event()

    @memo(4)
    def slow(x: int) -> int:
        calls.append(x)
        started.set()
        time.sleep(0.3)
        if x < 0:
            raise ValueError(x)
        return 2 * x

    threads = [threading.Thread(target=lambda: answers.append(slow(5))) for _ in range(6)]
    answers: list[int] = []
    threads[0].start()
    started.wait(5)
    for thread in threads[1:]:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert answers == [10] * 6 and calls == [5]
    for _ in range(2):
        with pytest.raises(ValueError):
            slow(-1)
    assert calls == [5, -1, -1]
    assert slow(6) == 12 and calls == [5, -1, -1, 6], "another key is not held by the one before"


@pytest.mark.parametrize(("value", "expected"), [(None, None), ("", None), ("MEX", "MEX"), (["MEX", "PHL"], "MEX"),
                                                 ([], None), (2020, "2020")])  # fmt: skip
def test_one_value_per_query_key(value: object, expected: str | None) -> None:
    assert one(value) == expected
