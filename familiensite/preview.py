"""The preview's build: the same pipeline as ``build``, kept warm between saves.

``PreviewBuilder.rebuild()`` runs ``render_project`` (load, validate, site model,
render, link check: exactly what ``build`` runs) with a ``PageCache`` that reuses
unchanged pages, then brings the preview folder up to date by writing only the
changed files and deleting the ones that disappeared (incremental.py decides
which). After every successful rebuild the folder equals what a fresh
``python build.py build`` would publish, byte for byte (tests/test_incremental.py).

The preview has its own output folder (default ``.cache/preview/``), never
site/: a ``build`` can run while the preview is open, and the preview holds the
lock of its own folder (write.output_lock) for as long as it runs, so two
previews of the same project cannot write into each other.

When the content is invalid the folder keeps the last good site and the builder
reports the problems; serve.py shows them as the error page. No exception from a
rebuild escapes: anything unexpected becomes a problem too ("interner Fehler"),
with the traceback printed for the developers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2

from . import messages as m
from .cache import CachedMarkdown
from .check import build_date
from .incremental import OutputChanges, PageCache, Stamp, diff_outputs, stamp
from .pipeline import render_project
from .problems import Problem, has_errors
from .render import Output, make_environment
from .report import format_text, summary
from .write import safe_relative

ERROR_TEMPLATE = "dev_errors.html"


@dataclass(slots=True)
class RebuildReport:
    """The outcome of one rebuild, for the terminal, the error page and the tests."""

    problems: list[Problem]
    ok: bool
    base_path: str | None  # "/familie/" once a build succeeded
    rendered: tuple[str, ...] = ()  # pages rendered in this rebuild (the others were reused)
    changes: OutputChanges = field(default_factory=lambda: OutputChanges((), ()))
    seconds: float = 0.0
    crashed: str = ""  # traceback of an unexpected exception (a bug), for the terminal


class PreviewBuilder:
    """Builds the project into its preview folder, incrementally."""

    def __init__(self, project: Path, output: Path, today: date | None = None) -> None:
        self.project = project
        self.output = output
        self.today = today  # fixed in tests; otherwise each rebuild asks build_date()
        self.cache = PageCache()
        # Markdown rendered once per distinct text for as long as the preview runs (cache.py); no cache file
        self.markdown = CachedMarkdown("/", None)
        self.stamps: dict[str, Stamp] | None = None  # what the folder holds; None before the first write
        self.base_path: str | None = None

    def rebuild(self) -> RebuildReport:
        started = time.perf_counter()
        try:
            report = self._rebuild()
        except Exception as error:  # noqa: BLE001 - a bug, not bad content: keep serving, show it, print the traceback
            problem = Problem("", 0, 0, "", m.text("preview_internal_error", detail=f"{type(error).__name__}: {error}"),
                              m.hint("preview_internal_error"))
            report = RebuildReport([problem], False, self.base_path, crashed=traceback.format_exc())
        report.seconds = time.perf_counter() - started
        return report

    def _rebuild(self) -> RebuildReport:
        env = self.cache.prepare(self.project / "templates")
        result = render_project(self.project, self.today or build_date(), env=env, render=self.cache.render, markdown=self.markdown)
        rendered = tuple(self.cache.rendered)
        if has_errors(result.problems):
            return RebuildReport(result.problems, False, self.base_path, rendered)
        self.cache.forget_except(result.outputs)
        changes = self._write(result.outputs)
        assert result.model is not None
        self.base_path = result.model.site.base_path
        return RebuildReport(result.problems, True, self.base_path, rendered, changes)

    def _write(self, outputs: dict[str, Output]) -> OutputChanges:
        stamps = {path: stamp(data) for path, data in outputs.items()}
        if self.stamps is None:  # first build of this run: start from an empty folder
            if self.output.exists():
                shutil.rmtree(self.output)
            self.output.mkdir(parents=True)
            previous: dict[str, Stamp] = {}
        else:
            previous = self.stamps
        changes = diff_outputs(previous, stamps)
        self.stamps = None  # if writing fails half-way, the next rebuild starts from scratch
        for path in changes.write:
            write_file(self.output, path, outputs[path])
        for path in changes.delete:
            delete_file(self.output, path)
        self.stamps = stamps
        return changes


def write_file(folder: Path, path: str, data: Output) -> None:
    """Replace one file atomically (a reader sees the old or the new file, never half of one)."""
    target = folder.joinpath(*safe_relative(path).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                with open(data, "rb") as source:
                    shutil.copyfileobj(source, stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def delete_file(folder: Path, path: str) -> None:
    """Delete one output and the folders it leaves empty (a deleted conference leaves no empty folder)."""
    target = folder.joinpath(*safe_relative(path).parts)
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != folder and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def render_error_page(project: Path, problems: list[Problem]) -> tuple[str, bytes]:
    """(content type, body) of the German error page (templates/dev_errors.html) listing every problem.

    If that template itself is broken, the same report as in the terminal, as plain text.
    """
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    try:
        env = make_environment(project / "templates")
        html = env.get_template(ERROR_TEMPLATE).render(errors=errors, warnings=warnings, summary=summary(problems))
        return "text/html; charset=utf-8", html.encode("utf-8")
    except (jinja2.TemplateError, OSError):
        return "text/plain; charset=utf-8", format_text(problems).encode("utf-8")
