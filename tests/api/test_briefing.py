"""The MEX briefing pack, produced offline: a self-contained HTML and a PDF whose every page carries the release
id and the sources; the pages are rendered to PNG (poppler's pdftoppm) and checked as images. In Spanish and
French it says what the profile page says; the render-ahead job writes every country's briefings."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import escape
from pathlib import Path

import numpy as np
import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _need(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.fail(f"{tool} is not installed: `make install-test` installs it (Debian chromium / poppler-utils)")
    return found


@pytest.fixture(scope="module")
def pdf(client, release_id: str) -> bytes:
    _need("chromium")
    answer = client.get("/api/v1/briefings/MEX.pdf")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/pdf" and answer.headers["X-LMM-Release"] == release_id
    return answer.data


def test_html_is_self_contained(client, release_id):
    html = client.get("/api/v1/briefings/MEX.html").get_data(as_text=True)
    assert release_id in html and "Mexico (MEX)" in html
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html), "nothing may load from the network"
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') >= 3, "score chart, series and map inline"
    assert "Achieved" in html and "✓" in html, "levels carry icon and label"


def test_pdf_pages_carry_release_and_sources(pdf, release_id, tmp_path):
    from pypdf import PdfReader

    path = tmp_path / "MEX.pdf"
    path.write_bytes(pdf)
    pages = PdfReader(path).pages
    assert 3 <= len(pages) <= 12
    for number in range(1, len(pages) + 1):
        text = subprocess.run(
            [_need("pdftotext"), "-f", str(number), "-l", str(number), "-layout", str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        assert f"release {release_id}" in text, f"page {number} lacks the release id"
        assert "Sources:" in text and f"page {number} of {len(pages)}" in text, f"page {number} lacks its footer"


def _ppm(path: Path) -> np.ndarray:
    """A binary PPM (P6, what pdftoppm writes by default) as a height x width x 3 array."""
    data = path.read_bytes()
    match = re.match(rb"(P6)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S)
    assert match is not None, "not a binary PPM"
    _magic, width, height, _maxval, rest = match.groups()
    return np.frombuffer(rest, dtype=np.uint8).reshape(int(height), int(width), 3)


def test_pdf_pages_render_as_images(pdf, tmp_path):
    path = tmp_path / "MEX.pdf"
    path.write_bytes(pdf)
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("briefing-MEX-*.png"):
        old.unlink()
    subprocess.run([_need("pdftoppm"), "-r", "60", "-png", str(path), str(ARTIFACTS / "briefing-MEX")], check=True)
    assert sorted(ARTIFACTS.glob("briefing-MEX-*.png")), "pdftoppm wrote no PNG page (for people to look at)"
    subprocess.run([_need("pdftoppm"), "-r", "40", str(path), str(tmp_path / "page")], check=True)
    pages = [_ppm(p) for p in sorted(tmp_path.glob("page-*.ppm"))]
    for number, page in enumerate(pages, start=1):
        height, width, _ = page.shape
        assert width < height, "A4 portrait"
        ink = (page.mean(axis=2) < 200).mean()
        assert ink > 0.01, f"page {number} looks blank"
        footer = page[int(height * 0.93) :, : width // 2].mean(axis=2)
        assert (footer < 128).any(), f"page {number} has no footer text"
    colours = {tuple(c) for page in pages[:3] for c in page.reshape(-1, 3)[::7]}
    green, orange = (0, 158, 115), (230, 159, 0)
    assert any(_near(c, green) for c in colours) and any(_near(c, orange) for c in colours), "level colours drawn"


def _near(colour: tuple, target: tuple, tolerance: int = 12) -> bool:
    return all(abs(int(a) - b) <= tolerance for a, b in zip(colour, target, strict=True))


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_a_briefing_in_spanish_or_french_says_what_the_page_says(client, release_id, lang):
    from dashboard.i18n import percent, t, use_lang
    from warehouse.connection import cursor
    from warehouse.scorecard import read_scorecard

    answer = client.get(f"/api/v1/briefings/NPL.html?lang={lang}&release={release_id}")
    assert answer.status_code == 200 and f'<html lang="{lang}">' in answer.get_data(as_text=True)
    html = answer.get_data(as_text=True)
    card = read_scorecard(cursor(release_id)[1], "NPL", release_id)
    with use_lang(lang):
        assert t("app.title") in html
        for group in [*card["themes"], *card["principles"]]:
            if group["status"] != "scored":
                words = t(f"scorecard.status.{group['status']}", n=group["n_with_data"] or 0,
                          of=group["n_mapped"] or 0, needed=percent(card["coverage_threshold"]),
                          minimum=card["min_indicators"])  # fmt: skip
                assert escape(words) in html, words
            for item in group["missing"]:
                reason = t(f"missing.{item['reason']}", year=item.get("year") or "-", since=item.get("since") or "-",
                           label=item.get("category_label") or "-")  # fmt: skip
                assert escape(reason) in html, reason


def test_an_area_without_a_scorecard_has_no_briefing(client):
    answer = client.get("/api/v1/briefings/BVT.pdf")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "no_scorecard"


def test_an_unknown_language_is_refused(client):
    answer = client.get("/api/v1/briefings/MEX.html?lang=de")
    assert answer.status_code == 400 and answer.get_json()["error"]["parameter"] == "lang"


def test_the_job_renders_every_country_ahead(client, release_id, data_dir, monkeypatch):
    """The render-ahead job on a release, limited to three areas: their briefings in three languages on disk, the HTML
    the same as rendered on request and the PDF the one served, written once, requests' wishes first; the job lock
    keeps a second job out; a finished release is not redone."""
    from dashboard.api import briefings_ahead
    from dashboard.api.briefing import render_html
    from warehouse import briefing

    _need("chromium")
    codes = ["MEX", "PRI", "PCN"]  # a state, a territory with data, a territory with none
    monkeypatch.setattr(briefings_ahead, "countries", lambda _release: codes)
    monkeypatch.setattr("dashboard.api.quiet_cpu.QUIET_SHARE", float("inf"))  # never held (test_quiet_cpu.py)
    (briefing.folder(release_id) / briefing.WANTED).mkdir(exist_ok=True)
    (briefing.folder(release_id) / briefing.WANTED / "PCN.fr").touch()
    assert list(briefings_ahead.Queue(release_id, codes))[:3] == [("PCN", "fr"), ("MEX", "en"), ("PRI", "en")]
    on_disk = sum(briefing.path_of(release_id, c, lang, "pdf").exists() for c in codes for lang in ("en", "es", "fr"))
    with briefing.job_lock(release_id) as ours:
        assert ours and briefing.job_running(release_id)
        with briefing.job_lock(release_id) as second:
            assert not second, "one job per release"
        done = briefings_ahead.run(release_id)
    assert done["failed"] == [] and done["stopped"] is None and done["countries"] == 3
    assert done["printers"] == briefings_ahead.printers() >= 1
    assert done["written"] == 9 - on_disk, "each briefing printed once (MEX.en is on disk when a test asked for it)"
    for iso3 in codes:
        for lang in ("en", "es", "fr"):
            pdf = briefing.path_of(release_id, iso3, lang, "pdf")
            assert pdf.read_bytes().startswith(b"%PDF"), pdf
            html = briefing.path_of(release_id, iso3, lang, "html").read_text(encoding="utf-8")
            assert html == render_html(release_id, iso3, lang), "rendered ahead = rendered on request"
    assert briefings_ahead.run(release_id)["written"] == 0, "what is on disk is not rendered again"
    served = client.get("/api/v1/briefings/PCN.pdf?lang=fr")
    assert served.data == briefing.path_of(release_id, "PCN", "fr", "pdf").read_bytes(), "served from disk"
    monkeypatch.setenv("LMM_BRIEFINGS_AHEAD", "auto")
    assert not briefings_ahead.enabled({"SERVER_SOFTWARE": "Werkzeug/3.1"})
    assert briefings_ahead.enabled({"SERVER_SOFTWARE": "gunicorn/27.0.1"})
    monkeypatch.setenv("LMM_BRIEFINGS_AHEAD", "0")
    assert not briefings_ahead.enabled({"SERVER_SOFTWARE": "gunicorn/27.0.1"})


def test_older_releases_rendered_ahead_are_pruned(tmp_path, monkeypatch):
    """Besides the release just rendered, only the newest other complete set is kept; sets rendered on request
    (no `.complete.json`) are left to the release's own pruning."""
    from dashboard.api import briefings_ahead
    from warehouse import briefing

    monkeypatch.setenv("LMM_DATA_DIR", str(tmp_path))
    for release in ("r1", "r2", "r3", "r4"):
        folder = briefing.folder(release)
        (folder / "MEX.en.pdf").write_bytes(b"%PDF")
        if release != "r1":
            (folder / briefing.COMPLETE).write_text("{}")
    assert briefings_ahead.prune_rendered("r4") == ["r2"]
    assert sorted(p.name for p in (tmp_path / "briefings").iterdir()) == ["r1", "r3", "r4"]
