"""Publishing site/: all or nothing, reproducible, and never outside the output folder."""

from __future__ import annotations

import calendar
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from familiensite.pipeline import BuildResult, build_project
from familiensite.write import PublishError, output_lock, publish
from tests.conftest import TODAY, MakeSite, make_project
from tests.support.content import edited

EPOCH = str(calendar.timegm(TODAY.timetuple()))


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) below ``folder``, by relative path."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes() if path.is_file() else None)
        for path in sorted(folder.rglob("*"))
    }


def build(project: Path, output: Path | None = None) -> BuildResult:
    return build_project(project, output or project / "site", today=TODAY)


@pytest.fixture(autouse=True)
def reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@dataclass(frozen=True)
class Published:
    project: Path  # the minimal fixture, built once into project/site
    before_build: dict[str, bytes | None]  # the project folder before that build


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    project = make_project(tmp_path_factory.mktemp("published") / "project")
    before = tree(project)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        assert build_project(project, project / "site").written  # today from SOURCE_DATE_EPOCH
    return Published(project, before)


def copy_of(published: Published, tmp_path: Path) -> Path:
    """The built project (content, templates link, site/) copied, so a test may break it."""
    target = tmp_path / "copy"
    shutil.copytree(published.project, target, symlinks=True)
    return target


BREAKAGES: dict[str, Mapping[str, str | bytes | None]] = {
    "not-utf8": {"content/members/essen.yaml": "city: Düsseldorf\n".encode("latin-1")},
    "invalid-field": edited("content/network.yaml", "founded: 2010", "founded: zweitausendzehn"),
    "broken-link": edited("content/home.md", "Willkommen in **Teststadt**.", "[Termine](/familie/gibt-es-nicht/)"),
    "file-deleted": {"content/site.yaml": None},
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_failing_build_leaves_the_previous_site_byte_for_byte(published: Published, tmp_path: Path, breakage: str) -> None:
    project = copy_of(published, tmp_path)
    before = tree(project / "site")
    assert before == tree(published.project / "site")
    assert "index.html" in before and "netzwerk/index.html" in before
    for relative, data in BREAKAGES[breakage].items():
        path = project / relative
        if data is None:
            path.unlink()
        elif isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    result = build(project)
    assert not result.written
    assert [p for p in result.problems if p.is_error]
    assert tree(project / "site") == before


def test_a_write_that_fails_midway_leaves_the_previous_site_and_no_leftovers(published: Published, tmp_path: Path) -> None:
    project = copy_of(published, tmp_path)
    before, beside = tree(project / "site"), sorted(p.name for p in project.iterdir())
    with pytest.raises(PublishError):
        publish({"index.html": b"neu", "zzz/../../ausserhalb.html": b"nein"}, project / "site")
    assert tree(project / "site") == before
    assert sorted(p.name for p in project.iterdir()) == beside
    assert not (project / "ausserhalb.html").exists()


@pytest.mark.parametrize("path", ["../ausserhalb.html", "a/../../ausserhalb.html", "/tmp/absolut.html", "a\\..\\b.html", "a/\0.html", ""])
def test_an_output_path_that_could_leave_the_output_folder_is_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(PublishError):
        publish({path: b"x"}, tmp_path / "site")
    assert not (tmp_path / "site").exists()
    assert not (tmp_path / "ausserhalb.html").exists()


def test_building_writes_nothing_outside_the_output_folder_but_its_lock_and_the_build_cache(published: Published) -> None:
    before, after = published.before_build, tree(published.project)
    changed = {p for p in set(after) | set(before) if not p.startswith("site/") and after.get(p, b"?") != before.get(p, b"?")}
    # beside site/: hidden bookkeeping named after it (.site.lock keeps two builds apart,
    # .site.build.json is fastpath.py's record); in the project: the documented Markdown cache
    # (familiensite/cache.py, .cache/familiensite/). Nothing in content/ or templates/, nothing deleted.
    bookkeeping = {p for p in changed if re.fullmatch(r"\.site\.[a-z.]+", p)}
    cache = {p for p in changed if p == ".cache" or p == ".cache/familiensite" or p.startswith(".cache/familiensite/")}
    assert changed - {"site"} - bookkeeping - cache == set()
    assert ".site.lock" in bookkeeping
    assert all(p in after for p in before)


def test_two_builds_of_the_same_content_in_different_folders_are_byte_identical(published: Published, make_site: MakeSite) -> None:
    second = make_site()
    assert build_project(second, second / "site").written  # today from SOURCE_DATE_EPOCH, like the first
    assert tree(second / "site") == tree(published.project / "site")


def test_a_rebuild_publishes_exactly_the_new_site(make_site: MakeSite) -> None:
    project = make_site(files=edited("content/results/erste-ergebnisse.md", "conferences:\n  - online\n", ""))
    assert build(project).written
    assert (project / "site/familienkonferenzen/online/index.html").exists()
    (project / "content/conferences/online.md").unlink()
    result = build(project)
    assert result.written
    assert not (project / "site/familienkonferenzen/online").exists()
    assert sorted(p for p, data in tree(project / "site").items() if data is not None) == sorted(result.outputs)


def test_a_build_while_another_holds_the_lock_is_refused_and_changes_nothing(published: Published, tmp_path: Path) -> None:
    project = copy_of(published, tmp_path)
    before = tree(project / "site")
    (project / "content/members/essen.yaml").write_text("city: Essen\norganisation: Neu\n", encoding="utf-8")
    with output_lock((project / "site").absolute()):
        result = build(project)
    assert not result.written
    [problem] = [p for p in result.problems if p.is_error]
    assert problem.message.startswith(f"Ein anderer Bau läuft bereits für {(project / 'site').absolute()} (Prozess ")
    assert problem.hint == "Warten, bis er fertig ist, und dann erneut starten."
    assert tree(project / "site") == before


def test_a_staging_folder_left_by_a_killed_build_is_cleaned_up(published: Published, tmp_path: Path) -> None:
    project = copy_of(published, tmp_path)
    (project / "content/members/essen.yaml").write_text("city: Essen\norganisation: Neu\n", encoding="utf-8")  # so it publishes
    stale = project / ".site.new-abc123"
    (stale / "halb").mkdir(parents=True)
    assert build(project).written
    assert not stale.exists()
