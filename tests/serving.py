"""Helpers the tests share for serving and browsing on 127.0.0.1: a static host that honours
``Range: bytes=N-`` (the pulls' resume) and the system Chromium the browser tests drive."""

from __future__ import annotations

import os
import re
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


def require_chromium() -> Path:
    """The system Chromium; a missing one fails under CI (``.ci/run`` installs it) and skips elsewhere."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium before the tests", pytrace=False)
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium); the browser tests need it",
                    allow_module_level=True)
    return CHROMIUM


class RangeHost(BaseHTTPRequestHandler):
    """A quiet request handler whose :meth:`send_body` answers ``Range: bytes=N-`` with 206."""

    def log_message(self, *args) -> None:
        pass

    def send_body(self, body: bytes, *, cut: bool = False) -> None:
        """Send ``body`` (from the requested offset); ``cut`` announces the full length, sends half
        and drops the connection, like an interrupted download."""
        offset = 0
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
        if match:
            offset = int(match[1])
            if offset >= len(body):
                self.send_error(416, "range not satisfiable")
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {offset}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        part = body[offset:]
        self.send_header("Content-Length", str(len(part)))
        self.end_headers()
        if cut:
            self.wfile.write(part[: len(part) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(part)
