"""``python -m bench.memory DIR``: peak memory of a cold build of DIR, per kind of process.

Removes DIR's site/, build state and cache (``--warm``: keeps the cache), runs ``build.py --project DIR build``
with the benchmark's SOURCE_DATE_EPOCH and samples /proc every 50 ms like
bench/measure.py. Every process of the tree is put into one kind: ``parent`` (the
build), ``workers`` (forked from it: the same command line), ``pagefind``, or its
command name. Printed: for each kind the peak of its summed RSS and PSS, for the
tree the peak of the sums and what each kind held at that moment, and the wall time.
``python -m bench.memory --generate N DIR`` first writes N synthetic items into DIR.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from . import generate
from .measure import SAMPLE_SECONDS, _pss, _rss, tree_pids
from .tools import Ours

MIB = 1024 * 1024


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def _kind(pid: int, root: int, root_cmdline: bytes) -> str:
    if pid == root:
        return "parent"
    comm = _read(f"/proc/{pid}/comm").strip().decode("utf-8", "replace")
    if comm.startswith("pagefind"):
        return "pagefind"
    if _read(f"/proc/{pid}/cmdline") == root_cmdline:
        return "workers"
    return comm or "?"


def measure_build(project: Path, scenario: str = "full_cold") -> tuple[float, int, dict[str, tuple[int, int]], tuple[int, int, dict[str, tuple[int, int]]]]:
    """Seconds, exit code, kind → (peak RSS, peak PSS), and (tree RSS, tree PSS, kind → (RSS, PSS)) at the tree's RSS peak."""
    tool = Ours("ours", project, [], {})
    tool.prepare(scenario)
    env = {**os.environ, "SOURCE_DATE_EPOCH": generate.SOURCE_DATE_EPOCH}
    env.pop("FAMILIENSITE_CACHE", None)
    start = time.perf_counter()
    process = subprocess.Popen(tool.build_command(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root_cmdline = b""
    peaks: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    at_peak: tuple[int, int, dict[str, tuple[int, int]]] = (0, 0, {})
    while process.poll() is None:
        root_cmdline = root_cmdline or _read(f"/proc/{process.pid}/cmdline")
        sums: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
        for pid in tree_pids(process.pid):
            kind = _kind(pid, process.pid, root_cmdline)
            rss, pss = sums[kind]
            sums[kind] = (rss + _rss(pid), pss + _pss(pid))
        for kind, (rss, pss) in sums.items():
            peaks[kind] = (max(peaks[kind][0], rss), max(peaks[kind][1], pss))
        total_rss, total_pss = sum(r for r, _ in sums.values()), sum(p for _, p in sums.values())
        peaks["tree"] = (max(peaks["tree"][0], total_rss), max(peaks["tree"][1], total_pss))
        if total_rss > at_peak[0]:
            at_peak = (total_rss, total_pss, dict(sums))
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - start
    assert process.stderr is not None
    sys.stderr.write(process.stderr.read().decode("utf-8", "replace")[-2000:])
    return seconds, process.returncode, dict(peaks), at_peak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--generate", type=int, metavar="N", help="first write N synthetic items into the folder (replacing it)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--warm", action="store_true", help="keep the cache of the last build (bench's full_warm) instead of a cold build")
    args = parser.parse_args(argv)
    if args.generate:
        generate.write_ours(args.project, generate.make_items(args.generate))
    for run in range(args.runs):
        seconds, code, peaks, (total_rss, total_pss, kinds) = measure_build(args.project.resolve(), "full_warm" if args.warm else "full_cold")
        print(f"run {run + 1}: {seconds:.1f} s, exit {code}, load average {os.getloadavg()[0]:.1f}")
        print(f"  {'kind':12} {'peak RSS':>9} {'peak PSS':>9}   {'at tree peak: RSS':>17} {'PSS':>6}  (MiB)")
        for kind in sorted(peaks.keys() - {"tree"}):
            rss, pss = kinds.get(kind, (0, 0))
            print(f"  {kind:12} {peaks[kind][0] / MIB:9.0f} {peaks[kind][1] / MIB:9.0f}   {rss / MIB:17.0f} {pss / MIB:6.0f}")
        print(f"  {'tree':12} {peaks['tree'][0] / MIB:9.0f} {peaks['tree'][1] / MIB:9.0f}   {total_rss / MIB:17.0f} {total_pss / MIB:6.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
