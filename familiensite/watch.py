"""The dev server's watcher: which files changed, when a burst of saves is over, and the rebuilds.

``Watcher`` runs in its own thread beside the HTTP server (serve.py). It learns of
changes below content/ and templates/ from file system events (watchfiles, the
Rust ``notify`` crate: inotify on Linux), waits until a burst of saves is over
(``Debounce``), rebuilds the pages with the paths that changed, so loading looks
at those files only (``FileIndex`` in parse_cache.py), asks the browsers to reload,
and then lets a ``RestRunner`` compute the second half (calendars, downloads,
search, link check) in the background.

Events can be unavailable (the system's limit of watched folders reached; a network
or shared folder whose changes the local kernel never sees; WATCHFILES_FORCE_POLLING
set): the watcher then polls ``snapshot`` as the preview always did, walks content/
on every rebuild, and says so once in the terminal. Events can also miss a change
(an overflowing event queue, which watchfiles drops without a word): hence the
audit (``Watcher._audit_finds_unreported``) while no save is being handled.
"""

from __future__ import annotations

import gc
import os
import stat
import threading
import time
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import watchfiles

from . import messages as m
from .preview import PendingRest, RestOutcome
from .search_index import stop_running

if TYPE_CHECKING:
    from .serve import Preview

WATCHED = ("content", "templates")

# A burst of saves has ended when no event came for this long (plus the step that ended watchfiles' batch).
# Events arrive within a millisecond of each write, so this only bridges the gaps inside one save: a
# truncate and its write, a temporary file and its rename are microseconds apart. An editor that first
# moves the old file aside (vim's backup, JetBrains' "safe write") may fsync the new one before it
# deletes the old: a burst with a file deleted or renamed away waits longer, so the page does not vanish
# for a moment. A save split anyway is rebuilt twice; the second rebuild has the last word.
QUIET_SECONDS = 0.01
QUIET_AFTER_DELETE_SECONDS = 0.1
POLL_QUIET_SECONDS = 0.1  # polling: more than one poll interval (MIN_POLL_SECONDS)
MAX_WAIT_SECONDS = 2.0  # rebuild anyway when saves never stop
# After a text edit's quick page (quick_edit.py) the full rebuild waits until saves pause this long: it
# changes no page then (it only refreshes what the second half needs), and while it runs (0.7 s at
# 10,000 items) the next save would wait for it.
FULL_AFTER_QUICK_SECONDS = 2.0
EVENT_STEP_MS = 5  # watchfiles collects events in steps this long; a step without new ones ends its batch
AUDIT_SECONDS = 30.0  # while idle, look for changes no event reported this often (Watcher._audit_finds_unreported)
MIN_POLL_SECONDS = 0.05


def watched_roots(project: Path) -> list[Path]:
    """The folders the preview watches, as absolute paths (the events name them so)."""
    return [project.absolute() / name for name in WATCHED]


# --- polling and debouncing ---------------------------------------------------------------------

Snapshot = dict[str, tuple[int, int, int]]


def snapshot(roots: list[Path]) -> Snapshot:
    """Path → (mtime_ns, size, inode) of every file below ``roots``; hidden files are skipped, as load.py does."""
    found: Snapshot = {}
    stack = [r for r in roots if r.is_dir()]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:  # deleted while we looked
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    stack.append(Path(entry.path))
                else:
                    info = entry.stat()
                    found[entry.path] = (info.st_mtime_ns, info.st_size, info.st_ino)
            except OSError:
                continue
    return found


class Debounce:
    """Decides when a burst of changes is over: ``observe`` is fed each poll and says when to rebuild."""

    def __init__(self, quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS, patient: float = QUIET_AFTER_DELETE_SECONDS) -> None:
        self.quiet = quiet
        self.max_wait = max_wait
        self.patient = patient  # the quiet a burst needs once ``observe`` was told to be patient
        self._first: float | None = None
        self._last: float | None = None
        self._patient = False

    @property
    def waiting(self) -> bool:
        """A burst of changes has begun and not yet been rebuilt."""
        return self._first is not None

    def observe(self, now: float, changed: bool, patient: bool = False) -> bool:
        """``changed``: something changed since the last call; ``patient``: something was deleted (wait longer)."""
        if changed:
            self._first = now if self._first is None else self._first
            self._last = now
            self._patient = self._patient or patient
        if self._first is None or self._last is None:
            return False
        if now - self._last >= (self.patient if self._patient else self.quiet) or now - self._first >= self.max_wait:
            self._first = self._last = None
            self._patient = False
            return True
        return False


class RestRunner(threading.Thread):
    """Computes a rebuild's second half (calendars, downloads, search, link check) in the background."""

    def __init__(self, preview: Preview, job: PendingRest) -> None:
        super().__init__(name="preview-rest", daemon=True)
        self.builder = preview.builder
        self.job = job
        self.outcome: RestOutcome | None = None

    def run(self) -> None:
        self.outcome = self.builder.compute_rest(self.job)


class Watcher(threading.Thread):
    """Watches content/ and templates/, rebuilds after each burst of saves, then asks the browsers to reload.

    File system events (watchfiles) say which paths changed, and the rebuild loads only
    those (``FileIndex``, parse_cache.py). Where events are unavailable (the system's
    limit of watched folders reached, a network or shared folder, WATCHFILES_FORCE_POLLING
    set) it polls ``snapshot`` as before and says so once in the terminal.

    The pages are rebuilt here and the browser reloads at once; the rest of the rebuild
    runs in a ``RestRunner`` and is applied later, unless a newer save has made it stale
    by then. So a save never waits for the search index of the one before.
    """

    def __init__(self, preview: Preview, reload: Any, baseline: Snapshot) -> None:
        super().__init__(name="preview-watcher", daemon=True)
        self.preview = preview
        self.reload = reload  # called (from this thread) after a rebuild that changed what is served
        self.roots = watched_roots(preview.project)
        self.baseline = baseline  # the files as the rebuild before the watching began found them
        self.stopping = threading.Event()
        self.watching = threading.Event()  # set once changes are noticed (events flow, or polling began)
        self.rest: RestRunner | None = None
        self.polling = False  # True once it polls instead of using events
        self.changed: set[str] = set()  # paths (relative to the project) reported since the last rebuild
        self.deferred: set[str] = set()  # paths of quick pages (quick_edit.py) the full rebuild has not loaded yet
        self.deferred_at = 0.0
        self.walk = False  # the next rebuild cannot rely on ``changed``: load walks content/
        self.audited: Snapshot = baseline  # the files as the last audit saw them
        self.seen: set[str] = set()  # paths reported since that audit
        self.audit_at = time.monotonic()

    def run(self) -> None:
        compact_heap()  # after the first build, before the first save
        try:
            reason = events_unavailable(self.roots)
            while reason is None and not self.stopping.is_set():
                reason = self._watch_events()
            if reason is not None and not self.stopping.is_set():
                key, values = reason
                print(f"{m.text(key, **values)}\n    Hinweis: {m.hint(key)}", file=self.preview.err, flush=True)
                self.polling = True
                self._poll()
        finally:
            if self.rest is not None:  # stopping: its result is not needed, and no indexer may outlive the server
                stop_running()
                self.rest.join(timeout=5)

    # events

    def _watch_events(self) -> tuple[str, dict[str, str]] | None:
        """Watch by events until stopped or until a watched folder is replaced (then the caller starts
        again); why events failed, if they did."""
        roots = [root for root in self.roots if root.is_dir()]
        identity = _identities(self.roots)
        debounce = Debounce()
        events = watchfiles.watch(
            *roots, watch_filter=self._visible, debounce=int(MAX_WAIT_SECONDS * 1000), step=EVENT_STEP_MS,
            rust_timeout=int(QUIET_SECONDS * 1000), yield_on_timeout=True, stop_event=self.stopping,
            raise_interrupt=False, force_polling=False,
        )
        first = True
        try:
            while True:
                try:
                    batch = next(events)  # a set of changes, or an empty one every QUIET_SECONDS
                except StopIteration:  # stopping
                    return None
                except (OSError, RuntimeError) as error:  # watchfiles': the watch limit reached, a failing file system
                    return _reason(error)
                now = time.monotonic()
                for _change, path in batch:
                    self.changed.add(self._relative(path))
                    self.seen.add(path)
                audit_due = first or (not debounce.waiting and self.rest is None and now - self.audit_at >= AUDIT_SECONDS)
                if audit_due and self._audit_finds_unreported():
                    self.walk = True
                if first:
                    self.watching.set()
                first = False
                deleted = any(change == watchfiles.Change.deleted for change, _path in batch)
                if debounce.observe(now, bool(batch) or self.walk, patient=deleted) and (self.changed or self.walk):
                    self._rebuild_changed()
                quiet = not debounce.waiting and not self.changed and not self.walk
                self._rebuild_deferred(now, quiet)
                self._follow_rest(quiet=quiet and not self.deferred)
                if _identities(self.roots) != identity:  # content/ or templates/ deleted, created or replaced
                    self.walk = True
                    return None
        finally:
            events.close()

    def _rebuild_changed(self) -> None:
        changed = None if self.walk else frozenset(self.changed)
        self.changed, self.walk = set(), False
        if changed and self.preview.quick_rebuild(changed):  # a text edit: its page now, the full rebuild later
            self.reload()
            self.deferred |= changed
            self.deferred_at = time.monotonic()
            return
        self._rebuild_pages(None if changed is None else changed | self.deferred)

    def _rebuild_deferred(self, now: float, quiet: bool) -> None:
        """The full rebuild after quick pages, once saves have paused (FULL_AFTER_QUICK_SECONDS)."""
        if self.deferred and quiet and now - self.deferred_at >= FULL_AFTER_QUICK_SECONDS:
            self._rebuild_pages(frozenset(self.deferred))

    def _rebuild_pages(self, changed: Collection[str] | None) -> None:
        """The full first half (it loads the quick pages' files too), then the reload if what is served changed."""
        self.deferred = set()
        if self.preview.rebuild_pages(changed):
            self.reload()

    def _audit_finds_unreported(self) -> bool:
        """Compare the files with the last audit: did any change that no event reported?

        An event stream can miss changes (an overflowing event queue, which watchfiles drops
        silently; a change made through a hard link elsewhere; a network folder). So while
        no save is being handled the watcher looks at every file's status every
        AUDIT_SECONDS, as the polling did all the time; the first audit runs as soon as the
        events flow and finds the saves made while the first build ran.
        """
        current = snapshot(self.roots)
        before, seen = self.audited, self.seen
        self.audited, self.seen, self.audit_at = current, set(), time.monotonic()
        if current == before:
            return False
        differing = {path for path in before.keys() | current.keys() if before.get(path) != current.get(path)}
        return any(not _reported(path, seen) for path in differing)

    def _relative(self, path: str) -> str:
        return project_relative(self.roots, path)

    def _visible(self, _change: Any, path: str) -> bool:
        return not hidden(project_relative(self.roots, path))

    # polling

    def _poll(self) -> None:
        """Today's polling: a snapshot of every file each interval; every rebuild walks content/."""
        debounce = Debounce(quiet=POLL_QUIET_SECONDS)
        self.baseline = {}  # what the events may have missed: the first poll rebuilds
        pending = self.baseline
        interval = MIN_POLL_SECONDS
        self.watching.set()
        while not self.stopping.wait(interval):
            started = time.monotonic()
            current = snapshot(self.roots)
            changed = current != pending
            pending = current
            # stat-ing 10,000 files takes a while: poll less often on large sites (at most 20 % of a core)
            interval = max(MIN_POLL_SECONDS, 5 * (time.monotonic() - started))
            if debounce.observe(time.monotonic(), changed) and current != self.baseline:
                self.baseline = current  # taken before the rebuild: saves during it trigger the next one
                self._rebuild_pages(None)
            self._follow_rest(quiet=not debounce.waiting and current == self.baseline)

    def _follow_rest(self, quiet: bool) -> None:
        """Apply a finished second half; start the next one while no save is waiting."""
        finished = False
        if self.rest is not None and not self.rest.is_alive():
            assert self.rest.outcome is not None
            if self.preview.finish_rest(self.rest.job, self.rest.outcome):
                self.reload()
            self.rest = None
            finished = True
        job = self.preview.builder.pending_rest()
        if self.rest is None and quiet and job is not None:
            self.rest = RestRunner(self.preview, job)
            self.rest.start()
        elif finished and quiet and job is None:
            compact_heap()  # idle: the preview is complete and no save is waiting


def compact_heap() -> None:
    """Collect the garbage cycles among everything the preview holds, then leave the rest out of later collections.

    At 10,000 items the preview holds 1.2 million objects that the garbage collector tracks; a
    full collection scans all of them (0.5 s, with every other thread waiting), and left to
    itself Python starts one now and then in the middle of a save. Done while idle, what
    survives moves to the permanent generation (``gc.freeze``), so collections during a rebuild
    look only at what that rebuild made. Objects freed by reference counting are freed as
    always; cycles that die while frozen wait for the next idle call.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def project_relative(roots: list[Path], path: str) -> str:
    """A reported path relative to the project ("content/…", as load.py takes it); ``roots``: ``watched_roots``."""
    for root in roots:
        prefix = str(root)
        if path == prefix or path.startswith(prefix + "/"):
            return root.name + path[len(prefix):]
    return path


def hidden(relative: str) -> bool:
    """Hidden files and folders below a watched folder (editors' swap files, .git) do not count, as load.py skips them."""
    return any(part.startswith(".") for part in relative.split("/")[1:])


def _reported(path: str, seen: set[str]) -> bool:
    """Was ``path`` or a folder above it reported (a renamed folder is one event, not one per file)?"""
    while path:
        if path in seen:
            return True
        path = path.rpartition("/")[0]
    return False


def _identities(roots: list[Path]) -> list[tuple[int, int] | None]:
    """(device, inode) of each watched folder, None where missing: a change means the watch must start again."""
    found: list[tuple[int, int] | None] = []
    for root in roots:
        try:
            info = root.stat()
            found.append((info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None)
        except OSError:
            found.append(None)
    return found


# File systems whose changes can come from elsewhere (another machine, the host of a virtual machine
# or container): the local kernel never sees those writes, so it cannot report them.
NO_EVENT_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "drvfs", "vboxsf", "vmhgfs", "virtiofs", "fakeowner", "grpcfuse",
    "fuse.sshfs", "fuse.vmhgfs-fuse", "fuse.grpcfuse", "ceph", "glusterfs", "fuse.glusterfs", "afs",
})


def events_unavailable(roots: list[Path]) -> tuple[str, dict[str, str]] | None:
    """Why events cannot be trusted here (a message key and its values), or None."""
    forced = os.environ.get("WATCHFILES_FORCE_POLLING", "")
    if forced and forced.lower() not in ("false", "disable", "disabled"):
        return "preview_polling_forced", {}
    for root in roots:
        kind = _filesystem(root)
        if kind in NO_EVENT_FILESYSTEMS:
            return "preview_polling_filesystem", {"filesystem": kind}
    return None


def _filesystem(path: Path) -> str | None:
    """The type of the file system ``path`` is on (Linux: /proc/self/mountinfo), or None."""
    try:
        lines = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = os.path.realpath(path)
    best, kind = -1, None
    for line in lines:
        fields, _, rest = line.partition(" - ")
        parts = fields.split()
        if len(parts) < 5 or not rest:
            continue
        mount = parts[4].encode().decode("unicode_escape")  # "\040" for a space
        if (target == mount or target.startswith(mount.rstrip("/") + "/")) and len(mount) > best:
            best, kind = len(mount), rest.split()[0]
    return kind


def _reason(error: Exception) -> tuple[str, dict[str, str]]:
    """The terminal's message for an error of the event watcher."""
    detail = str(error)
    if "limit" in detail or "os error 24" in detail or "os error 28" in detail:  # notify's MaxFilesWatch, EMFILE, ENOSPC
        return "preview_polling_limit", {}
    return "preview_polling_error", {"detail": detail}
