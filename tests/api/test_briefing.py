"""The MEX briefing pack, produced offline: a self-contained HTML and a PDF whose every page carries the release
id and the sources; the pages are rendered to PNG (poppler's pdftoppm) and checked as images."""

from __future__ import annotations

import re
import shutil
import subprocess
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
    assert html.count('src="data:image/png;base64,') >= 3, "score chart, time series and map are inlined"
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
