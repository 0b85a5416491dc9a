"""Shared fixtures: tiny sites built in temporary folders, and the real site."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from familiensite.pipeline import BuildResult, build_project

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = date(2026, 11, 21)  # fixed "today" so tests do not depend on the clock

MakeSite = Callable[..., Path]


def make_project(target: Path, fixture: str = "minimal", files: dict[str, str | bytes | None] | None = None, content_from: Path | None = None) -> Path:
    """A project folder: content copied from a fixture (or the real content/), the repository's templates.

    ``files`` overlays content: a path relative to the project ("content/x.yaml") mapped to text,
    bytes, or None to delete the file.
    """
    source = content_from or FIXTURES / fixture / "content"
    shutil.copytree(source, target / "content")
    (target / "templates").symlink_to(ROOT / "templates")
    for relative, data in (files or {}).items():
        path = target / relative
        if data is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return target


@pytest.fixture
def make_site(tmp_path: Path) -> MakeSite:
    """``make_site(files={...})`` → a project folder based on tests/fixtures/minimal."""
    counter = iter(range(1000))

    def make(fixture: str = "minimal", files: dict[str, str | bytes | None] | None = None) -> Path:
        return make_project(tmp_path / f"project{next(counter)}", fixture, files)

    return make


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The real content/ built once per test session into a temporary site/."""
    project = make_project(tmp_path_factory.mktemp("real"), content_from=ROOT / "content")
    result = build_project(project, project / "site", today=TODAY)
    assert result.written, [p.message for p in result.problems]
    return result


@pytest.fixture(scope="session")
def real_site(real_build: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of the built real site (served under /familie/)."""
    return next(iter(tmp_path_factory.getbasetemp().glob("real*/site")))
