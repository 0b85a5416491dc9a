"""The link check inside the build, and `build.py links`, which lists external links without fetching them."""

from __future__ import annotations

import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from familiensite import cli as command_line
from familiensite.pipeline import build_project
from tests.conftest import ROOT, TODAY, MakeSite

HELP = "content/pages/hilfe.md"
HINT = "Ziel prüfen; interne Ziele werden ohne Domain angegeben."


def help_page(body: str) -> dict[str, str | bytes | None]:
    return {HELP: f"---\ntitle: Hilfe\n---\n## Ablauf\n\nText.\n\n{body}\n"}


def link_problems(project: Path) -> list[tuple[str, int, str, str]]:
    result = build_project(project, project / "site", today=TODAY)
    assert not result.written and not (project / "site").exists()  # the build fails and writes nothing
    return [(p.file, p.line, p.message, p.hint) for p in result.problems if p.is_error]


def test_a_broken_internal_link_fails_the_build_naming_the_file_the_page_and_the_link(make_site: MakeSite) -> None:
    project = make_site(files=help_page("Siehe [die alte Seite](/gibt-es-nicht/)."))
    assert link_problems(project) == [
        (HELP, 0, "Der Link „/familie/gibt-es-nicht/“ auf der Seite /familie/hilfe/ führt ins Leere.", HINT),
    ]


def test_a_missing_fragment_fails_the_build_and_an_existing_one_does_not(make_site: MakeSite) -> None:
    body = "[Zum Ablauf](#ablauf), [zum Nichts](#nirgends), [Impressum unten](/impressum/#fehlt), [Netzwerk](/)"
    project = make_site(files=help_page(body))
    assert link_problems(project) == [
        (HELP, 0, "Der Link „#nirgends“ auf der Seite /familie/hilfe/ verweist auf den Abschnitt „#nirgends“, den es dort nicht gibt.", HINT),
        (HELP, 0, ("Der Link „/familie/impressum/#fehlt“ auf der Seite /familie/hilfe/ verweist auf den Abschnitt „#fehlt“, "
                   "den es dort nicht gibt."), HINT),
    ]


def test_a_broken_image_in_a_template_fails_the_build_at_each_page_that_shows_it(make_site: MakeSite) -> None:
    project = make_site()
    (project / "templates").unlink()  # a copy of the templates, with one image that does not exist
    shutil.copytree(ROOT / "templates", project / "templates")
    home = project / "templates" / "home.html"
    text = home.read_text(encoding="utf-8")
    home.write_text(text.replace("{% block main %}", '{% block main %}<img src="{{ site.base_path }}medien/fehlt.svg" alt="">', 1),
                    encoding="utf-8")
    assert link_problems(project) == [
        ("content/home.md", 0, "Der Link „/familie/medien/fehlt.svg“ auf der Seite /familie/ führt ins Leere.", HINT),
    ]


def test_build_reports_a_broken_link_like_a_content_problem(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_site(files=help_page("[Weg](/weg/)"))
    code = command_line.main(["--project", str(project), "build"])
    _, err = capsys.readouterr()
    assert code == 1
    assert f"{HELP}: Der Link „/familie/weg/“ auf der Seite /familie/hilfe/ führt ins Leere." in err
    assert "Die Website wurde nicht verändert." in err


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.requests.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def external_host() -> Iterator[tuple[str, list[str]]]:
    """A web server on loopback that records every request: the external link under test points here."""
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", _Recorder.requests
    finally:
        server.shutdown()
        server.server_close()


def test_links_lists_every_external_link_with_its_pages_and_fetches_none(
    make_site: MakeSite, external_host: tuple[str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    host, requests = external_host
    project = make_site(files=help_page(f"[Ein Partner]({host}partner) und [noch einmal]({host}partner), [Mail](mailto:a@example.org)"))
    code = command_line.main(["--project", str(project), "links"])
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert code == 0
    assert f"{host}partner\thilfe/index.html" in lines  # once, with the page that carries it
    assert "https://www.frankfurter-buendnis-fuer-familien.de/\tnetzwerk/index.html" in lines
    assert not any(line.startswith("mailto:") for line in lines)
    assert lines == sorted(lines)
    assert requests == []  # listed, never fetched
    assert not (project / "site").exists()  # and nothing built
