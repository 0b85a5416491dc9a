"""``make bench`` / ``python -m bench``: familiensite against Hugo and Pelican on the same items.

For every N (default 1,000 and 10,000) the same synthetic items are written for
the three tools into a temporary folder, and each scenario runs ``--runs`` times
per tool, the tools taking turns so that a noisy neighbour hurts all of them
alike. Results: a table on stdout, bench/results/latest.json and latest.md, and
with ``--update-docs`` the table in docs/performance.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import generate, measure, report
from .tools import SCENARIOS, TOOLS, Ours, Tool, available, measure_watch

RESULTS = generate.REPO / "bench" / "results"


def _stats(values: list[float]) -> dict[str, Any]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": values}


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = generate.SOURCE_DATE_EPOCH
    env.pop("FAMILIENSITE_CACHE", None)  # each project keeps its cache in its own .cache/
    return env


def run_scenario(tools: list[Tool], scenario: str, runs: int, log: Path) -> dict[str, dict[str, Any]]:
    """``runs`` timed runs of one scenario for every tool, taking turns."""
    seconds: dict[str, list[float]] = {t.name: [] for t in tools}
    cpu: dict[str, list[float]] = {t.name: [] for t in tools}
    rss: dict[str, list[float]] = {t.name: [] for t in tools}
    pss: dict[str, list[float]] = {t.name: [] for t in tools}
    skipped: dict[str, str] = {}
    for _ in range(runs):
        for tool in tools:
            if tool.name in skipped:
                continue
            command = tool.prepare(scenario)
            if command is None:
                skipped[tool.name] = "not supported"
                continue
            result = measure.run(command, tool.folder, tool.env)
            with log.open("a", encoding="utf-8") as handle:
                handle.write(f"== {tool.name} {scenario} N={len(tool.items)}: {result.seconds:.3f}s rc={result.returncode}\n{result.output[-3000:]}\n")
            if result.returncode != 0:
                skipped[tool.name] = f"failed (exit {result.returncode}, see {log})"
                print(f"  {tool.name} {scenario}: FAILED, see {log}", file=sys.stderr)
                continue
            seconds[tool.name].append(result.seconds)
            cpu[tool.name].append(result.cpu_seconds)
            rss[tool.name].append(result.rss_mib)
            pss[tool.name].append(result.pss_mib)
            print(f"  {tool.name:8} {scenario:10} {result.seconds:8.3f} s  {result.cpu_seconds:8.3f} s CPU  {result.rss_mib:7.0f} MiB", file=sys.stderr, flush=True)
    out: dict[str, dict[str, Any]] = {}
    for tool in tools:
        if tool.name in skipped and not seconds[tool.name]:
            out[tool.name] = {"skipped": skipped[tool.name]}
        elif seconds[tool.name]:
            out[tool.name] = {
                "seconds": _stats(seconds[tool.name]), "cpu_seconds": _stats(cpu[tool.name]),
                "rss_mib": _stats(rss[tool.name]), "pss_mib": _stats(pss[tool.name]),
            }
    return out


def run_watch(tools: list[Tool], runs: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for tool in tools:
        timings = measure_watch(tool, runs)
        out[tool.name] = {"skipped": timings} if isinstance(timings, str) else {"seconds": _stats(timings)}
        print(f"  {tool.name:8} watch_edit {out[tool.name]}", file=sys.stderr, flush=True)
    return out


def bench_size(n: int, names: list[str], scenarios: list[str], runs: int, work: Path, checkpoint: Any = None) -> dict[str, Any]:
    print(f"N = {n:,}: writing the items", file=sys.stderr, flush=True)
    items = generate.make_items(n)
    tools: list[Tool] = []
    for name in names:
        folder = generate.WRITERS[name](work / f"{name}-{n}", items)
        tools.append(TOOLS[name](name, folder, items, _env()))
    log = work / f"log-{n}.txt"
    results: dict[str, Any] = {}
    for scenario in scenarios:
        if scenario == "watch_edit":
            results[scenario] = run_watch(tools, runs)
        else:
            results[scenario] = run_scenario(tools, scenario, runs, log)
        if checkpoint is not None:
            checkpoint(results)  # a long run keeps what it has measured, even if stopped later
    for tool in tools:
        shutil.rmtree(tool.folder, ignore_errors=True)
    return results


def bench_real(runs: int, work: Path) -> dict[str, Any]:
    """The real site (content/ of this repository): full build and check, interpreter start included."""
    folder = work / "real"
    shutil.copytree(generate.REPO / "content", folder / "content")
    (folder / "templates").symlink_to(generate.REPO / "templates")
    tool = Ours("ours", folder, [], _env())
    log = work / "log-real.txt"
    return {scenario: run_scenario([tool], scenario, runs, log) for scenario in ("full_cold", "full_warm", "nochange", "check")}


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_at_start": [round(x, 2) for x in load],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--n", default=os.environ.get("N", "1000,10000"), help="item counts, comma-separated (e.g. 1000,10000,100000)")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "3")), help="timed runs per scenario (median, min, max)")
    parser.add_argument("--tools", default=os.environ.get("TOOLS", "ours,hugo,pelican"), help="tools to compare")
    parser.add_argument("--scenarios", default=os.environ.get("SCENARIOS", ",".join(SCENARIOS)), help="scenarios to run")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary folder, removed afterwards)")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json", help="JSON results")
    parser.add_argument("--update-docs", action="store_true", help="replace the table in docs/performance.md")
    parser.add_argument("--report-only", action="store_true", help="measure nothing: print (and with --update-docs write) the tables of --output")
    args = parser.parse_args(argv)
    if args.report_only:
        table = report.markdown(json.loads(args.output.read_text(encoding="utf-8")))
        print(table)
        if args.update_docs:
            report.update_docs(generate.REPO / "docs" / "performance.md", table)
        return 0
    sizes = [int(n.replace("_", "")) for n in args.n.split(",") if n.strip()]
    names = []
    for name in args.tools.split(","):
        why = available(name)
        if why:
            print(f"skipping {name}: {why}", file=sys.stderr)
        else:
            names.append(name)
    scenarios = [s for s in args.scenarios.split(",") if s]
    work = args.work or Path(tempfile.mkdtemp(prefix="familiensite-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Python keeps the package's bytecode after its first run (in __pycache__); with PYTHONDONTWRITEBYTECODE
    # set (some shells, CI images) it only reads it, and every run would compile the package again
    # (0.1 s of the real site's build). Measured is what a person's second and later runs do.
    compileall.compile_dir(str(generate.REPO / "familiensite"), quiet=1)
    data: dict[str, Any] = {"machine": machine(), "runs": args.runs, "tools": names, "sizes": {}}
    data["real"] = bench_real(args.runs, work)
    previous = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}

    def save() -> dict[str, Any]:
        merged = report.merge(previous, data)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return merged

    for n in sizes:
        data["sizes"][str(n)] = {}
        data["sizes"][str(n)] = bench_size(
            n, names, scenarios, 1 if n >= 100_000 else args.runs, work, lambda results, n=n: (data["sizes"].__setitem__(str(n), results), save())
        )
    data["seconds_total"] = round(time.perf_counter() - started, 1)
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    merged = save()
    table = report.markdown(merged)
    args.output.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    if args.update_docs:
        report.update_docs(generate.REPO / "docs" / "performance.md", table)
    return 0
