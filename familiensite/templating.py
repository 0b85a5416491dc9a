"""The Jinja environment, and compiling the templates beside the build's other first steps.

Light on purpose (Jinja and the standard library only): ``compile_in_background`` forks a
process that renders the content's Markdown into its cache (markdown_ahead.py) and fills
the compiled-template cache (cache.template_cache) while the build itself imports the
content model and loads and validates the content. A cold build of the real site spends
about 0.2 s compiling its templates and 0.1 s on Markdown, and about 0.4 s before it needs
either; on two cores they overlap. The environment that renders then finds the templates
compiled; one that the process has not reached yet it compiles itself, so a slow process
costs the build no waiting (``make_environment``). Should that process fail, the build
does everything itself: the caches are an optimisation only.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

TEMPLATE_SUFFIXES = (".html", ".xml", ".txt", ".atom")
WAIT_SECONDS = 10.0  # a compiling process that takes longer is ended; the build compiles on its own

_compiling: dict[str, int] = {}  # templates folder → pid of the process compiling them


def json_for_script(value: Any) -> Markup:
    """JSON safe inside <script>: no "</script>", "<!--" or line separators can break out.

    Markup is passed on as it is: what this function made before (the pages' JSON-LD, see structured_data.py).
    """
    if isinstance(value, Markup):
        return value
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def make_environment(templates: Path, bytecode: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """The one Jinja environment: autoescape always on, undefined names are errors.

    ``bytecode``: compiled templates kept between builds (cache.template_cache). A
    template the compiling process has not reached yet is compiled here: the two share
    the work instead of one waiting for the other (Jinja writes each cache file under a
    temporary name and renames it, so either process finds a whole file or none).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=bytecode,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["html"] = Markup  # only for HTML that markdown_render sanitised
    env.filters["json_ld"] = json_for_script
    return env


def compile_in_background(project: Path) -> None:
    """Start rendering ``project``'s Markdown and compiling its templates into the build cache in a forked process.

    Nothing happens without fork, with the cache off, with one worker
    (FAMILIENSITE_WORKERS=1) or when threads run (forking them is unsafe).
    """
    from .cache import template_cache  # light: the content model is not imported
    from .parallel import worker_count

    templates = project / "templates"
    if not hasattr(os, "fork") or threading.active_count() != 1 or worker_count() <= 1 or not templates.is_dir():
        return
    bytecode = template_cache(project)
    if bytecode is None:
        return
    # Imported before forking, as the build imports them anyway: load.py's, and importlib.metadata
    # (pydantic's plugins; the versions in the Markdown cache's key), which the child would import again.
    from importlib import metadata  # noqa: F401

    from .markdown_ahead import render_ahead

    pid = os.fork()
    if pid:
        _compiling[str(templates)] = pid
        return
    try:  # the child: Markdown first (the build needs it first), then compile; leave without running the parent's cleanup
        try:
            render_ahead(project)
        except Exception:  # noqa: BLE001, S110 - the build renders whatever is missing itself
            pass
        env = make_environment(templates, bytecode)
        for name in env.list_templates(filter_func=lambda name: name.endswith(TEMPLATE_SUFFIXES)):
            try:
                env.get_template(name)
            except jinja2.TemplateError:
                pass  # the build reports it, with its place
    finally:
        os._exit(0)


def wait_for_compiling(templates: Path) -> None:
    """Wait for the compiling process of ``templates``, if one runs (at most WAIT_SECONDS)."""
    pid = _compiling.pop(str(templates), None)
    if pid is None:
        return
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while os.waitpid(pid, os.WNOHANG) == (0, 0):
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return
            time.sleep(0.002)
    except ChildProcessError:  # already reaped
        pass
