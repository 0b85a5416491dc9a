"""The build, stage by stage: load → validate → site model → render → link check → write."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2

from . import fastpath
from . import messages as m
from . import spill as spill_files
from .cache import CachedMarkdown, prepared_markdown, template_cache
from .check import build_date, check_content
from .exports import render_exports
from .linkcheck import check_links
from .load import content_items
from .parallel import early_workers, release_free_memory
from .parse_cache import ContentCache
from .problems import Problem, has_errors, sort_problems
from .render import Output, PageRenderer, render_page, render_site, template_problem
from .search_cache import SearchIndexThread
from .sitemodel import SiteModel, build_site_model
from .snapshot import PreviousBuild, hashed_outputs, previous_build
from .snapshot import keep as keep_snapshot
from .spill import Put, in_memory, remove_spill, remove_stale_spills, spill_page, spill_root
from .stamp import publication_stamp, source_date_epoch
from .structured_data import add_structured_data
from .templating import make_environment
from .validate import Content
from .write import LockedError, PublishError, os_reason, publish


@dataclass(slots=True)
class BuildResult:
    problems: list[Problem] = field(default_factory=list)
    outputs: dict[str, Output] = field(default_factory=dict)
    model: SiteModel | None = None
    written: bool = False
    up_to_date: bool = False  # nothing changed since the last build: site/ left as it was (fastpath.py)
    restored: bool = False  # the same inputs as a build in the cache: site/ published from its snapshot (snapshot.py)
    spilled: Path | None = None  # the folder the pages were written to as they were rendered (spill.py), if they were
    # The validated content, when there were no errors (a build's without the Markdown texts; a build that spilled its
    # pages keeps neither the content nor its pages' records once the exports are made: see complete_outputs).
    content: Content | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def render_project(
    project: Path, today: date | None = None, env: jinja2.Environment | None = None, render: PageRenderer = render_page,
    search: bool = True, markdown: CachedMarkdown | None = None,
) -> BuildResult:
    """Everything up to the files of the site, in memory.

    ``env`` and ``render`` let the preview reuse unchanged pages (incremental.py);
    an error in a template becomes a problem, like an error in the content.
    ``search=False`` leaves out the Pagefind index (the one stage that runs a program).
    """
    today = today or build_date()
    pages = render_pages(project, today, env, render, markdown)
    return complete_outputs(pages, project, today, search) if pages.content is not None else pages


def render_pages(
    project: Path, today: date, env: jinja2.Environment | None = None, render: PageRenderer = render_page,
    markdown: CachedMarkdown | None = None, cache: ContentCache | None = None, changed: Collection[str] | None = None,
    spill: Path | None = None,
) -> BuildResult:
    """The first half of ``render_project``: load, validate, site model and the HTML pages.

    The preview shows the edited page after this half and runs ``complete_outputs``
    afterwards (serve.py). ``content`` stays None when the content has errors.
    ``spill``: where a large site's pages may be written as they are rendered (spill.py).
    """
    content, problems = check_content(project, today, cache, changed)  # changed: reported by the dev server's watcher (load.py)
    if content is None:
        return BuildResult(problems)
    markdown = prepared_markdown(content, project, keep=markdown)  # cache.py: rendered Markdown by content hash
    model = add_structured_data(build_site_model(content, today, markdown, cache.views if cache else None), cache.pages if cache else None)
    markdown.save()
    try:
        env = env or make_environment(project / "templates", template_cache(project))
        # The page workers empty their copies of the content's collections and the Markdown cache's tables right
        # after the fork (the bodies, the records): 28 MiB less in a worker's RSS at 10,000 items.
        forget = (content.conferences, content.results, content.members, content.pages, *markdown.tables())
        spill = spill if spill is not None and len(model.pages) >= spill_files.MIN_PAGES else None
        outputs = render_site(model, project / "templates", env, render, forget, project, spill)
    except jinja2.TemplateError as error:
        return BuildResult(sort_problems([*problems, template_problem(error, project / "templates")]), model=model)
    if cache is None:  # a build, not the preview (whose parse cache keeps the texts for the next save)
        _without_markdown_texts(content)
    return BuildResult(problems, outputs, model, content=content, spilled=spill)


def _without_markdown_texts(content: Content) -> None:
    """Let go of the items' Markdown texts: the site model holds their HTML, and nothing after it reads them.

    27 MiB at 10,000 items, resident while Pagefind indexes (the build's peak memory) if kept.
    """
    content.conferences = [dataclasses.replace(entry, body="") for entry in content.conferences]
    content.results = [dataclasses.replace(entry, body="") for entry in content.results]
    content.pages = [dataclasses.replace(entry, body="") for entry in content.pages]


def complete_outputs(pages: BuildResult, project: Path, today: date, search: bool = True) -> BuildResult:
    """The second half: the search index (of the pages only), calendars, feed, open data, and the link check over all outputs."""
    assert pages.content is not None and pages.model is not None
    content, model, problems = pages.content, pages.model, pages.problems
    outputs = dict(pages.outputs)
    # The search index is made in a thread while the exports render (50–70 ms of the real site's build): nothing below
    # forks then. Pagefind takes about one core, so the calendars in this one process cost a large site little time, and
    # forking workers for them here would copy the pages into each worker's RSS (the peak memory at 10,000 items).
    # A large build spills each file as it is made, like the pages (spill.py): never all of them in memory.
    put: Put = functools.partial(spill_page, str(pages.spilled)) if pages.spilled is not None else in_memory
    searching = SearchIndexThread(outputs, _for_search(model) if pages.spilled else model, project, put) if search else None
    search_files: dict[str, Output] = {}
    search_problems: list[Problem] = []
    try:
        exports = render_exports(content, model, project / "templates", today, publication_stamp(content, source_date_epoch()), put)
        if pages.spilled is not None:  # a large build: nothing below reads the content or the pages' records: gone while Pagefind runs
            pages.content, pages.model = None, _for_link_check(model)  # ``pages`` is handed over to this stage: its fields are the last references
            del content, model
            release_free_memory()
    except jinja2.TemplateError as error:
        return BuildResult(sort_problems([*problems, template_problem(error, project / "templates")]), model=pages.model)
    finally:
        if searching is not None:
            search_files, search_problems = searching.result()
    outputs.update(exports)
    outputs.update(search_files)
    assert pages.model is not None
    problems = sort_problems([*problems, *search_problems, *check_links(outputs, pages.model)])
    return BuildResult(problems, outputs, pages.model, content=pages.content, spilled=pages.spilled)


def _for_search(model: SiteModel) -> SiteModel:
    """What the search index reads of the model: the site's settings and the bundles (a large build's search thread)."""
    return dataclasses.replace(model, pages=(), assets=(), conferences=(), results=(), network=None)


def _for_link_check(model: SiteModel) -> SiteModel:
    """The model without the records of its pages (views, HTML, JSON-LD): what the link check and the summary read.

    A large build keeps only this once the exports are made, so Pagefind runs beside a
    smaller process: at 100,000 items 1,571 → 937 MiB (10,000 items: 192 → 138 MiB).
    """
    return dataclasses.replace(model, pages=tuple(dataclasses.replace(spec, records={}, structured_data=()) for spec in model.pages),
                               conferences=(), results=(), network=None)


def build_project(project: Path, output: Path, today: date | None = None, previous: PreviousBuild | None = None) -> BuildResult:
    """The whole build: site/ is replaced only when every stage succeeded.

    When nothing the build reads has changed since the last build and site/ is as
    that build left it, nothing is done (fastpath.py); when the inputs are those of
    the build in the cache's snapshot, site/ is published from it (snapshot.py).
    Either way that build's problems are reported again. ``previous`` is what
    ``previous_build`` found when the caller has asked already.
    """
    previous = previous or previous_build(project, output, today)
    if previous.problems is not None:
        return BuildResult(previous.problems, written=True, up_to_date=not previous.restored, restored=previous.restored)
    remove_stale_spills(output)
    spill = spill_root(output)
    pages = BuildResult()
    try:
        with early_workers(content_items(project)):  # forked before the content is loaded: they hold only what they are sent
            pages = render_pages(project, today or build_date(), spill=spill)
        return _complete_and_publish(pages, project, output, today, previous)
    finally:
        remove_spill(spill, len(pages.outputs))


def _complete_and_publish(pages: BuildResult, project: Path, output: Path, today: date | None, previous: PreviousBuild) -> BuildResult:
    """The rest of ``build_project``: ``today`` as it was given (None: the build date), as the fast path's state records it."""
    result = complete_outputs(pages, project, today or build_date()) if pages.content is not None else pages
    if not result.ok:
        return result
    state = fastpath.state_path(output)

    hashed = hashed_outputs(project, result.outputs)  # files the snapshot holds are linked, not written

    def after_publishing() -> None:  # still under the output's lock
        fastpath.record(state, previous.inputs, output, result.problems)
        keep_snapshot(project, output, previous, hashed, result.problems, today)

    try:
        fastpath.forget(state)
        publish(result.outputs, output, after=after_publishing, known=hashed.stored if hashed else None)
    except LockedError as error:
        result.problems.append(Problem(str(output), 0, 0, "", m.text("build_locked", path=output, pid=error.holder), m.hint("build_locked")))
        return result
    except PublishError as error:
        result.problems.append(Problem(str(output), 0, 0, "", m.text("output_write_failed", path=output, detail=error)))
        return result
    except OSError as error:  # the build state beside site/ could not be removed (a read-only folder): nothing written
        result.problems.append(Problem(str(output), 0, 0, "", m.text("output_write_failed", path=output, detail=os_reason(error))))
        return result
    result.written = True
    return result
