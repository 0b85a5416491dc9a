"""The preview's quick path (quick_edit.py): a text-only save writes its page at once, exactly as the full rebuild would.

Every test builds the minimal fixture into a preview folder, saves, runs the quick path and
then the full rebuild, and compares with a fresh ``build`` of the same content.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from familiensite.pipeline import build_project
from familiensite.preview import PreviewBuilder
from tests.conftest import TODAY, make_project

LINDEN = "content/conferences/linden-sued.md"
RESULT = "content/results/erste-ergebnisse.md"
LINDEN_PAGE = "familienkonferenzen/linden-sued/index.html"
RESULT_PAGE = "ergebnisse/erste-ergebnisse/index.html"


@pytest.fixture
def builder(tmp_path: Path) -> PreviewBuilder:
    project = make_project(tmp_path / "project")
    builder = PreviewBuilder(project, tmp_path / "preview", TODAY)
    assert builder.rebuild().ok
    return builder


def append(builder: PreviewBuilder, relative: str, text: str) -> Path:
    path = builder.project / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def replace(builder: PreviewBuilder, relative: str, old: str, new: str) -> Path:
    path = builder.project / relative
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new, 1), encoding="utf-8")
    return path


def rel(builder: PreviewBuilder, path: Path) -> str:
    return path.relative_to(builder.project).as_posix()


def full_build(builder: PreviewBuilder, folder: Path) -> dict[str, bytes]:
    assert build_project(builder.project, folder, today=TODAY).written
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("relative", "page"), [(LINDEN, LINDEN_PAGE), (RESULT, RESULT_PAGE)])
def test_a_text_edit_writes_exactly_the_page_the_full_rebuild_makes_and_that_rebuild_writes_no_page(
    builder: PreviewBuilder, tmp_path: Path, relative: str, page: str
) -> None:
    path = append(builder, relative, "\nEin neuer Absatz mit **Nachdruck**.\n")
    assert builder.quick_rebuild([rel(builder, path)]) == (page,)
    shown = (builder.output / page).read_bytes()
    assert "Ein neuer Absatz mit <strong>Nachdruck</strong>." in shown.decode("utf-8")
    assert shown == full_build(builder, tmp_path / "full")[page]

    pages = builder.rebuild_pages()
    assert pages.ok
    assert pages.rendered == ()
    assert not [p for p in pages.changes.write if p.endswith(".html")]
    builder.complete()
    preview = {p.relative_to(builder.output).as_posix(): p.read_bytes() for p in builder.output.rglob("*") if p.is_file()}
    assert preview == full_build(builder, tmp_path / "full-again")


def test_two_text_edits_in_one_burst_write_both_pages(builder: PreviewBuilder) -> None:
    first = append(builder, LINDEN, "\nErster Nachtrag.\n")
    second = append(builder, RESULT, "\nZweiter Nachtrag.\n")
    assert set(builder.quick_rebuild([rel(builder, first), rel(builder, second)])) == {LINDEN_PAGE, RESULT_PAGE}


def test_a_save_that_changed_nothing_writes_nothing(builder: PreviewBuilder) -> None:
    assert builder.quick_rebuild([LINDEN]) == ()


def _new_conference(builder: PreviewBuilder) -> Path:
    path = builder.project / "content/conferences/neu.md"
    path.write_text("---\ntitle: Neu\nformat: online\nstatus: planned\nteaser: Neu.\n---\nText.\n", encoding="utf-8")
    return path


def _delete(builder: PreviewBuilder, relative: str) -> Path:
    path = builder.project / relative
    path.unlink()
    return path


@pytest.mark.parametrize(
    "save",
    [
        pytest.param(lambda b: replace(b, LINDEN, "title: ", "title: Neu "), id="front matter changed"),
        pytest.param(lambda b: append(b, "content/pages/impressum.md", "\nMehr.\n"), id="a free page: its text shows elsewhere too"),
        pytest.param(lambda b: append(b, "content/home.md", "\nMehr.\n"), id="the home page"),
        pytest.param(_new_conference, id="a new file"),
        pytest.param(lambda b: _delete(b, LINDEN), id="a deleted file"),
        pytest.param(lambda b: append(b, LINDEN, "\n" + "> " * 40 + "zu tief\n"), id="a text over the limits"),
        pytest.param(lambda b: replace(b, LINDEN, "title: ", "titel: "), id="an invalid front matter"),
        pytest.param(lambda b: b.project / "content/site.yaml", id="the site settings"),
    ],
)
def test_everything_else_goes_the_full_way_only(builder: PreviewBuilder, save) -> None:  # type: ignore[no-untyped-def]
    before = {p: p.read_bytes() for p in builder.output.rglob("*.html")}
    changed = save(builder)
    assert builder.quick_rebuild([rel(builder, changed)]) == ()
    assert {p: p.read_bytes() for p in builder.output.rglob("*.html")} == before


def test_a_bom_warning_goes_the_full_way_so_that_the_editor_sees_it(builder: PreviewBuilder) -> None:
    path = builder.project / LINDEN
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes() + b"\nNachtrag.\n")
    assert builder.quick_rebuild([rel(builder, path)]) == ()


def test_no_quick_path_while_the_last_rebuild_failed(builder: PreviewBuilder) -> None:
    replace(builder, "content/conferences/online.md", "title: ", "titel: ")
    assert not builder.rebuild().ok
    path = append(builder, LINDEN, "\nNachtrag.\n")
    assert builder.quick_rebuild([rel(builder, path)]) == ()


def test_the_quick_path_works_again_after_the_full_rebuild(builder: PreviewBuilder) -> None:
    path = append(builder, LINDEN, "\nErster Nachtrag.\n")
    assert builder.quick_rebuild([rel(builder, path)]) == (LINDEN_PAGE,)
    assert builder.rebuild().ok
    append(builder, LINDEN, "\nZweiter Nachtrag.\n")
    assert builder.quick_rebuild([rel(builder, path)]) == (LINDEN_PAGE,)
    assert "Zweiter Nachtrag." in (builder.output / LINDEN_PAGE).read_text(encoding="utf-8")


def test_a_quick_edit_makes_the_second_half_of_the_rebuild_before_it_stale(builder: PreviewBuilder) -> None:
    # That second half would write the page as the rebuild before saw it: the older text.
    assert builder.rebuild_pages().ok
    assert builder.pending_rest() is not None
    path = append(builder, LINDEN, "\nNachtrag.\n")
    assert builder.quick_rebuild([rel(builder, path)]) == (LINDEN_PAGE,)
    assert builder.pending_rest() is None and builder.complete() is None
    assert "Nachtrag." in (builder.output / LINDEN_PAGE).read_text(encoding="utf-8")
