"""`python build.py serve`: the live preview, over real HTTP and the livereload websocket."""

from __future__ import annotations

import html
import io
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import watchfiles

from familiensite import messages as m
from familiensite import search_index, watch
from familiensite.pipeline import build_project, check_content
from familiensite.report import format_text
from familiensite.serve import Preview, resolve
from familiensite.watch import Debounce, Watcher, events_unavailable, hidden, project_relative, snapshot, watched_roots
from tests.conftest import ROOT, TODAY
from tests.preview_server import TIMEOUT, LiveReloadClient, PreviewServer, wait_until
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


def test_a_burst_that_deleted_a_file_waits_longer_for_the_file_to_come_back() -> None:
    """Editors that move the old file aside first (vim's backup) write the new one a moment later."""
    debounce = Debounce(quiet=0.01, max_wait=2.0, patient=0.1)
    assert not debounce.observe(0.00, changed=True, patient=True)  # online.md renamed to online.md~
    assert not debounce.observe(0.05, changed=False)  # the new online.md is being written and synced
    assert not debounce.observe(0.06, changed=True)  # online.md~ deleted
    assert not debounce.observe(0.10, changed=False)
    assert debounce.observe(0.16, changed=False)  # quiet for 0.1 s
    assert not debounce.observe(0.20, changed=True)  # the next burst is patient only if it deletes too
    assert debounce.observe(0.22, changed=False)


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


# --- the watcher, in this process (the HTTP side is tested above) ------------------------------


class Watching:
    """A preview built once, and its watcher running; ``reloads`` counts the browser reloads asked for."""

    def __init__(self, project: Path) -> None:
        self.project = project
        self.err = io.StringIO()
        self.preview = Preview(project, TODAY, out=io.StringIO(), err=self.err)
        self.baseline = snapshot(watched_roots(project))
        self.preview.rebuild()
        assert self.preview.state.error is None, self.err.getvalue()
        self.reloads: queue.Queue[int] = queue.Queue()
        self.watcher: Watcher | None = None

    def start(self) -> Watcher:
        self.watcher = Watcher(self.preview, lambda: self.reloads.put(1), self.baseline)
        self.watcher.start()
        assert self.watcher.watching.wait(TIMEOUT)
        return self.watcher

    @property
    def walks(self) -> int:
        return self.preview.builder.content_cache.files.index.walks

    def page(self, path: str) -> str:
        return (self.preview.folder / path).read_text(encoding="utf-8")

    def wait_for_reload(self) -> None:
        self.reloads.get(timeout=TIMEOUT)

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stopping.set()
            self.watcher.join(TIMEOUT)
            assert not self.watcher.is_alive()
        assert not [t for t in threading.enumerate() if t.name.startswith("preview-")], "no thread of the preview is left"


@pytest.fixture
def watching(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Watching]:
    # Stopping the watcher with a second half running stops Pagefind in this whole process for good
    # (search_index.stop_running: the real server exits then); the tests after this one still need it.
    monkeypatch.setattr(search_index, "_stopped", threading.Event())
    running = Watching(project)
    yield running
    running.stop()


ONLINE = "content/conferences/online.md"
ONLINE_PAGE = "familienkonferenzen/online/index.html"


def _retitle(project: Path, title: str, by_rename: bool) -> None:
    conference = project / ONLINE
    text = conference.read_text(encoding="utf-8").replace("title: Online-Familienkonferenz", f"title: {title}")
    if by_rename:  # a new file renamed over the old one (many editors)
        saved = conference.with_name(".online.md.tmp")
        saved.write_text(text, encoding="utf-8")
        saved.replace(conference)
    else:  # truncated and written in place (others)
        conference.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("by_rename", [True, False], ids=["renamed-over", "written-in-place"])
def test_a_save_is_noticed_by_its_event_and_loaded_without_walking_content(watching: Watching, by_rename: bool) -> None:
    watcher = watching.start()
    assert not watcher.polling and "regelmäßig" not in watching.err.getvalue()
    walks, rebuilds = watching.walks, watching.preview.rebuilds
    _retitle(watching.project, "Per Ereignis bemerkt", by_rename)
    watching.wait_for_reload()
    assert "Per Ereignis bemerkt</h1>" in watching.page(ONLINE_PAGE)
    wait_until(lambda: watching.preview.rebuilds > rebuilds)  # the whole first half (the reload may come before it)
    assert watching.walks == walks, "only the saved file was looked at"
    assert watching.preview.builder.content_cache.files.parsed == [ONLINE]


def test_a_new_folder_is_walked_and_its_files_published(watching: Watching) -> None:
    watching.start()
    walks = watching.walks
    folder = watching.project / "content/bilder/neu"
    folder.mkdir()
    (folder / "bild.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n', encoding="utf-8")
    watching.wait_for_reload()
    wait_until(lambda: (watching.preview.folder / "medien/bilder/neu/bild.svg").is_file())
    assert watching.walks > walks


def test_a_change_no_event_reported_is_found_by_the_audit(watching: Watching, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write through a hard link in another folder changes the file without an event for it (inotify
    reports changes by the folder they were made in)."""
    monkeypatch.setattr(watch, "AUDIT_SECONDS", 0.2)
    other = watching.project.parent / "anderswo.md"
    os.link(watching.project / ONLINE, other)
    watching.start()
    text = other.read_text(encoding="utf-8").replace("title: Online-Familienkonferenz", "title: Ohne Ereignis geändert")
    with open(other, "r+", encoding="utf-8") as stream:  # in place, so both names stay one file
        stream.write(text)
        stream.truncate()
    watching.wait_for_reload()
    assert "Ohne Ereignis geändert</h1>" in watching.page(ONLINE_PAGE)


def test_saves_made_while_the_first_build_ran_are_found_when_the_watching_begins(watching: Watching) -> None:
    _retitle(watching.project, "Während des Starts gespeichert", by_rename=False)  # after the baseline, before the events
    watching.start()
    watching.wait_for_reload()
    assert "Während des Starts gespeichert</h1>" in watching.page(ONLINE_PAGE)


def test_a_replaced_content_folder_is_watched_again(watching: Watching, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "AUDIT_SECONDS", 3600.0)  # only the new watch can notice the edit below
    watching.start()
    content = watching.project / "content"
    shutil.copytree(content, watching.project / "neu")
    content.rename(watching.project / "alt")  # the events of the old folder now name it wrongly
    (watching.project / "neu").rename(content)
    _retitle(watching.project, "Im neuen Ordner", by_rename=False)
    wait_until(lambda: "Im neuen Ordner</h1>" in watching.page(ONLINE_PAGE))
    assert "Online-Familienkonferenz" in (watching.project / "alt/conferences/online.md").read_text(encoding="utf-8")


def test_without_events_the_watcher_polls_and_says_so_once(watching: Watching, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    watcher = watching.start()
    assert watcher.polling
    assert watching.err.getvalue().count(m.text("preview_polling_forced")) == 1
    _retitle(watching.project, "Beim Nachsehen bemerkt", by_rename=True)
    wait_until(lambda: "Beim Nachsehen bemerkt</h1>" in watching.page(ONLINE_PAGE))


def test_when_the_system_refuses_more_watches_the_watcher_polls(watching: Watching, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*paths: object, **options: object) -> Iterator[set[tuple[int, str]]]:  # what watchfiles raises at the inotify limit
        raise OSError("OS file watch limit reached. about [\"/x\"] (Error { kind: MaxFilesWatch, paths: [\"/x\"] })")
        yield set()

    monkeypatch.setattr(watchfiles, "watch", refused)
    watcher = watching.start()
    assert watcher.polling
    assert f"{m.text('preview_polling_limit')}\n    Hinweis: {m.hint('preview_polling_limit')}" in watching.err.getvalue()
    _retitle(watching.project, "Trotz Grenze bemerkt", by_rename=False)
    wait_until(lambda: "Trotz Grenze bemerkt</h1>" in watching.page(ONLINE_PAGE))


def test_reported_paths_are_relative_to_the_project_and_hidden_ones_do_not_count(tmp_path: Path) -> None:
    roots = watched_roots(tmp_path)
    assert project_relative(roots, f"{tmp_path.absolute()}/content/conferences/a.md") == "content/conferences/a.md"
    assert project_relative(roots, f"{tmp_path.absolute()}/templates") == "templates"
    assert not hidden("content/conferences/a.md") and not hidden("content")
    assert hidden("content/conferences/.a.md.swp") and hidden("content/.git/config") and hidden("templates/.x.html")


def test_network_and_shared_folders_are_polled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert events_unavailable([tmp_path]) is None  # the test folder is a local one
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "false")
    assert events_unavailable([tmp_path]) is None
    monkeypatch.setenv("WATCHFILES_FORCE_POLLING", "1")
    assert events_unavailable([tmp_path]) == ("preview_polling_forced", {})


def test_a_text_edit_reloads_once_with_its_page_written_by_the_quick_path(watching: Watching) -> None:
    watching.start()
    conference = watching.project / ONLINE
    saved = conference.with_name(".online.md.tmp")
    saved.write_text(conference.read_text(encoding="utf-8") + "\nSchnell übernommen.\n", encoding="utf-8")
    saved.replace(conference)
    watching.wait_for_reload()
    assert "Schnell übernommen." in watching.page(ONLINE_PAGE)  # written before the full rebuild started
    assert "Text übernommen in" in watching.err.getvalue() and ONLINE_PAGE in watching.err.getvalue()
    wait_until(lambda: "Neu gebaut in" in watching.err.getvalue().split("Text übernommen in", 1)[1])
    assert "0 Seite(n) neu erzeugt" in watching.err.getvalue().split("Text übernommen in", 1)[1]  # the full rebuild agreed
    assert watching.reloads.empty(), "no second reload"


def _append_by_rename(path: Path, text: str) -> None:
    saved = path.with_name(f".{path.name}.tmp")
    saved.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    saved.replace(path)


def test_text_edits_in_a_row_are_quick_and_the_full_rebuild_follows_once_saves_pause(
    watching: Watching, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(watch, "FULL_AFTER_QUICK_SECONDS", 0.5)
    watching.start()
    conference = watching.project / ONLINE
    for number in (1, 2):
        _append_by_rename(conference, f"\nNachtrag {number}.\n")
        watching.wait_for_reload()
        assert f"Nachtrag {number}." in watching.page(ONLINE_PAGE)
    assert watching.err.getvalue().count("Text übernommen in") == 2
    assert "Neu gebaut in" not in watching.err.getvalue().split("Text übernommen in", 1)[1], "deferred while saves go on"
    # a save the quick path cannot take: the full rebuild loads it and the deferred text file together
    _retitle(watching.project, "Neuer Titel", by_rename=True)
    watching.wait_for_reload()
    assert "Neuer Titel</h1>" in watching.page(ONLINE_PAGE) and "Nachtrag 2." in watching.page(ONLINE_PAGE)
    wait_until(lambda: "Kalender, Downloads und Suche aktualisiert" in watching.err.getvalue())
    full = tmp_path / "full"
    assert build_project(watching.project, full, today=TODAY).written
    expected = {p.relative_to(full).as_posix(): p.read_bytes() for p in full.rglob("*") if p.is_file()}
    folder = watching.preview.folder
    assert {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()} == expected


def test_after_a_quick_edit_alone_the_full_rebuild_comes_when_saves_pause(watching: Watching, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch, "FULL_AFTER_QUICK_SECONDS", 0.3)
    watching.start()
    _append_by_rename(watching.project / ONLINE, "\nNachtrag.\n")
    watching.wait_for_reload()
    wait_until(lambda: "0 Seite(n) neu erzeugt" in watching.err.getvalue().split("Text übernommen in", 1)[-1])
    wait_until(lambda: "Kalender, Downloads und Suche aktualisiert" in watching.err.getvalue())
    assert watching.reloads.empty()
