"""Spread a pure, per-item step over processes: large chunks, ``fork``, results in input order.

Used for the two steps whose cost grows with every item: Markdown (cache misses
only, see cache.py) and rendering the pages. This process renders a share itself,
with one forked worker fewer than CPUs. Workers are forked, so they inherit
the function and the items (the site model, the Jinja environment with its
compiled templates) without pickling them; only the results travel back. The
output is byte-identical to the serial loop: the same function on the same
items, joined in the original order.

Serial when it would not pay or is not possible: fewer than ``MIN_ITEMS`` items,
one CPU, ``FAMILIENSITE_WORKERS=1``, no ``fork`` (Windows, macOS default), or
while other threads run (the dev server rebuilds in a thread: forking a
multi-threaded process can copy a lock some other thread holds).

Before forking, the memory the C allocator holds free is given back to the
system (``release_free_memory``): a forked worker starts with every resident page
of its parent counted in its own RSS, so what the parent keeps resident counts
once more per worker in the process tree's peak.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import multiprocessing
import multiprocessing.pool
import os
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many items, starting processes costs more than it saves (the tests lower it).
MIN_ITEMS = int(os.environ.get("FAMILIENSITE_PARALLEL_MIN_ITEMS", "") or 200)
CHUNKS_PER_WORKER = 4  # a few chunks each: large enough to amortise, small enough to even out slow items
# At most this many items per chunk: a worker holds a chunk's results until they are sent, and what it
# freed stays resident, so its RSS grows by its largest chunk (about 2 MiB of pages at this size; 11 MiB
# at 10,000 items in four chunks). A chunk costs about a millisecond of sending and waiting.
MAX_CHUNK = 200

_task: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what the forked workers run
_early: multiprocessing.pool.Pool | None = None  # workers forked at the start of a large build (early_workers)


def worker_count() -> int:
    """CPUs this process may use, or FAMILIENSITE_WORKERS when set (1 = no extra processes)."""
    configured = os.environ.get("FAMILIENSITE_WORKERS", "").strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to give back this way
        return None


def release_free_memory() -> None:
    """Return the free pages of the C heap to the system (glibc ``malloc_trim``); elsewhere nothing.

    Freed Python objects above 512 bytes (the rendered pages, the parsed files) go
    back to glibc's free lists, which keeps them resident; this unmaps them, so
    they no longer count in this process's RSS nor in that of a process forked
    from it. It takes milliseconds.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _forget(containers: Collection[Any]) -> None:
    """In a worker, right after the fork: empty its copies of ``containers`` and give back what they held."""
    for container in containers:
        container.clear()
    release_free_memory()


def _run_chunk(bounds: tuple[int, int]) -> list[Any]:
    assert _task is not None
    function, items = _task
    return [function(item) for item in items[bounds[0] : bounds[1]]]


@contextmanager
def early_workers(items: int) -> Iterator[None]:
    """Fork the workers now, while this process is small, for the ``parallel_map`` calls with a ``remote`` inside.

    A worker forked when a step needs it inherits everything this process holds by
    then (the content, the site model) and counts it in its own RSS once more: at
    100,000 items more than a gigabyte. A worker forked before the content is loaded
    holds only the modules and what it is sent. Used by a build of ``items`` or more
    items (content files); without fork, with one worker or a small site, nothing is started.
    """
    global _early
    count = worker_count()
    if count <= 1 or items < MIN_ITEMS or not _can_fork() or _early is not None:
        yield
        return
    release_free_memory()
    pool = multiprocessing.get_context("fork").Pool(count - 1)
    _early = pool
    try:
        yield
    finally:
        _early = None
        pool.terminate()  # idle by now: nothing is lost


def _run_remote(task: tuple[Callable[[Any], Any], Sequence[Any]]) -> list[Any]:
    function, items = task
    return [function(item) for item in items]


def parallel_map(
    function: Callable[[T], R], items: Sequence[T], workers: int | None = None, forget: Collection[Any] = (),
    remote: Callable[[T], R] | None = None,
) -> list[R]:
    """``[function(item) for item in items]``, spread over forked processes when that pays.

    ``function`` must be pure (its result depends only on its argument and on state
    that exists before the call). When a worker raises, the items are run again
    here, so the caller gets the error with its traceback as from the serial loop.
    ``forget``: lists, dicts or sets that ``function`` never reads. Each worker empties
    its own copies right after the fork (this process keeps them), so what only they
    held no longer counts in the worker's RSS.
    ``remote``: the same function in a form that can be pickled (a module-level function
    or a ``functools.partial`` of one), for the workers of ``early_workers``: it and its
    items are sent to them, and they must give the same results as ``function``.
    """
    global _task
    count = worker_count() if workers is None else workers
    early = _early if remote is not None else None
    # This process takes a share itself instead of waiting: the same cores busy, one process
    # fewer holding its own copy of the inherited heap (the tree's peak memory at 10,000 items).
    helpers = count - 1
    split = len(items) * helpers // count  # the helpers take items[:split], this process the rest
    if count <= 1 or len(items) < MIN_ITEMS or split == 0 or (early is None and not _can_fork()):
        return [function(item) for item in items]
    chunk = min(-(-split // (helpers * CHUNKS_PER_WORKER)), MAX_CHUNK)
    bounds = [(start, min(start + chunk, split)) for start in range(0, split, chunk)]
    if early is not None and remote is not None:
        return _map_early(early, function, remote, items, bounds, split)
    _task = (function, items)
    release_free_memory()
    gc.freeze()  # the workers' garbage collector then leaves the inherited objects (and their pages) alone
    try:
        with multiprocessing.get_context("fork").Pool(helpers, _forget if forget else None, (forget,)) as pool:
            pending = pool.map_async(_run_chunk, bounds, chunksize=1)
            own = [function(item) for item in items[split:]]
            parts = [*pending.get(), own]
    except Exception:  # noqa: BLE001 - any error: run again here, which raises it properly
        # Again in this process: the same error, with its real traceback (a template
        # error is reported at the template line found in it, see render.template_problem).
        return [function(item) for item in items]
    finally:
        _task = None
        gc.unfreeze()
    return [result for part in parts for result in part]


def _map_early(
    pool: multiprocessing.pool.Pool, function: Callable[[T], R], remote: Callable[[T], R], items: Sequence[T],
    bounds: list[tuple[int, int]], split: int,
) -> list[R]:
    """``parallel_map``'s split with the early workers: the chunks within ``bounds`` are sent to them."""
    try:
        pending = pool.map_async(_run_remote, [(remote, items[start:end]) for start, end in bounds], chunksize=1)
        own = [function(item) for item in items[split:]]
        parts = [*pending.get(), own]
    except Exception:  # noqa: BLE001 - any error: run again here, which raises it properly
        return [function(item) for item in items]
    return [result for part in parts for result in part]
