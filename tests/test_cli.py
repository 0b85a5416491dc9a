"""The command line as editors and CI call it: exit codes, the three report formats, no tracebacks.

A few tests start ``python build.py`` as a process (exit code, streams, no traceback, a crash
would fail the test rather than pytest); the report formats are checked through ``cli.main``
in this process, which is what build.py calls, to keep the suite fast.
"""

from __future__ import annotations

import calendar
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from familiensite import cli as command_line
from tests.conftest import ROOT, TODAY, MakeSite
from tests.support.content import edited

ENV = {**os.environ, "SOURCE_DATE_EPOCH": str(calendar.timegm(TODAY.timetuple())), "PYTHONDONTWRITEBYTECODE": "1"}
ENV.pop("CI", None)


def cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--project", str(project), *args],
        check=False, capture_output=True, text=True, env=ENV, timeout=120,
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert "Traceback" not in run.stdout, run.stdout
    return run


@pytest.fixture(autouse=True)
def fixed_build_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ENV["SOURCE_DATE_EPOCH"])


def main(capsys: pytest.CaptureFixture[str], project: Path, *args: str) -> tuple[int, str, str]:
    """``build.py`` in this process: exit code, stdout, stderr."""
    code = command_line.main(["--project", str(project), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def broken(make_site: MakeSite) -> Path:
    """Three files with four problems: a tab, an empty and an unknown field, an end before its start."""
    return make_site(files={
        "content/members/essen.yaml": "city:\nwebsit: https://www.essen.de/\n",
        "content/conferences/online.md": "---\ntitle: Online\n\tformat: online\n---\n",
        **edited("content/conferences/linden-sued.md", "end: 2013-05-04 16:00", "end: 2013-05-04 09:00"),
    })


def test_check_reports_every_problem_as_path_line_column_field_message_with_hints_and_exits_1(broken: Path) -> None:
    run = cli(broken, "check")
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr.splitlines() == [
        "content/conferences/linden-sued.md:10:10: dates[0].end: Das Ende (2013-05-04 09:00) liegt vor dem Beginn (2013-05-04 10:00).",
        "    Hinweis: Beginn und Ende prüfen; ein Termin über Mitternacht braucht das Datum des Folgetags.",
        "content/conferences/online.md:3:1: Tabulatorzeichen zum Einrücken sind in YAML nicht erlaubt.",
        "    Hinweis: Mit Leerzeichen einrücken (zwei pro Ebene).",
        "content/members/essen.yaml:1:6: city: Das Feld darf nicht leer sein.",
        "content/members/essen.yaml:2:1: websit: Unbekanntes Feld „websit“.",
        "    Hinweis: Meinten Sie „website“?",
        "4 Fehler in 3 Datei(en).",
    ]


def test_check_as_json_is_a_list_of_problems_with_every_field(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = main(capsys, broken, "check", "--format", "json")
    assert code == 1
    problems = json.loads(out)
    assert [(p["file"], p["line"], p["column"], p["field"]) for p in problems] == [
        ("content/conferences/linden-sued.md", 10, 10, "dates[0].end"),
        ("content/conferences/online.md", 3, 1, ""),
        ("content/members/essen.yaml", 1, 6, "city"),
        ("content/members/essen.yaml", 2, 1, "websit"),
    ]
    assert problems[3] == {
        "file": "content/members/essen.yaml", "line": 2, "column": 1, "field": "websit",
        "message": "Unbekanntes Feld „websit“.", "hint": "Meinten Sie „website“?", "severity": "error",
    }


def test_check_for_github_prints_one_annotation_per_problem(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = main(capsys, broken, "check", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        (
            "::error file=content/conferences/linden-sued.md,line=10,col=10,title=dates[0].end::"
            "Das Ende (2013-05-04 09:00) liegt vor dem Beginn (2013-05-04 10:00). "
            "Hinweis: Beginn und Ende prüfen; ein Termin über Mitternacht braucht das Datum des Folgetags."
        ),
        (
            "::error file=content/conferences/online.md,line=3,col=1,title=Inhalt::"
            "Tabulatorzeichen zum Einrücken sind in YAML nicht erlaubt. Hinweis: Mit Leerzeichen einrücken (zwei pro Ebene)."
        ),
        "::error file=content/members/essen.yaml,line=1,col=6,title=city::Das Feld darf nicht leer sein.",
        "::error file=content/members/essen.yaml,line=2,col=1,title=websit::Unbekanntes Feld „websit“. Hinweis: Meinten Sie „website“?",
    ]


def test_github_annotations_escape_commas_in_properties(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = main(capsys, make_site(files={"content/members/a,b.yaml": "city: A\nfoo: 1\n"}), "check", "--format", "github")
    assert [line for line in out.splitlines() if line.startswith("::error")] == [
        "::error file=content/members/a%2Cb.yaml,line=2,col=1,title=foo::Unbekanntes Feld „foo“.",
    ]


def test_a_file_without_a_line_is_annotated_without_line_and_column(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = main(capsys, make_site(files={"content/home.md": None}), "check", "--format", "github")
    assert [line for line in out.splitlines() if line.startswith("::error")] == [
        "::error file=content/home.md,title=Inhalt::Die Pflichtdatei fehlt. Hinweis: Datei anlegen; ein Beispiel steht in docs/redaktion.md.",
    ]


def test_warnings_alone_let_check_succeed_and_are_github_warnings(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_site(files={"content/districts.yaml": b"\xef\xbb\xbf- name: Linden-S\xc3\xbcd\n"})
    code, out, _ = main(capsys, project, "check", "--format", "github")
    assert code == 0
    assert [line for line in out.splitlines() if "districts.yaml" in line] == [
        (
            "::warning file=content/districts.yaml,line=1,col=1,title=Inhalt::"
            "Die Datei beginnt mit einer Byte-Reihenfolge-Markierung (BOM); sie wurde ignoriert. "
            "Hinweis: Im Editor als „UTF-8“ (ohne BOM) speichern."
        ),
    ]
    code, _, err = main(capsys, project, "check")
    assert code == 0
    assert "content/districts.yaml:1:1: Warnung: Die Datei beginnt mit einer Byte-Reihenfolge-Markierung (BOM); sie wurde ignoriert." in err.splitlines()
    assert err.splitlines()[-1].startswith("Keine Fehler. ")


def test_check_of_valid_content_says_so_and_exits_0(make_site: MakeSite, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_site(files={"content/members/essen.yaml": "city: Essen\ncoordinates:\n  lat: 51.4556\n  lon: 7.0116\n"})
    assert main(capsys, project, "check") == (0, "", "Keine Fehler.\n")
    assert main(capsys, project, "check", "--format", "json") == (0, "", "")


def test_build_with_errors_exits_1_reports_them_and_writes_nothing(broken: Path) -> None:
    run = cli(broken, "build", "--format", "json")
    assert run.returncode == 1
    assert len(json.loads(run.stdout)) == 4
    assert run.stderr == "Die Website wurde nicht verändert.\n"
    assert not (broken / "site").exists()


HOSTILE = {
    "latin1": ("city: Düsseldorf\n".encode("latin-1"), "Die Datei ist nicht in UTF-8 gespeichert (ungültiges Byte 0xfc)."),
    "nul-bytes": (b"\x00\x00\x00\x00", "Die Datei enthält ein unsichtbares Steuerzeichen (U+0000)"),
    "deep": (b"city: " + b"[" * 30000 + b"]" * 30000 + b"\n", "Die Daten sind zu tief verschachtelt (mehr als 12 Ebenen)."),
    "alias-bomb": (b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{chr(c)}: &{chr(c)} [{', '.join([f'*{chr(c - 1)}'] * 9)}]\n".encode() for c in range(ord("b"), ord("k"))),
        "Anker und Verweise (&name, *name) sind nicht erlaubt."),
    "python-tag": (b"city: !!python/object/apply:os.system ['touch pwned']\n",
                   "Typangaben wie „tag:yaml.org,2002:python/object/apply:os.system“ sind nicht erlaubt."),
    "binary": (bytes(range(256)) * 4, "Die Datei ist nicht in UTF-8 gespeichert (ungültiges Byte 0x80)."),
}


def test_hostile_files_give_one_error_each_and_never_a_traceback(make_site: MakeSite) -> None:
    project = make_site(files={f"content/members/{name}.yaml": data for name, (data, _) in HOSTILE.items()})
    run = cli(project, "check", "--format", "json")
    assert run.returncode == 1
    found = {p["file"].rsplit("/", 1)[1].removesuffix(".yaml"): p["message"] for p in json.loads(run.stdout) if p["severity"] == "error"}
    assert sorted(found) == sorted(HOSTILE)
    for name, (_, message) in HOSTILE.items():
        assert found[name].startswith(message), name
    assert not (project / "pwned").exists() and not Path("pwned").exists()
