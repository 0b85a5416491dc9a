"""Run one command and measure it: wall time and the peak memory of its whole process tree.

``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the largest single process,
not the tree (a build with worker processes would look small), so a sampler
thread reads /proc every few milliseconds: every process whose parent chain
leads to the command, summed. Two sums are kept: RSS (what the issue asks for;
pages shared after ``fork`` count once per process) and PSS (shared pages split
between the processes that share them: the memory the tree really occupies).

CPU time (user + system, from ``RUSAGE_CHILDREN``: the command and every child
it waited for) is kept beside the wall time: on a shared machine the wall time
moves with the neighbours' load, the CPU time hardly.
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.05  # a scan of /proc costs a few ms: sampling more often would slow the measured build


@dataclass(frozen=True, slots=True)
class Measurement:
    seconds: float
    cpu_seconds: float  # user + system time of the command and every child it waited for
    rss_mib: float  # peak of the tree's summed RSS
    pss_mib: float  # peak of the tree's summed PSS (0 where /proc has no smaps_rollup)
    returncode: int
    output: str  # stdout and stderr, for the log when a run fails


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        tree.setdefault(int(fields[1]), []).append(int(name))
    return tree


def tree_pids(root: int) -> list[int]:
    """``root`` and every descendant alive now."""
    tree = _children()
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(tree.get(pid, ()))
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class TreeSampler:
    """Samples the memory of a process tree until stopped; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss = 0
        self.peak_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        pids = tree_pids(self.pid)
        self.peak_rss = max(self.peak_rss, sum(_rss(pid) for pid in pids))
        self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in pids))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(SAMPLE_SECONDS)


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 3600) -> Measurement:
    """Run ``command`` to its end; wall time from start to exit, peak memory of its tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    with TreeSampler(process.pid) as sampler:
        output, _ = process.communicate(timeout=timeout)
        seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    mib = 1024 * 1024
    return Measurement(seconds, cpu, sampler.peak_rss / mib, sampler.peak_pss / mib, process.returncode, output.decode("utf-8", "replace"))
