"""``python -m bench.profile N``: where a build of N synthetic items spends its time (pyinstrument).

Builds the generated project in this process with a cold cache, then again with
the warm cache, and prints pyinstrument's call tree of each (wall-clock, the
worker processes show up as the waiting parent). Needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from . import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("n", type=int, nargs="?", default=10_000)
    parser.add_argument("--workers", default=None, help="FAMILIENSITE_WORKERS for the build (1 = one process)")
    args = parser.parse_args(argv)
    os.environ["SOURCE_DATE_EPOCH"] = generate.SOURCE_DATE_EPOCH
    if args.workers:
        os.environ["FAMILIENSITE_WORKERS"] = args.workers
    from familiensite.pipeline import build_project

    work = Path(tempfile.mkdtemp(prefix="familiensite-profile-"))
    try:
        project = generate.write_ours(work / "project", generate.make_items(args.n))
        for label in ("cold cache", "warm cache"):
            shutil.rmtree(project / "site", ignore_errors=True)
            for state in project.glob(".site.*"):
                state.unlink()
            profiler = Profiler(interval=0.002)
            profiler.start()
            result = build_project(project, project / "site")
            profiler.stop()
            print(f"=== {args.n:,} items, {label}: written={result.written}", file=sys.stderr)
            print(profiler.output_text(unicode=True, color=False, show_all=False))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
