"""Debian's chromium for the report tests (Playwright with its executable path, no download)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
#: headless, and no background connections (this machine's network is closed)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip when Debian's chromium is missing; in CI (``CI=true``) fail instead, since
    ``.ci/run`` installs it."""
    if Path(CHROMIUM).exists() and shutil.which("chromium") is not None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI must have Debian's chromium (.ci/run installs it)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
