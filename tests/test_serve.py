"""`python build.py serve`: the live preview, over real HTTP and the livereload websocket."""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from familiensite.pipeline import check_content
from familiensite.report import format_text
from familiensite.serve import Debounce, resolve, snapshot
from tests.conftest import ROOT, TODAY
from tests.preview_server import TIMEOUT, LiveReloadClient, PreviewServer
from tests.support.static_server import resolve as nginx_like_resolve
from tests.test_incremental import editable_project

BROKEN = "---\ntitle: [nicht geschlossen\nformat: online\nstatus: planned\nteaser: Test.\n---\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return editable_project(tmp_path / "project")


@pytest.fixture
def server(project: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(project)
    yield server
    assert server.stop() == 0, server.terminal
    assert "Vorschau beendet." in server.terminal


@pytest.fixture
def client(server: PreviewServer) -> Iterator[LiveReloadClient]:
    """What livereload.js does in the browser, connected before the test saves anything."""
    client = LiveReloadClient(server)
    yield client
    client.close()


def test_the_preview_serves_the_site_under_its_base_path_with_the_livereload_script(server: PreviewServer) -> None:
    assert server.url.endswith("/familie/")
    status, body, headers = server.fetch("/familie/")
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    assert "/livereload.js?port=" in body and body.index("livereload.js") < body.index("</head>")
    assert server.fetch("/")[0] == 301 and server.fetch("/")[2]["Location"].endswith("/familie/")
    status, _, headers = server.fetch("/familie/familienkonferenzen")
    assert (status, headers["Location"]) == (301, "/familie/familienkonferenzen/")
    status, body, _ = server.fetch("/familie/gibt-es-nicht/")
    assert status == 404 and "Seite nicht gefunden" in body
    status, _, headers = server.fetch("/livereload.js")
    assert status == 200 and "javascript" in headers["Content-Type"]
    assert not (server.project / "site").exists(), "the preview never writes the published site/"


def test_a_save_rebuilds_and_the_reload_comes_after_the_rebuild(server: PreviewServer, client: LiveReloadClient, project: Path) -> None:
    conference = project / "content/conferences/online.md"
    text = conference.read_text(encoding="utf-8")
    # saved the way many editors save (a new file renamed over the old): one change, one reload
    saved = conference.with_name(".online.md.tmp")
    saved.write_text(text.replace("title: Online-Familienkonferenz", "title: Neue Online-Familienkonferenz"), encoding="utf-8")
    saved.replace(conference)
    client.wait_for_reload()
    # the reload was sent after the rebuild had finished: the very next request sees the new page
    status, body, _ = server.fetch("/familie/familienkonferenzen/online/")
    assert status == 200 and "Neue Online-Familienkonferenz</h1>" in body
    # the page first, then (without another reload) its calendar, the downloads and the search index
    deadline = time.monotonic() + TIMEOUT
    while "Kalender, Downloads und Suche aktualisiert" not in server.terminal and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Kalender, Downloads und Suche aktualisiert" in server.terminal
    status, body, _ = server.fetch("/familie/daten/konferenzen.json")
    assert status == 200 and '"Neue Online-Familienkonferenz"' in body
    assert client.messages.empty(), "no second reload for files the page does not show"


def test_bad_content_shows_the_german_error_page_everywhere_and_a_good_save_brings_the_site_back(
    server: PreviewServer, client: LiveReloadClient, project: Path
) -> None:
    broken = project / "content/conferences/kaputt.md"
    broken.write_text(BROKEN, encoding="utf-8")
    client.wait_for_reload()
    _, problems = check_content(project, TODAY)
    assert problems
    for path in ("/familie/", "/familie/familienkonferenzen/online/", "/familie/gibt-es-nicht/", "/"):
        status, body, headers = server.fetch(path)
        assert status == 500 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert '<html lang="de">' in body
        assert len(re.findall(r"<h1[\s>]", body)) == 1
        for problem in problems:  # every problem with file, line and message
            assert problem.file == "content/conferences/kaputt.md" and problem.line > 0
            assert f"{problem.file}:{problem.line}:{problem.column}" in body and f"Zeile {problem.line}, Spalte {problem.column}" in body
            assert html.escape(problem.message, quote=False) in body
        assert "livereload.js" in body, "the error page reloads itself after the next save"
    assert format_text(problems) in server.terminal, "the terminal shows the same problems"

    broken.write_text(BROKEN.replace("[nicht geschlossen", "Repariert"), encoding="utf-8")
    client.wait_for_reload()
    status, body, _ = server.fetch("/familie/familienkonferenzen/kaputt/")
    assert status == 200 and "Repariert</h1>" in body
    assert server.fetch("/familie/")[0] == 200
    assert "Alle Fehler behoben" in server.terminal


def test_a_template_error_shows_the_template_and_line_and_the_server_keeps_running(server: PreviewServer, client: LiveReloadClient, project: Path) -> None:
    template = project / "templates/result.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "{% endif %}\n", encoding="utf-8")
    client.wait_for_reload()
    status, body, _ = server.fetch("/familie/")
    assert status == 500 and f"templates/result.html:{good.count(chr(10)) + 1}" in body
    template.write_text(good, encoding="utf-8")
    client.wait_for_reload()
    assert server.fetch("/familie/ergebnisse/erste-ergebnisse/")[0] == 200


def test_a_second_preview_of_the_same_project_refuses_to_start(server: PreviewServer, project: Path) -> None:
    second = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project), "serve", "--port", "0"],
        check=False, capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 1
    assert "läuft bereits eine Vorschau" in second.stderr and "Traceback" not in second.stderr
    assert server.fetch("/familie/")[0] == 200


def test_a_busy_port_is_a_german_message_not_a_traceback(server: PreviewServer, tmp_path: Path) -> None:
    other = editable_project(tmp_path / "other")
    second = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(other), "serve", "--port", str(server.port)],
        check=False, capture_output=True, text=True, timeout=60,
    )
    assert second.returncode == 1
    assert f"Port {server.port}" in second.stderr and "Traceback" not in second.stderr


# --- the parts without a server -----------------------------------------------------------------


def test_a_burst_of_saves_is_one_rebuild_after_the_burst() -> None:
    debounce = Debounce(quiet=0.1, max_wait=2.0)
    assert not debounce.observe(0.00, changed=False)
    assert not debounce.observe(0.05, changed=True)  # first save
    assert not debounce.observe(0.10, changed=True)  # more saves of the same burst
    assert not debounce.observe(0.15, changed=True)
    assert not debounce.observe(0.20, changed=False)  # quiet for 0.05 s only
    assert debounce.observe(0.25, changed=False)  # quiet for 0.1 s: rebuild once
    assert not debounce.observe(0.30, changed=False)  # and not again


def test_saves_that_never_stop_still_rebuild_after_the_longest_wait() -> None:
    debounce = Debounce(quiet=0.1, max_wait=1.0)
    due = [debounce.observe(i * 0.05, changed=True) for i in range(25)]
    assert due.index(True) == 20  # at 1.0 s


def test_editor_swap_and_hidden_files_do_not_count_as_changes(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text("x", encoding="utf-8")
    before = snapshot([tmp_path / "content"])
    (tmp_path / "content" / ".a.md.swp").write_text("swap", encoding="utf-8")
    (tmp_path / "content" / ".git").mkdir()
    assert snapshot([tmp_path / "content"]) == before
    (tmp_path / "content" / "a.md").write_text("xy", encoding="utf-8")
    assert snapshot([tmp_path / "content"]) != before


@pytest.mark.parametrize("path", [
    "/familie/", "/familie/index.html", "/familie/familienkonferenzen", "/familie/familienkonferenzen/", "/familie/gibt-es-nicht",
    "/familie/gibt-es-nicht/", "/familie/../etc/passwd", "/familie/.cache/x", "/familie/robots.txt", "/andere/", "/familie/assets/",
])
def test_the_preview_answers_paths_like_the_production_server(real_site: Path, path: str) -> None:
    expected = nginx_like_resolve(real_site, "/familie/", path)
    status, target = resolve(real_site, "/familie/", path)
    assert status == expected.status
    if status == 200:
        assert target == expected.file
    if status == 301:
        assert target == expected.location


SLOW_INDEXER = """#!/bin/sh
# Stands in for Pagefind: the real one, until the test asks for a slow one (then it never ends by itself).
if [ -e "{slow}" ]; then
    echo $$ > "{pid}"
    exec sleep 600
fi
exec "{real}" "$@"
"""


def test_stopping_the_preview_ends_an_indexer_still_running_in_the_background(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from familiensite.search_index import pagefind_executable

    real = pagefind_executable()
    assert real is not None
    slow, pid_file, indexer = tmp_path / "slow", tmp_path / "indexer.pid", tmp_path / "pagefind"
    indexer.write_text(SLOW_INDEXER.format(slow=slow, pid=pid_file, real=real), encoding="utf-8")
    indexer.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(indexer))
    server = PreviewServer(project)  # its first build indexes with the real Pagefind
    try:
        client = LiveReloadClient(server)
        slow.touch()
        conference = project / "content/conferences/online.md"
        conference.write_text(conference.read_text(encoding="utf-8").replace("title: ", "title: Neu ", 1), encoding="utf-8")
        client.wait_for_reload()  # the pages are there; the index is being made in the background
        deadline = time.monotonic() + TIMEOUT
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pid_file.exists(), server.terminal
        pid = int(pid_file.read_text(encoding="utf-8"))
        client.close()
    finally:
        assert server.stop() == 0, server.terminal
    deadline = time.monotonic() + TIMEOUT
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    survived = _alive(pid)
    if survived:
        os.kill(pid, signal.SIGKILL)
    assert not survived, "the indexer outlived the preview"


def _alive(pid: int) -> bool:
    """Running (not a zombie waiting for its parent to collect it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
