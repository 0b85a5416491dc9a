"""The Pagefind index: part of the outputs, deterministic, German, only the content pages; the search page without JavaScript."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from familiensite.pipeline import BuildResult, build_project
from familiensite.search_index import build_search_index
from tests.conftest import ROOT, TODAY, make_project


def _fragments(files: dict[str, bytes]) -> list[dict]:
    found = []
    for path, data in sorted(files.items()):
        if path.startswith("pagefind/fragment/"):
            found.append(json.loads(gzip.decompress(data).removeprefix(b"pagefind_dcd")))
    return found


def test_the_bundle_is_in_the_outputs_and_indexes_every_content_page_once(real_build: BuildResult) -> None:
    bundle = {path: data for path, data in real_build.outputs.items() if path.startswith("pagefind/")}
    assert "pagefind/pagefind.js" in bundle and "pagefind/pagefind-entry.json" in bundle
    assert any(path.startswith("pagefind/wasm.de") for path in bundle)
    assert not any("-ui." in path or "highlight" in path for path in bundle)  # the bundled UIs are not shipped
    entry = json.loads(bundle["pagefind/pagefind-entry.json"])  # type: ignore[arg-type]
    assert list(entry["languages"]) == ["de"]
    assert real_build.model is not None
    urls = sorted(f["url"] for f in _fragments(bundle))  # type: ignore[arg-type]
    expected = sorted(p.url for p in real_build.model.pages if p.template not in ("404.html", "search.html"))
    assert urls == expected
    network = next(f for f in _fragments(bundle) if f["url"] == "/familie/netzwerk/")  # type: ignore[arg-type]
    assert "Wiebke Stärk" in network["content"]
    assert network["meta"]["title"].startswith("Großstädtenetzwerk")
    assert "Zum Inhalt springen" not in network["content"]  # only <main> is indexed


def test_two_builds_of_the_same_content_give_identical_bytes_everywhere(tmp_path: Path) -> None:
    first, again = (
        build_project(make_project(tmp_path / name, content_from=ROOT / "content"), tmp_path / name / "site", today=TODAY)
        for name in ("first", "again")
    )
    assert any(path.startswith("pagefind/fragment/") for path in first.outputs)
    assert sorted(again.outputs) == sorted(first.outputs)
    for path, data in first.outputs.items():
        other = again.outputs[path]
        if isinstance(data, bytes) and isinstance(other, bytes):
            assert data == other, path


def test_without_the_pagefind_program_the_build_reports_an_error(real_build: BuildResult, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert real_build.model is not None
    files, problems = build_search_index(real_build.outputs, real_build.model)
    assert files == {}
    assert [p.message.split(":")[0] for p in problems] == ["Der Suchindex konnte nicht erstellt werden"]


def test_the_search_page_works_as_a_form_and_says_what_to_do_without_javascript(real_site: Path) -> None:
    html = (real_site / "suche" / "index.html").read_text(encoding="utf-8")
    assert '<form class="search-form" role="search" action="/familie/suche/" method="get" data-bundle="/familie/pagefind/"' in html
    assert '<label for="suche-eingabe">Suchbegriff</label>' in html
    assert "Die Suche braucht JavaScript." in html
    for target in ("/familie/familienkonferenzen/", "/familie/ergebnisse/", "/familie/netzwerk/"):
        assert f'href="{target}"' in html
    assert '<script type="module" src="/familie/assets/search.' in html
    assert "<script>" not in html  # nothing inline
    assert '<p id="suche-status" class="search-status" role="status" aria-live="polite"></p>' in html
