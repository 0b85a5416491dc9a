"""The preview's incremental rebuild equals a fresh full build, after any sequence of edits.

Each test edits a small project (tests/fixtures/minimal, with its own copy of the
templates so templates can be edited too), rebuilds the preview and compares its
folder byte for byte with ``build_project`` into an empty folder. When the full
build fails, the preview must fail with the same problems and keep the last good
site.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from familiensite.incremental import diff_outputs, read_templates, template_dependencies
from familiensite.pipeline import build_project
from familiensite.preview import PreviewBuilder, RebuildReport
from familiensite.templating import make_environment
from tests.conftest import ROOT, TODAY, make_project
from tests.support.events import EventRecorder

Edit = Callable[[Path], None]


def editable_project(target: Path) -> Path:
    """The minimal fixture with a real copy of templates/ (the shared fixture links them)."""
    project = make_project(target)
    (project / "templates").unlink()
    shutil.copytree(ROOT / "templates", project / "templates")
    return project


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


class Checker:
    """A project, its preview builder, and the comparison with a fresh full build after each edit."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.project = editable_project(root / "project")
        self.preview = self.project / ".cache" / "preview"
        self.builder = PreviewBuilder(self.project, self.preview, TODAY)
        self.full_builds = 0
        self.last_good: dict[str, bytes] | None = None
        self.events: EventRecorder | None = None  # when set, each rebuild gets the paths its events reported

    def rebuild_and_compare(self, halves: bool = False) -> RebuildReport:
        """``rebuild()``, or with ``halves`` the dev server's way: ``rebuild_pages()`` then ``complete()``."""
        changed = self.events.settle() if self.events is not None else None
        report = self._rebuild_in_halves(changed) if halves else self.builder.rebuild(changed)
        assert not report.crashed, report.crashed
        self.full_builds += 1
        full_folder = self.root / f"full{self.full_builds}"
        full = build_project(self.project, full_folder, today=TODAY)
        assert report.ok == full.written, (report.problems, full.problems)
        assert report.problems == full.problems
        if report.ok:
            expected = tree(full_folder)
            actual = tree(self.preview)
            assert sorted(actual) == sorted(expected), "files differ"
            different = [path for path in expected if expected[path] != actual[path]]
            assert not different, f"bytes differ: {different}"
            assert folders(self.preview) == folders(full_folder), "empty folders left behind"
            self.last_good = expected
            shutil.rmtree(full_folder)
        else:
            assert tree(self.preview) == self.last_good, "a failed rebuild must keep the last good site"
        return report


    def _rebuild_in_halves(self, changed: frozenset[str] | None) -> RebuildReport:
        before = tree(self.preview) if self.preview.exists() else None
        pages = self.builder.rebuild_pages(changed)
        if not pages.ok:
            assert self.builder.complete() is None, "nothing to complete after a failed first half"
            return pages
        written = tree(self.preview)
        for path in pages.rendered:  # the edited pages are there before the second half runs
            assert path in written
        rest = self.builder.complete()
        assert rest is not None
        if not rest.ok:  # found by the second half (a broken link): the first half's pages stay written
            assert before is not None
            self.last_good = tree(self.preview)
        return RebuildReport(rest.problems, rest.ok, rest.base_path, pages.rendered, pages.changes, crashed=rest.crashed)


# --- edits --------------------------------------------------------------------------------------


_counter = itertools.count(1)


def _replace(path: Path, old: str, new: str) -> None:
    """Replace once; a no-op when an earlier edit already removed the file or the text (random sequences)."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    if old in text:
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


CONFERENCE = "content/conferences/{slug}.md"
NEW_CONFERENCE = "---\ntitle: Familienkonferenz {name}\nformat: online\nstatus: planned\nteaser: Neu im Test.\n---\nText über {name}.\n"


def edit_conference_title(p: Path) -> None:
    _replace(p / CONFERENCE.format(slug="online"), "title: ", f"title: Geändert {next(_counter)} ")


def edit_conference_body(p: Path) -> None:
    path = p / CONFERENCE.format(slug="linden-sued")
    if path.exists():
        path.write_text(path.read_text(encoding="utf-8") + "\nNoch ein Absatz.\n", encoding="utf-8")


def add_conference(p: Path) -> None:
    (p / CONFERENCE.format(slug="neu")).write_text(NEW_CONFERENCE.format(name="Neu"), encoding="utf-8")


def delete_conference(p: Path) -> None:
    (p / CONFERENCE.format(slug="linden-sued")).unlink(missing_ok=True)


def rename_conference(p: Path) -> None:
    source = p / CONFERENCE.format(slug="linden-sued")
    if source.exists():
        source.rename(p / CONFERENCE.format(slug="linden-nord"))


def break_conference(p: Path) -> None:
    (p / CONFERENCE.format(slug="kaputt")).write_text("---\ntitle: [nicht geschlossen\nformat: online\n---\n", encoding="utf-8")


def fix_conference(p: Path) -> None:
    (p / CONFERENCE.format(slug="kaputt")).write_text(NEW_CONFERENCE.format(name="Repariert"), encoding="utf-8")


def break_reference(p: Path) -> None:
    _replace(p / "content/results/erste-ergebnisse.md", "  - online", "  - gibt-es-nicht")


def fix_reference(p: Path) -> None:
    _replace(p / "content/results/erste-ergebnisse.md", "  - gibt-es-nicht", "  - online")


def edit_conference_template(p: Path) -> None:
    path = p / "templates/conference.html"
    _replace(path, "</h1>", f"</h1>\n<p>Vorlage geändert ({next(_counter)}).</p>")


def edit_base_template(p: Path) -> None:
    _replace(p / "templates/base.html", "<body", f"<body data-test{next(_counter)}")


def break_template(p: Path) -> None:
    path = p / "templates/result.html"
    text = path.read_text(encoding="utf-8")
    if "{% if %}" not in text:
        path.write_text(text + "\n{% if %}\n", encoding="utf-8")


def fix_template(p: Path) -> None:
    path = p / "templates/result.html"
    path.write_text(path.read_text(encoding="utf-8").replace("\n{% if %}\n", ""), encoding="utf-8")


def edit_stylesheet(p: Path) -> None:
    path = p / "templates/assets/site.css"
    path.write_text(path.read_text(encoding="utf-8") + f"\n.test{next(_counter)} {{ color: inherit; }}\n", encoding="utf-8")


def edit_site_title(p: Path) -> None:
    _replace(p / "content/site.yaml", "title: Familien", f"title: {next(_counter)} Familien")


def add_member(p: Path) -> None:
    (p / "content/members/jena.yaml").write_text("city: Jena\n", encoding="utf-8")


def delete_member(p: Path) -> None:
    (p / "content/members/essen.yaml").unlink(missing_ok=True)


def replace_image(p: Path) -> None:
    path = p / "content/bilder/foto.svg"
    _replace(path, "</svg>", f"<!-- {next(_counter)} --></svg>")


def rename_district(p: Path) -> None:
    """The conference's page shows the district's name: its view must not be reused."""
    _replace(p / "content/districts.yaml", "- name: Linden-Süd\n", "- name: Linden-Süd (Stadtteil)\n  slug: linden-sued\n")


def add_asset(p: Path) -> None:
    (p / "content/bilder/zweites.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")


def delete_asset(p: Path) -> None:
    (p / "content/bilder/zweites.svg").unlink(missing_ok=True)


SVG = '<svg xmlns="http://www.w3.org/2000/svg"/>\n'


def add_folder(p: Path) -> None:
    folder = p / "content/bilder/neu"
    folder.mkdir(exist_ok=True)
    (folder / "bild.svg").write_text(SVG, encoding="utf-8")


def rename_folder(p: Path) -> None:
    if (p / "content/bilder/neu").exists():
        (p / "content/bilder/neu").rename(p / "content/bilder/umbenannt")


def link_folder(p: Path) -> None:
    """A folder that is a symbolic link: an error (folder_symlink) until it is gone again."""
    outside = p.parent / "draussen"
    outside.mkdir(exist_ok=True)
    (outside / "bild.svg").write_text(SVG, encoding="utf-8")
    if not (p / "content/extern").is_symlink():
        (p / "content/extern").symlink_to(outside, target_is_directory=True)


def unlink_folder(p: Path) -> None:
    (p / "content/extern").unlink(missing_ok=True)


def add_hidden_files(p: Path) -> None:
    (p / "content/conferences/.online.md.swp").write_text("Sicherung des Editors", encoding="utf-8")
    (p / "content/.notizen").mkdir(exist_ok=True)
    (p / "content/.notizen/idee.md").write_text("---\ntitle: [kein gültiger Inhalt\n", encoding="utf-8")


EDITS: dict[str, Edit] = {f.__name__: f for f in (
    edit_conference_title, edit_conference_body, add_conference, delete_conference, rename_conference,
    break_conference, fix_conference, break_reference, fix_reference, edit_conference_template, edit_base_template,
    break_template, fix_template, edit_stylesheet, edit_site_title, add_member, delete_member, replace_image,
    add_asset, delete_asset, rename_district, add_folder, rename_folder, link_folder, unlink_folder, add_hidden_files,
)}

SEQUENCES = {
    "conference lifecycle": ["add_conference", "edit_conference_title", "edit_conference_body", "rename_conference", "delete_conference"],
    "broken file and fix": ["break_conference", "edit_conference_title", "fix_conference", "delete_conference"],
    "broken reference and fix": ["break_reference", "add_member", "fix_reference"],
    "templates": ["edit_conference_template", "edit_base_template", "break_template", "edit_conference_body", "fix_template", "edit_stylesheet"],
    "site settings and network": ["edit_site_title", "add_member", "delete_member", "replace_image", "rename_district"],
    "assets": ["add_asset", "replace_image", "delete_asset"],
    "folders, links and hidden files": ["add_folder", "add_hidden_files", "link_folder", "edit_conference_title", "unlink_folder", "rename_folder"],
}


@pytest.mark.parametrize("halves", [False, True], ids=["rebuild", "pages-then-rest"])
@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_preview_equals_full_build_after_every_edit(tmp_path: Path, name: str, halves: bool) -> None:
    checker = Checker(tmp_path)
    checker.rebuild_and_compare()
    for edit in SEQUENCES[name]:
        EDITS[edit](checker.project)
        checker.rebuild_and_compare(halves)


@pytest.mark.parametrize("halves", [False, True], ids=["rebuild", "pages-then-rest"])
def test_preview_equals_full_build_with_the_search_index_in_bundles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, halves: bool) -> None:
    # search_bundles.py with bundles of 2 pages: 11 indexed pages in 6 buckets, 10 in 5 after the delete, 11 again after the add.
    monkeypatch.setenv("FAMILIENSITE_SEARCH_BUNDLE_PAGES", "2")
    checker = Checker(tmp_path)
    checker.rebuild_and_compare()
    assert any(path.startswith("pagefind/teil-") for path in tree(checker.preview))
    for edit in ("edit_conference_body", "delete_conference", "add_conference", "edit_conference_title"):
        EDITS[edit](checker.project)
        checker.rebuild_and_compare(halves)


# No shrinking: each example costs seconds, and a failing sequence is printed (and reproducible: derandomize) as it is.
@settings(max_examples=4, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5))
def test_preview_equals_full_build_after_any_sequence_of_edits(tmp_path_factory: pytest.TempPathFactory, edits: list[str]) -> None:
    checker = Checker(tmp_path_factory.mktemp("sequence"))
    checker.rebuild_and_compare()
    for edit in edits:
        EDITS[edit](checker.project)
        checker.rebuild_and_compare()


@pytest.mark.parametrize("name", sorted(SEQUENCES))
def test_preview_given_the_reported_paths_equals_full_build_after_every_edit(tmp_path: Path, name: str) -> None:
    """What the dev server does: real file system events say which paths changed (watch.py), and
    loading looks at those only (FileIndex); the pages first, then the rest."""
    checker = Checker(tmp_path)
    with EventRecorder(checker.project) as events:
        checker.events = events
        checker.rebuild_and_compare()
        for edit in SEQUENCES[name]:
            EDITS[edit](checker.project)
            checker.rebuild_and_compare(halves=True)


@settings(max_examples=4, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(EDITS)), min_size=1, max_size=5))
def test_preview_given_the_reported_paths_equals_full_build_after_any_sequence_of_edits(
    tmp_path_factory: pytest.TempPathFactory, edits: list[str],
) -> None:
    checker = Checker(tmp_path_factory.mktemp("reported"))
    with EventRecorder(checker.project) as events:
        checker.events = events
        checker.rebuild_and_compare()
        for edit in edits:
            EDITS[edit](checker.project)
            checker.rebuild_and_compare(halves=True)


# --- what gets re-rendered ----------------------------------------------------------------------


@pytest.fixture
def checker(tmp_path: Path) -> Checker:
    checker = Checker(tmp_path)
    first = checker.rebuild_and_compare()
    assert first.ok
    return checker


def test_a_rebuild_without_changes_renders_and_writes_nothing(checker: Checker) -> None:
    report = checker.rebuild_and_compare()
    assert report.rendered == ()
    assert report.changes.empty


def test_an_edited_conference_re_renders_its_page_the_lists_the_home_page_and_the_results_that_reference_it(checker: Checker) -> None:
    edit_conference_title(checker.project)
    report = checker.rebuild_and_compare()
    rendered = set(report.rendered)
    assert {
        "familienkonferenzen/online/index.html",  # its page
        "familienkonferenzen/index.html",  # the list
        "index.html",  # the home page
        "ergebnisse/erste-ergebnisse/index.html",  # the result that links to it
    } <= rendered
    assert not rendered & {"familienkonferenzen/linden-sued/index.html", "impressum/index.html", "netzwerk/index.html"}


def test_an_edited_conference_text_re_renders_its_page_only(checker: Checker) -> None:
    # The lists and the home page show cards (title, dates, teaser), not the text: they stay as they are.
    edit_conference_body(checker.project)
    report = checker.rebuild_and_compare()
    assert report.rendered == ("familienkonferenzen/linden-sued/index.html",)
    assert checker.builder.cache.rendered == ["familienkonferenzen/linden-sued/index.html"]  # the sitemap too stayed


def test_a_new_conference_re_renders_the_sitemap(checker: Checker) -> None:
    add_conference(checker.project)
    checker.rebuild_and_compare()
    assert "sitemap.xml" in checker.builder.cache.rendered


def test_an_edited_template_re_renders_exactly_the_pages_that_use_it(checker: Checker) -> None:
    edit_conference_template(checker.project)
    report = checker.rebuild_and_compare()
    assert set(report.rendered) == {"familienkonferenzen/linden-sued/index.html", "familienkonferenzen/online/index.html"}


def test_an_edited_base_template_re_renders_every_page(checker: Checker) -> None:
    edit_base_template(checker.project)
    report = checker.rebuild_and_compare()
    pages = {path for path in tree(checker.preview) if path.endswith(".html")}
    assert pages <= set(report.rendered) | {p for p in pages if p.startswith("pagefind/")}


def test_a_deleted_conference_leaves_no_page_and_no_folder_behind(checker: Checker) -> None:
    delete_conference(checker.project)
    report = checker.rebuild_and_compare()
    assert "familienkonferenzen/linden-sued/index.html" in report.changes.delete
    assert not (checker.preview / "familienkonferenzen" / "linden-sued").exists()


def test_a_template_error_is_a_problem_at_the_template_line_and_the_last_good_site_stays(checker: Checker) -> None:
    break_template(checker.project)
    report = checker.rebuild_and_compare()
    assert not report.ok
    [problem] = [p for p in report.problems if p.is_error]
    assert problem.file == "templates/result.html"
    assert problem.line == (checker.project / "templates/result.html").read_text(encoding="utf-8").count("\n")
    fix_template(checker.project)
    assert checker.rebuild_and_compare().ok


def test_an_undefined_name_in_a_template_is_reported_with_its_line(checker: Checker) -> None:
    path = checker.project / "templates/page.html"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "{{ no_such_variable.attribute }}")
    path.write_text("\n".join(lines), encoding="utf-8")
    report = checker.rebuild_and_compare()
    [problem] = [p for p in report.problems if p.is_error]
    assert (problem.file, problem.line) == ("templates/page.html", 4)
    assert "no_such_variable" in problem.message


# --- the pure parts -----------------------------------------------------------------------------


def test_diff_outputs_writes_new_and_changed_files_and_deletes_vanished_ones() -> None:
    same = b"<p>gleich</p>"
    previous = {"a.html": same, "b.html": b"alt", "weg.html": b"x", "bild.svg": ("/c/bild.svg", 10, 1)}
    current = {"a.html": same, "b.html": b"neu", "neu.html": b"y", "bild.svg": ("/c/bild.svg", 10, 2)}
    changes = diff_outputs(previous, current)
    assert changes.write == ("b.html", "bild.svg", "neu.html")
    assert changes.delete == ("weg.html",)
    assert diff_outputs(current, dict(current)).empty


def test_template_dependencies_follow_extends_and_imports_and_a_dynamic_include_means_everything() -> None:
    env = make_environment(ROOT / "templates")
    sources = read_templates(ROOT / "templates")
    closure = template_dependencies(env, sources)
    assert {"conference.html", "base.html", "partials/macros.html"} <= closure["conference.html"]
    assert {"page.html", "base.html"} <= closure["accessibility.html"]
    assert "home.html" not in closure["conference.html"]
    dynamic = template_dependencies(env, {**sources, "x.html": "{% include name %}"})
    assert dynamic["x.html"] == frozenset(sources) | {"x.html"}


def test_a_second_half_made_stale_by_a_newer_save_is_dropped_and_the_newer_one_completes(checker: Checker) -> None:
    """The dev server computes the second half in the background while the next save's pages are built."""
    builder = checker.builder
    edit_conference_title(checker.project)
    assert builder.rebuild_pages().ok
    older = builder.pending_rest()
    assert older is not None
    outcome = builder.compute_rest(older)  # as if in the background …
    edit_conference_body(checker.project)
    assert builder.rebuild_pages().ok  # … while the next save's pages were written
    assert builder.apply_rest(older, outcome) is None, "stale: not written"
    newer = builder.pending_rest()
    assert newer is not None and newer is not older
    report = builder.apply_rest(newer, builder.compute_rest(newer))
    assert report is not None and report.ok
    assert builder.pending_rest() is None and builder.complete() is None
    full = build_project(checker.project, checker.root / "full-after-stale", today=TODAY)
    assert full.written and tree(checker.preview) == tree(checker.root / "full-after-stale")
