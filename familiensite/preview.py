"""The preview's build: the same pipeline as ``build``, kept warm between saves.

``PreviewBuilder.rebuild()`` runs the whole pipeline (load, validate, site model,
render, exports, search, link check: exactly what ``build`` runs) with a
``PageCache`` that reuses unchanged pages and a ``ContentCache`` that re-parses
and re-validates only changed files (parse_cache.py), then brings the preview
folder up to date by writing only the changed files and deleting the ones that
disappeared (incremental.py decides which). After every successful rebuild the
folder equals what a fresh ``python build.py build`` would publish, byte for
byte (tests/test_incremental.py).

The dev server (serve.py) splits a rebuild in two so that the edited page shows
first: ``rebuild_pages()`` writes the HTML pages (the other files of the last
complete rebuild stay), the browser reloads, and ``complete()`` then brings the
calendars, feed, open data, search index and link check up to date (seconds at
10,000 items). Should that second half find a broken link, the error page
replaces the site as for any other error, while the new pages are already
written; the next good save makes the folder whole again.

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

import functools
import os
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2

from . import messages as m
from .cache import CachedMarkdown
from .check import build_date
from .incremental import OutputChanges, PageCache, Stamp, diff_outputs, stamp
from .parse_cache import ContentCache
from .pipeline import BuildResult, complete_outputs, render_pages
from .problems import Problem, has_errors
from .quick_edit import edited_spec, text_edits
from .render import Output
from .report import format_text, summary
from .templating import make_environment
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


@dataclass(frozen=True, slots=True, eq=False)
class PendingRest:
    """A first half that is written and whose second half is not: compared by identity."""

    pages: BuildResult
    today: date


@dataclass(frozen=True, slots=True)
class RestOutcome:
    """What ``compute_rest`` produced: the complete result, or the traceback of a crash."""

    result: BuildResult | None
    error: str  # "TypeError: …" of a crash, for the error page
    crashed: str  # its traceback, for the terminal
    seconds: float


class PreviewBuilder:
    """Builds the project into its preview folder, incrementally."""

    def __init__(self, project: Path, output: Path, today: date | None = None) -> None:
        self.project = project
        self.output = output
        self.today = today  # fixed in tests; otherwise each rebuild asks build_date()
        self.cache = PageCache()
        # Markdown rendered once per distinct text for as long as the preview runs (cache.py); no cache file
        self.markdown = CachedMarkdown("/", None)
        self.content_cache = ContentCache()  # parsed files and validated records (parse_cache.py)
        self.stamps: dict[str, Stamp] | None = None  # what the folder holds; None before the first write
        self.base_path: str | None = None
        self.later: dict[str, Output] = {}  # the second half's outputs (exports, search) of the last complete rebuild
        self._pending: PendingRest | None = None  # pages written, second half not yet applied
        self._shown: BuildResult | None = None  # the first half whose pages are in the folder (quick_edit.py)

    def rebuild(self, changed: Collection[str] | None = None) -> RebuildReport:
        """Both halves, then one write: afterwards the folder equals a full build (or is left as it was).

        ``changed``: the paths (relative to the project) the dev server's watcher reported
        changed since the last rebuild, so loading looks at those only (load.py); None: unknown.
        """
        return self._guarded(functools.partial(self._rebuild, changed))

    def rebuild_pages(self, changed: Collection[str] | None = None) -> RebuildReport:
        """The first half only (content, model, pages), written at once; ``complete`` (or, in the
        dev server, ``compute_rest`` and ``apply_rest``) does the rest."""
        return self._guarded(functools.partial(self._rebuild_pages, changed))

    def quick_rebuild(self, changed: Collection[str]) -> tuple[str, ...]:
        """Write the pages of a save that changed only the text of conferences or results (quick_edit.py).

        The pages written, or () when the quick path does not apply; either way the full
        rebuild (``rebuild_pages`` or ``rebuild``) follows and has the last word.
        """
        shown = self._shown
        if shown is None or shown.content is None or shown.model is None or self.stamps is None:
            return ()
        files: dict[str, bytes] = {}
        for relative in changed:  # relative to the project, as the watcher reports them ("content/…")
            try:
                files[relative] = (self.project / relative).read_bytes()
            except OSError:
                return ()
        try:
            edits = text_edits(shown.content, shown.model, files) if files else None
            written: list[str] = []
            for edit in edits or ():
                spec = edited_spec(edit, self.markdown.render)
                data = self.cache.rerender(spec)
                if data is None:
                    return tuple(written)
                write_file(self.output, spec.output, data)
                self.stamps[spec.output] = stamp(data)
                written.append(spec.output)
                self._pending = None  # its second half would write the page as it was: stale now
        except Exception:  # noqa: BLE001 - the full rebuild that follows reports whatever this is
            traceback.print_exc()
            return ()
        return tuple(written)

    def complete(self) -> RebuildReport | None:
        """The second half after ``rebuild_pages``: calendars, feed, open data, search, the link check.

        None when there is nothing to complete (the last ``rebuild_pages`` failed, or it was completed).
        """
        job = self.pending_rest()
        return self.apply_rest(job, self.compute_rest(job)) if job is not None else None

    def pending_rest(self) -> PendingRest | None:
        """The second half the last ``rebuild_pages`` left to do, if any."""
        return self._pending

    def compute_rest(self, job: PendingRest) -> RestOutcome:
        """The second half's outputs and problems; touches nothing of the builder, so it may run in
        another thread while the next ``rebuild_pages`` runs (serve.py). Never raises."""
        started = time.perf_counter()
        try:
            return RestOutcome(complete_outputs(job.pages, self.project, job.today), "", "", time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - a bug: reported by apply_rest like any crash of a rebuild
            return RestOutcome(None, f"{type(error).__name__}: {error}", traceback.format_exc(), time.perf_counter() - started)

    def apply_rest(self, job: PendingRest, outcome: RestOutcome) -> RebuildReport | None:
        """Write the second half, unless a newer ``rebuild_pages`` made it stale (then None)."""
        if job is not self._pending:
            return None
        self._pending = None
        result = outcome.result
        if result is None:
            report = self._crash_report(outcome.error, outcome.crashed)
        else:
            report = self._guarded(functools.partial(self._complete_report, job.pages, result))
        report.seconds += outcome.seconds
        return report

    def _complete_report(self, pages: BuildResult, result: BuildResult, rendered: tuple[str, ...] = ()) -> RebuildReport:
        """The report of a complete rebuild; written (``_accept``) only when it has no errors."""
        if has_errors(result.problems):
            return RebuildReport(result.problems, False, self.base_path, rendered)
        changes = self._accept(pages, result)  # sets base_path first
        return RebuildReport(result.problems, True, self.base_path, rendered, changes)

    def _crash_report(self, detail: str, crashed: str) -> RebuildReport:
        problem = Problem("", 0, 0, "", m.text("preview_internal_error", detail=detail), m.hint("preview_internal_error"))
        return RebuildReport([problem], False, self.base_path, crashed=crashed)

    def _guarded(self, step: Callable[[], RebuildReport]) -> RebuildReport:
        started = time.perf_counter()
        try:
            report = step()
        except Exception as error:  # noqa: BLE001 - a bug, not bad content: keep serving, show it, print the traceback
            self._pending = None
            self.content_cache.files.index.valid = False  # the reported changes may not have reached loading: walk next time
            report = self._crash_report(f"{type(error).__name__}: {error}", traceback.format_exc())
        report.seconds = time.perf_counter() - started
        return report

    def _first_half(self, changed: Collection[str] | None) -> tuple[BuildResult, date, tuple[str, ...]]:
        self._pending = None
        self._shown = None  # set again once this rebuild's pages are written
        env = self.cache.prepare(self.project / "templates")
        today = self.today or build_date()
        pages = render_pages(
            self.project, today, env=env, render=self.cache.render, markdown=self.markdown, cache=self.content_cache, changed=changed,
        )
        return pages, today, tuple(output for output in self.cache.rendered if output.endswith(".html"))  # the pages, not the sitemap

    def _rebuild(self, changed: Collection[str] | None) -> RebuildReport:
        pages, today, rendered = self._first_half(changed)
        if pages.content is None:
            return RebuildReport(pages.problems, False, self.base_path, rendered)
        return self._complete_report(pages, complete_outputs(pages, self.project, today), rendered)

    def _rebuild_pages(self, changed: Collection[str] | None) -> RebuildReport:
        pages, today, rendered = self._first_half(changed)
        if pages.content is None:
            return RebuildReport(pages.problems, False, self.base_path, rendered)
        assert pages.model is not None
        self.cache.forget_except(pages.outputs)
        changes = self._write({**self.later, **pages.outputs})
        self.base_path = pages.model.site.base_path
        self._pending = PendingRest(pages, today)
        self._shown = pages
        return RebuildReport(pages.problems, True, self.base_path, rendered, changes)

    def _accept(self, pages: BuildResult, result: BuildResult) -> OutputChanges:
        """Write a complete, error-free result and remember its second half for the next ``rebuild_pages``."""
        assert result.model is not None
        self.cache.forget_except(result.outputs)
        changes = self._write(result.outputs)
        self.later = {path: data for path, data in result.outputs.items() if path not in pages.outputs}
        self.base_path = result.model.site.base_path
        self._shown = pages
        return changes

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
