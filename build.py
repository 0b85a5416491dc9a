#!/usr/bin/env python3
"""Build the site: ``python build.py`` (see ``python build.py --help``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from familiensite.cli import main  # noqa: E402

if __name__ == "__main__":
    code = main(project=Path(__file__).resolve().parent)
    # Nothing is left to do: leave without the interpreter's teardown, which frees every object of
    # pydantic, Jinja and the content model one by one (20–40 ms after a build of the real site).
    # Not under a tracer or profiler (coverage, pyinstrument): they write their reports at exit.
    if sys.gettrace() is None and sys.getprofile() is None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
