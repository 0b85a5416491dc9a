"""Compiling the templates in a forked process while the build loads (templating.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from familiensite.cache import template_cache
from familiensite.cli import main
from familiensite.templating import TEMPLATE_SUFFIXES, make_environment
from tests.conftest import ROOT, make_project

COMPILE_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path
from familiensite.templating import compile_in_background, wait_for_compiling
project = Path(sys.argv[1])
compile_in_background(project)
wait_for_compiling(project / "templates")
"""


def _template_names(project: Path) -> list[str]:
    return make_environment(project / "templates").list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES))


def _compiled_by(project: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates that a build's environment still has to compile itself."""
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object) -> object:
        compiled.append(name or "")
        return original(self, source, name, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    env = make_environment(project / "templates", template_cache(project))
    for name in _template_names(project):
        env.get_template(name)
    return compiled


def test_the_background_process_leaves_every_template_compiled_in_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "project")
    monkeypatch.setenv("FAMILIENSITE_WORKERS", "2")
    subprocess.run([sys.executable, "-c", COMPILE_IN_A_FRESH_PROCESS, str(project)], cwd=ROOT, check=True, env=_env())
    assert len(_template_names(project)) > 10
    assert _compiled_by(project, monkeypatch) == []


def test_without_it_the_build_compiles_them_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "project")
    assert sorted(_compiled_by(project, monkeypatch)) == sorted(_template_names(project))


def test_one_worker_means_no_background_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = make_project(tmp_path / "project")
    monkeypatch.setenv("FAMILIENSITE_WORKERS", "1")
    subprocess.run([sys.executable, "-c", COMPILE_IN_A_FRESH_PROCESS, str(project)], cwd=ROOT, check=True, env=_env())
    assert len(_compiled_by(project, monkeypatch)) == len(_template_names(project))


def test_a_broken_template_is_reported_by_the_build_at_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "project")
    (project / "templates").unlink()
    (project / "templates").mkdir()
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            target = project / "templates" / path.relative_to(ROOT / "templates")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    page = project / "templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    monkeypatch.setenv("FAMILIENSITE_WORKERS", "2")
    assert main(["--project", str(project), "build"]) == 1
    report = capsys.readouterr().err
    assert "templates/page.html" in report


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}
