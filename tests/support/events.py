"""The paths the dev server's watcher would report for a sequence of edits, from real file system events.

``EventRecorder`` watches a project's content/ and templates/ with watchfiles, as
familiensite/watch.py does (same relative paths, hidden ones left out). ``settle()``
then answers what was reported since the last call, once every event of the edits
made before it has arrived: it touches a mark in a folder outside the project,
watched by the same watcher, and waits for the mark's event (one inotify queue
delivers events in order).
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path
from types import TracebackType
from typing import Self

import watchfiles

from familiensite.watch import hidden, project_relative, watched_roots

TIMEOUT = 30.0


class EventRecorder:
    def __init__(self, project: Path) -> None:
        self.roots = watched_roots(project)
        self.marks = project.absolute().parent / f"{project.name}-marks"
        self.marks.mkdir()
        self._reported: set[str] = set()
        self._seen_marks: set[str] = set()
        self._counter = itertools.count(1)
        self._arrived = threading.Condition()
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="test-event-recorder", daemon=True)
        self._thread.start()
        assert self._ready.wait(TIMEOUT), "the watcher did not start"

    def _watch(self) -> None:
        events = watchfiles.watch(
            *[root for root in self.roots if root.is_dir()], self.marks, watch_filter=None, step=5, rust_timeout=20,
            yield_on_timeout=True, stop_event=self._stopping, raise_interrupt=False, force_polling=False,
        )
        for batch in events:
            self._ready.set()
            with self._arrived:
                for _change, path in batch:
                    if path.startswith(f"{self.marks}/"):
                        self._seen_marks.add(path)
                        continue
                    relative = project_relative(self.roots, path)
                    if not hidden(relative):
                        self._reported.add(relative)
                self._arrived.notify_all()

    def settle(self) -> frozenset[str]:
        """The paths reported since the last call, after every event of the edits made so far has arrived."""
        mark = self.marks / f"mark-{next(self._counter)}"
        mark.touch()
        with self._arrived:
            assert self._arrived.wait_for(lambda: str(mark) in self._seen_marks, TIMEOUT), "the mark's event never came"
            reported, self._reported = frozenset(self._reported), set()
        return reported

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(TIMEOUT)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.close()
