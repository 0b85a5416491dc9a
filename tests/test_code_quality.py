"""The code stays as configured in pyproject.toml: ruff's rules and mypy --strict."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_ruff_finds_nothing_in_the_package_tests_and_benchmark() -> None:
    run = _run("ruff", "check", "familiensite", "tests", "bench")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_strict_finds_nothing_in_the_package() -> None:
    run = _run("mypy", "familiensite")
    assert run.returncode == 0, run.stdout + run.stderr
