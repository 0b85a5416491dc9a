"""Full-text search: a Pagefind index of the rendered pages, made after rendering.

Pagefind (PyPI ``pagefind[bin]``: the binary ships inside the wheel) needs files, so the pages
are written to a temporary folder under the site's base path, the binary indexes their
``<main>`` (header, navigation and footer repeat on every page and would only add noise) with
German stemming, and its bundle is read back into the outputs under ``pagefind/``. So the
bundle goes through the same link check and atomic publish as every other file, and nothing in
site/ is touched here. The 404 page and the search page itself are not indexed. Pagefind's
output is byte-identical for identical pages (tests/test_search_index.py checks it).

Pagefind's memory (about 150 KB per page, in its own process, all pages at once) is most of a
large build's peak; writing only each page's ``<main>`` gives the same bundle but saves neither
its memory nor its time, and the ``pagefind`` Python API runs the same indexer, so the pages
are written whole. Instead a large site is indexed in bundles of about 1,000 pages
(search_bundles.py decides which), one run after the other, each on a temporary folder with
only its pages: the peak is one bundle's. The search page merges them in the browser. This
process gives its free heap back before each run.

Only the JavaScript API of the bundle is used (templates/assets/search.js): the bundled UIs are
left out of the outputs.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from . import messages as m
from .parallel import release_free_memory
from .problems import Problem
from .render import Output
from .search_bundles import SearchBundle
from .sitemodel import SiteModel
from .spill import RenderedFile
from .write import link_or_copy

UNUSED_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
TIMEOUT_SECONDS = 120  # per run, plus TIMEOUT_PER_PAGE for every page of its bundle: a large site must not fail for its size
TIMEOUT_PER_PAGE = 0.05


def pagefind_executable() -> Path | None:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one of the pagefind-bin package.

    The order of ``pagefind.service.get_executable``, without importing that module: it
    imports asyncio, which is 20 ms of the real site's one-second build.
    """
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured is not None:
        return Path(configured)
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return Path(importlib.import_module(package).get_executable())
        except (ImportError, FileNotFoundError):
            continue
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return Path(found) if found else None


def _problem(detail: str) -> Problem:
    return Problem("", 0, 0, "", m.text("search_index_failed", detail=detail), m.hint("search_index_failed"))


_running: set[subprocess.Popen[bytes]] = set()  # Pagefind processes of this process, for stop_running
_running_lock = threading.Lock()
_stopped = threading.Event()  # set by stop_running: no new Pagefind starts


def _run(command: list[str], timeout: float) -> tuple[int, bytes, bytes]:
    """``subprocess.run`` that ``stop_running`` can end from another thread."""
    with _running_lock:
        if _stopped.is_set():
            raise OSError("Pagefind wird nicht mehr gestartet: die Vorschau wird beendet.")
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _running.add(process)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    finally:
        with _running_lock:
            _running.discard(process)
    return process.returncode, stdout, stderr


def stop_running() -> None:
    """End every Pagefind this process started and is still waiting for.

    The dev server indexes in a background thread (serve.py); when it stops, the
    indexer must not run on, orphaned, with nobody left to read its output.
    """
    with _running_lock:
        _stopped.set()
        for process in _running:
            process.kill()


def build_search_index(outputs: dict[str, Output], model: SiteModel) -> tuple[dict[str, bytes], list[Problem]]:
    """Every bundle of the index (search_bundles.py) as output path → bytes, or a problem saying why there is none."""
    files: dict[str, bytes] = {}
    for bundle in model.search_bundles:
        bundle_files, problems = index_bundle(outputs, model, bundle)
        if problems:
            return {}, problems
        files.update(bundle_files)
    return files, []


def index_bundle(outputs: dict[str, Output], model: SiteModel, bundle: SearchBundle) -> tuple[dict[str, bytes], list[Problem]]:
    """One Pagefind run over the pages of ``bundle``: its files below ``bundle.folder``, or a problem."""
    executable = pagefind_executable()
    if executable is None:
        return {}, [_problem("Das Programm Pagefind ist nicht installiert (Python-Paket „pagefind[bin]“).")]
    base = model.site.base_path
    with tempfile.TemporaryDirectory(prefix="familiensite-search-") as temporary:
        site = Path(temporary) / "site"
        output = Path(temporary) / "bundle"
        pages = site.joinpath(*base.strip("/").split("/")) if base.strip("/") else site
        for path in bundle.pages:
            data = outputs.get(path)
            if not isinstance(data, (bytes, RenderedFile)):
                continue
            target = pages / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                target.write_bytes(data)
            else:  # a spilled page (spill.py): Pagefind only reads it
                link_or_copy(data, target)
        command = [
            str(executable), "--site", str(site), "--output-path", str(output), "--root-selector", "main",
            "--force-language", model.site.language, "--silent",
        ]
        release_free_memory()  # Pagefind's own memory adds to this process's in the build's peak
        try:
            returncode, stdout, stderr = _run(command, TIMEOUT_SECONDS + TIMEOUT_PER_PAGE * len(bundle.pages))
        except (OSError, subprocess.TimeoutExpired) as error:
            return {}, [_problem(str(error))]
        if returncode != 0 or not (output / "pagefind.js").is_file():
            detail = (stderr or stdout).decode("utf-8", "replace").strip() or f"Rückgabewert {returncode}"
            return {}, [_problem(detail)]
        files = {
            bundle.folder + path.relative_to(output).as_posix(): path.read_bytes()
            for path in sorted(output.rglob("*"))
            if path.is_file() and not path.name.startswith(UNUSED_FILES)
        }
    return files, []
