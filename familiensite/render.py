"""Render stage: the site model → output path and bytes, for every file of the site.

Pure apart from reading templates: nothing is written here.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import os
import traceback
from collections.abc import Callable, Collection, Iterator
from pathlib import Path
from typing import Any, TypedDict

import jinja2

from . import messages as m
from .parallel import parallel_map
from .problems import Problem
from .search_bundles import OVERVIEW_TEMPLATES
from .sitemodel import PageSpec, SiteModel, SiteView
from .spill import RenderedFile, spill_page
from .templating import make_environment

Output = bytes | Path | RenderedFile  # bytes to write, a file to copy as it is, or a page the build spilled (spill.py)


class TemplateContext(TypedDict):
    """What every template receives (plus the page's own records by name)."""

    site: SiteView
    page: PageSpec


def template_problem(error: jinja2.TemplateError, templates: Path) -> Problem:
    """An error in a template as a problem at the template's line (Jinja puts template lines into the traceback)."""
    name, line = getattr(error, "name", None) or getattr(error, "filename", None) or "", getattr(error, "lineno", None) or 0
    roots = tuple(dict.fromkeys(root + os.sep for root in (os.path.normpath(templates), str(templates.resolve()))))
    if not isinstance(error, jinja2.TemplateSyntaxError):
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            root = next((r for r in roots if frame.filename.startswith(r)), None)
            if root is not None:
                name, line = frame.filename[len(root):], frame.lineno or 0
                break
    for root in roots:
        name = name.removeprefix(root)
    name = name.replace(os.sep, "/") or "?"
    detail = error.message or type(error).__name__
    return Problem(f"templates/{name}", line, 0, "", m.text("template_error", template=name, detail=detail), m.hint("template_error"))


def _hashed(name: str, data: bytes) -> str:
    stem, _, extension = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:10]}.{extension}"


def render_stylesheet(templates: Path, site: SiteView) -> tuple[str, bytes]:
    css = (templates / "assets" / "site.css").read_text(encoding="utf-8")
    data = css.replace("__ACCENT_COLOR__", site.accent_color).encode("utf-8")
    return "assets/" + _hashed("site.css", data), data


def render_page(env: jinja2.Environment, site: SiteView, spec: PageSpec) -> bytes:
    """One HTML page: its template with the site frame and the page's records."""
    return env.get_template(spec.template).render(site=site, page=spec, **spec.records).encode("utf-8")


PageRenderer = Callable[[jinja2.Environment, SiteView, PageSpec], bytes]


@functools.cache
def _worker_environment(templates: Path, project: Path | None) -> jinja2.Environment:
    from .cache import template_cache  # the compiled templates of the build's cache, when there is one

    return make_environment(templates, template_cache(project) if project is not None else None)


def _page_output(spill: str | None, env: jinja2.Environment, site: SiteView, spec: PageSpec) -> Output:
    """One page's output: its bytes, or with ``spill`` the file they were written to (spill.py).

    A spilled overview (the lists name every item: 30 MB at 100,000 items) is written piece by
    piece: rendered whole, Jinja first collects its two million fragments in one list.
    """
    if spill is None:
        return render_page(env, site, spec)
    if spec.template in OVERVIEW_TEMPLATES:
        return spill_page(spill, spec.output, _rendered_in_parts(env, site, spec))
    return spill_page(spill, spec.output, render_page(env, site, spec))


def _rendered_in_parts(env: jinja2.Environment, site: SiteView, spec: PageSpec) -> Iterator[bytes]:
    """``render_page``'s bytes, in parts of a few thousand template fragments."""
    fragments = env.get_template(spec.template).generate(site=site, page=spec, **spec.records)
    while chunk := list(itertools.islice(fragments, 4096)):
        yield "".join(chunk).encode("utf-8")


def _page_output_remote(templates: Path, project: Path | None, spill: str | None, site: SiteView, spec: PageSpec) -> Output:
    """``_page_output`` in a worker forked before the build loaded anything (parallel.early_workers): its own environment."""
    return _page_output(spill, _worker_environment(templates, project), site, spec)


def render_site(
    model: SiteModel, templates: Path, env: jinja2.Environment | None = None, render: PageRenderer = render_page,
    forget: Collection[Any] = (), project: Path | None = None, spill: Path | None = None,
) -> dict[str, Output]:
    """Every output file of the site, by path inside site/.

    The preview (incremental.py) passes its long-lived ``env`` and a ``render`` that reuses
    the bytes of pages whose inputs did not change; the build uses the defaults.
    ``forget``: what the page workers can drop (parallel.parallel_map): the pages need only the model.
    ``project``: whose template cache early workers use (parallel.early_workers). ``spill``:
    the pages are written there as they are rendered, and their outputs are those files (spill.py).
    """
    outputs: dict[str, Output] = {}
    stylesheet_path, stylesheet = render_stylesheet(templates, model.site)
    outputs[stylesheet_path] = stylesheet
    script = (templates / "assets" / "search.js").read_bytes()  # the search page's script (search_index.py)
    script_path = "assets/" + _hashed("search.js", script)
    outputs[script_path] = script
    site = dataclasses.replace(model.site, stylesheet=model.site.base_path + stylesheet_path, search_script=model.site.base_path + script_path)
    env = env or make_environment(templates)
    if render is render_page:  # the build: pure per page, so spread over processes (parallel.py)
        for template in sorted({spec.template for spec in model.pages}):
            env.get_template(template)  # compiled once, before the workers are forked
        # The overviews (home page, lists: megabytes each at 10,000 items) last, so that this process renders them
        # (parallel_map's own share): what rendering one takes would stay in a worker's RSS (27 MiB at 10,000 items).
        order = sorted(range(len(model.pages)), key=lambda index: model.pages[index].template in OVERVIEW_TEMPLATES)
        folder = str(spill) if spill is not None else None
        rendered = parallel_map(
            functools.partial(_page_output, folder, env, site), [model.pages[index] for index in order], forget=forget,
            remote=functools.partial(_page_output_remote, templates, project, folder, site),
        )
        pages: list[Output] = [b""] * len(order)
        for index, page in zip(order, rendered):
            pages[index] = page
    else:
        pages = [render(env, site, spec) for spec in model.pages]
    for spec, page in zip(model.pages, pages):
        outputs[spec.output] = page
    for output_path, asset in model.assets:
        outputs[output_path] = asset.source
    # Rendered like a page, so that the preview reuses it while no page comes, goes or moves.
    sitemap = PageSpec("sitemap.xml", "sitemap.xml", model.site.base_path + "sitemap.xml", "", "", (), "",
                       {"urls": tuple(p.url for p in model.pages if p.output != "404.html")})
    outputs["sitemap.xml"] = render(env, site, sitemap)
    outputs["robots.txt"] = env.get_template("robots.txt").render(site=site).encode("utf-8")
    return outputs
