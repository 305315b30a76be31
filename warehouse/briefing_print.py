"""One kept headless Chromium that prints HTML files to PDF, driven over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: JSON messages ended by a NUL byte, Chromium reading fd 3 and writing fd 4).

Starting Chromium for each file costs ~1-3 s; a kept one prints a briefing in ~0.2-0.5 s. The same output as
`chromium --print-to-pdf` (the page's own @page size, margins and boxes; no browser header or footer), offline
(file: URLs only; no network service is used). Used by the render-ahead job, one file at a time.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from warehouse.briefing import PDF_TIMEOUT_S, BriefingError, chromium

FLAGS = ["--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-extensions", "--mute-audio"]  # fmt: skip
PRINT = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}


class PdfPrinter:
    """`with PdfPrinter() as printer: printer.print(html_path, pdf_path)`; Chromium ends with the block."""

    def __init__(self, timeout_s: float = PDF_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self._buffer = b""
        self._next_id = 0

    def __enter__(self) -> PdfPrinter:
        self._profile = tempfile.mkdtemp(prefix="lmm-chromium-")
        ours_read, chromium_write = os.pipe()
        chromium_read, ours_write = os.pipe()

        def wire() -> None:  # in the child, before exec: its fd 3 reads our commands, its fd 4 writes the answers
            keep_read = fcntl.fcntl(chromium_read, fcntl.F_DUPFD, 10)
            keep_write = fcntl.fcntl(chromium_write, fcntl.F_DUPFD, 10)
            os.dup2(keep_read, 3)
            os.dup2(keep_write, 4)

        command = [chromium(), *FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        self._process = subprocess.Popen(command, preexec_fn=wire, close_fds=False, stdin=subprocess.DEVNULL,  # noqa: PLW1509
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        os.close(chromium_read)
        os.close(chromium_write)
        self._read, self._write = ours_read, ours_write
        try:
            target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
            self._session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._call("Page.enable", {}, self._session)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._process.poll() is None:
                self._send("Browser.close", {})
                self._process.wait(timeout=10)
        except (OSError, BriefingError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        finally:
            for fd in (self._read, self._write):
                try:
                    os.close(fd)
                except OSError:
                    pass
            shutil.rmtree(self._profile, ignore_errors=True)

    def print(self, html_path: Path, pdf_path: Path) -> None:
        """Load the file, print it, write the PDF atomically."""
        self._send("Page.navigate", {"url": html_path.resolve().as_uri()}, self._session)
        self._until(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == self._session)
        data = base64.b64decode(self._call("Page.printToPDF", PRINT, self._session)["data"])
        if not data.startswith(b"%PDF"):
            raise BriefingError(f"Chromium printed no PDF for {html_path.name}")
        tmp = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, pdf_path)

    def _call(self, method: str, params: dict[str, Any], session: str | None = None) -> dict[str, Any]:
        number = self._send(method, params, session)
        answer = self._until(lambda m: m.get("id") == number)
        if "error" in answer:
            raise BriefingError(f"Chromium refused {method}: {answer['error']}")
        return answer.get("result", {})

    def _send(self, method: str, params: dict[str, Any], session: str | None = None) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _until(self, wanted: Any) -> dict[str, Any]:
        """Read messages until one `wanted` accepts (events in between are dropped), within the timeout."""
        deadline = time.monotonic() + self.timeout_s
        while True:
            while b"\0" in self._buffer:
                raw, _, self._buffer = self._buffer.partition(b"\0")
                message = json.loads(raw)
                if wanted(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise BriefingError(f"Chromium did not answer within {self.timeout_s:.0f} s")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise BriefingError("Chromium ended unexpectedly")
            self._buffer += chunk
