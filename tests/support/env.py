"""Environment helpers shared by the browser, HTML-validation and nginx tests.

The external tools (Chromium, java + vnu.jar, nginx, node_modules/axe-core)
are optional on a developer machine but mandatory in CI: locally a missing tool
skips the test with a clear reason, under CI (env ``CI`` set to anything but
``""``, ``0``, ``false`` or ``no``) it fails the test, so that CI can never go
green by silently skipping the proofs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: The repository root (…/tests/support/env.py → …).
REPO_ROOT = Path(__file__).resolve().parents[2]

#: Where ``npm ci --ignore-scripts`` puts the JavaScript/Java test tools.
NODE_MODULES = REPO_ROOT / "node_modules"


def in_ci() -> bool:
    """True when running under CI (env ``CI`` set and not a false-ish value)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_tool(reason: str, *, hint: str = "") -> None:
    """Skip (locally) or fail (under CI) because a required tool is missing.

    Never returns. ``hint`` tells how to install the tool.
    """
    message = reason + (f" ({hint})" if hint else "")
    if in_ci():
        pytest.fail(f"CI must run this test, but: {message}", pytrace=False)
    pytest.skip(message)
