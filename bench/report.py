"""The benchmark's results as Markdown tables: times, ratios against Hugo and Pelican, the targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .tools import SCENARIO_LABELS

DOCS_START = "<!-- bench:start (written by python -m bench --update-docs) -->"
DOCS_END = "<!-- bench:end -->"


def merge(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The new run, keeping sizes it did not measure from the previous file (each with its date)."""
    stamp = current["machine"]["date"]
    sizes = {n: entry for n, entry in previous.get("sizes", {}).items() if "measured" in entry}
    for n, entry in current["sizes"].items():
        sizes[n] = {"measured": stamp, "runs": 1 if int(n) >= 100_000 else current["runs"], "load_at_start": current["machine"]["load_at_start"], **entry}
    return {**current, "sizes": dict(sorted(sizes.items(), key=lambda kv: int(kv[0])))}


def _seconds(entry: dict[str, Any] | None, key: str = "seconds") -> float | None:
    if not entry or key not in entry:
        return None
    return float(entry[key]["median"])


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _cell(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "—"
    if "skipped" in entry:
        return "—"
    s = entry["seconds"]
    if len(s["runs"]) == 1:
        return _fmt(s["median"])
    return f"{_fmt(s['median'])} ({_fmt(s['min'])}–{_fmt(s['max'])})"


def _ratio(ours: float | None, other: float | None) -> str:
    if ours is None or other is None or other == 0:
        return "—"
    return f"{ours / other:.2f}×"


def size_table(n: str, results: dict[str, Any], tools: list[str]) -> list[str]:
    others = [t for t in ("hugo", "pelican") if t in tools]
    head = ["scenario", *tools, *(f"ours ÷ {t}" for t in others)]
    lines = [f"### {int(n):,} items (measured {results.get('measured', '?')}, {results.get('runs', '?')} run(s) each)", ""]
    lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for scenario, label in SCENARIO_LABELS.items():
        row = results.get(scenario)
        if row is None:
            continue
        cells = [_cell(row.get(t)) for t in tools]
        ratios = [_ratio(_seconds(row.get("ours")), _seconds(row.get(t))) for t in others]
        lines.append("| " + " | ".join([label, *cells, *ratios]) + " |")
    cold = results.get("full_cold", {})
    memory = []
    for t in tools:
        entry = cold.get(t, {})
        memory.append(f"{entry['rss_mib']['max']:.0f} / {entry['pss_mib']['max']:.0f} MiB" if "rss_mib" in entry else "—")
    lines.append("| " + " | ".join(["peak memory of the process tree, full build (RSS / PSS)", *memory, *([""] * len(others))]) + " |")
    per_item = [f"{(_seconds(cold.get(t)) or 0) / int(n) * 1000:.2f} ms" if _seconds(cold.get(t)) else "—" for t in tools]
    lines.append("| " + " | ".join(["full build, time per item", *per_item, *([""] * len(others))]) + " |")
    if any("cpu_seconds" in (row.get(t) or {}) for row in results.values() if isinstance(row, dict) for t in tools):
        lines += ["", "CPU time (user + system of the whole process tree, median): what the build costs, whatever the neighbours do.", ""]
        lines += ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        for scenario, label in SCENARIO_LABELS.items():
            row = results.get(scenario)
            if row is None or not any("cpu_seconds" in (row.get(t) or {}) for t in tools):
                continue
            cells = [_fmt(_seconds(row.get(t), "cpu_seconds")) for t in tools]
            ratios = [_ratio(_seconds(row.get("ours"), "cpu_seconds"), _seconds(row.get(t), "cpu_seconds")) for t in others]
            lines.append("| " + " | ".join([label, *cells, *ratios]) + " |")
    return lines + [""]


def targets(data: dict[str, Any]) -> list[str]:
    """The issue's targets, each with the measured value and whether it is met."""
    sizes = data.get("sizes", {})
    rows: list[tuple[str, str, bool | None]] = []

    def get(n: str, scenario: str, tool: str) -> float | None:
        return _seconds(sizes.get(n, {}).get(scenario, {}).get(tool))

    def get_cpu(n: str, scenario: str, tool: str) -> float | None:
        return _seconds(sizes.get(n, {}).get(scenario, {}).get(tool), "cpu_seconds")

    def check(label: str, value: float | None, limit: float, show: str) -> None:
        rows.append((label, show if value is not None else "not measured", None if value is None else value <= limit))

    ours, hugo = get("10000", "full_cold", "ours"), get("10000", "full_cold", "hugo")
    r = ours / hugo if ours and hugo else None
    cpu_ours, cpu_hugo = get_cpu("10000", "full_cold", "ours"), get_cpu("10000", "full_cold", "hugo")
    cpu_note = f"; CPU {cpu_ours / cpu_hugo:.2f}×" if cpu_ours and cpu_hugo else ""
    check("10,000 items, full build from nothing ≤ 1.0× Hugo", r, 1.0, f"{r:.2f}× ({_fmt(ours)} vs {_fmt(hugo)}{cpu_note})" if r else "")
    warm = get("10000", "full_warm", "ours")
    r = warm / hugo if warm and hugo else None
    check("10,000 items, full build with warm cache ≤ 0.25× Hugo's full build", r, 0.25, f"{r:.2f}× ({_fmt(warm)})" if r else "")
    nochange, hugo_nochange = get("10000", "nochange", "ours"), get("10000", "nochange", "hugo")
    r = nochange / hugo_nochange if nochange and hugo_nochange else None
    check("10,000 items, rebuild with no change ≤ 0.1× Hugo's", r, 0.1, f"{r:.3f}× ({_fmt(nochange)} vs {_fmt(hugo_nochange)})" if r else "")
    watch = get("10000", "watch_edit", "ours")
    hugo_watch = get("10000", "watch_edit", "hugo")
    check("10,000 items, one edit in the dev server < 100 ms", watch, 0.1, f"{_fmt(watch)} (Hugo server: {_fmt(hugo_watch)})" if watch else "")
    cold = sizes.get("10000", {}).get("full_cold", {}).get("ours", {})
    peak = cold.get("rss_mib", {}).get("max")
    check("10,000 items, peak memory ≤ 500 MiB (tree RSS)", peak, 500, f"{peak:.0f} MiB (PSS {cold['pss_mib']['max']:.0f} MiB)" if peak else "")
    big = get("100000", "full_cold", "ours")
    if big and ours:
        r = (big / 100_000) / (ours / 10_000)
        check("100,000 items, time per item ≤ 1.2× the 10,000 figure", r, 1.2, f"{r:.2f}× ({big / 100:.2f} ms vs {ours / 10:.2f} ms per item)")
    else:
        check("100,000 items, time per item ≤ 1.2× the 10,000 figure", None, 1.2, "")
    big_peak = sizes.get("100000", {}).get("full_cold", {}).get("ours", {}).get("rss_mib", {}).get("max")
    check("100,000 items, peak memory ≤ 2 GiB", big_peak, 2048, f"{big_peak:.0f} MiB" if big_peak else "")
    pelican = get("10000", "full_cold", "pelican")
    r = ours / pelican if ours and pelican else None
    rows.append(("10,000 items, at least 4× faster than Pelican", f"{1 / r:.1f}× faster" if r else "not measured", None if r is None else 1 / r >= 4))
    real = data.get("real", {})
    real_build, real_check = _seconds(real.get("full_cold", {}).get("ours")), _seconds(real.get("check", {}).get("ours"))
    real_cpu = {k: _seconds(real.get(k, {}).get("ours"), "cpu_seconds") for k in ("full_cold", "check")}
    cpu_build = f" (CPU {_fmt(real_cpu['full_cold'])})" if real_cpu["full_cold"] else ""
    cpu_check = f" (CPU {_fmt(real_cpu['check'])})" if real_cpu["check"] else ""
    check("real site, full build < 1 s (interpreter start included)", real_build, 1.0, _fmt(real_build) + cpu_build)
    check("real site, check < 0.5 s", real_check, 0.5, _fmt(real_check) + cpu_check)
    lines = ["| target | measured | met |", "| --- | --- | --- |"]
    for label, shown, met in rows:
        lines.append(f"| {label} | {shown} | {'yes' if met else ('—' if met is None else '**no**')} |")
    return lines + [""]


def markdown(data: dict[str, Any]) -> str:
    m = data["machine"]
    lines = [
        f"Measured {m['date']} on {m['cpus']} CPUs, Python {m['python']}, load average at start {m['load_at_start']}.",
        "Median of the runs (min–max in brackets); every figure is a whole process, interpreter start included.",
        "",
        *(f"* {note}" for note in data.get("notes", [])),
        "",
        "### The real site (content/ of this repository)",
        "",
        "| scenario | familiensite | CPU time |",
        "| --- | --- | --- |",
    ]
    for scenario, row in data.get("real", {}).items():
        lines.append(f"| {SCENARIO_LABELS[scenario]} | {_cell(row.get('ours'))} | {_fmt(_seconds(row.get('ours'), 'cpu_seconds'))} |")
    lines.append("")
    for n, results in data.get("sizes", {}).items():
        lines += size_table(n, results, data.get("tools", ["ours"]))
    lines += ["### Targets of issue 6", ""] + targets(data)
    return "\n".join(lines)


def update_docs(path: Path, table: str) -> None:
    """Replace the text between the markers in docs/performance.md with ``table``."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(DOCS_START), text.find(DOCS_END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: markers {DOCS_START!r} … {DOCS_END!r} not found")
    path.write_text(text[: start + len(DOCS_START)] + "\n\n" + table + "\n" + text[end:], encoding="utf-8")
