"""Run the Nu Html Checker (vnu.jar from the npm package ``vnu-jar``) over a folder.

One JVM start checks every HTML file of the folder (``java -jar vnu.jar
--errors-only --format json --skip-non-html DIR``); the JSON report is split up
per file::

    from tests.tools.vnu import require_vnu, run_vnu

    vnu = require_vnu()                 # skip locally / fail under CI if java or jar is missing
    report = vnu.check_dir(site_dir)    # VnuReport (vnu.submit(site_dir) -> Future, runs in the background)
    report.errors["kalender/index.html"]  # [VnuMessage(line, column, message, extract), …]
    report.files                        # every checked .html/.htm/.xhtml file, relative, sorted
    assert report.ok, report.format()

Locations: env ``VNU_JAR`` or ``node_modules/vnu-jar/build/dist/vnu.jar``
(``npm ci --ignore-scripts`` – the package's postinstall would try to download
a Java runtime, which must not happen); env ``JAVA`` or ``java`` on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from re import Pattern
from urllib.parse import unquote, urlsplit

from tests.support.env import NODE_MODULES, missing_tool

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".xht")

# C1 only (TieredStopAtLevel=1): on 2 cores 600 pages take ~4 s instead of
# ~10 s with C2. C1 frames are bigger: vnu needs >= 512k stack with C2, 1m is
# not enough with C1, 4m is. UTF-8 for the messages (vnu quotes with “ ”)
# whatever the locale of the CI machine is.
JAVA_OPTIONS = ("-Xss4m", "-XX:TieredStopAtLevel=1", "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8")


@dataclass(frozen=True)
class VnuMessage:
    file: str  # relative to the checked folder, "/" separated
    line: int | None
    column: int | None
    message: str
    extract: str = ""
    type: str = "error"  # "error" or "non-document-error" (I/O problem)

    def __str__(self) -> str:
        pos = f"{self.line}:{self.column}" if self.line else "-"
        extract = " ".join(self.extract.split())
        return f"{self.file}:{pos}: {self.message}" + (f"   [{extract}]" if extract else "")


@dataclass
class VnuReport:
    root: Path
    files: list[str]
    errors: dict[str, list[VnuMessage]] = field(default_factory=dict)  # every file in .files is a key
    version: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(self.errors.values())

    def all_errors(self) -> list[VnuMessage]:
        return [m for f in self.files for m in self.errors.get(f, [])] + [
            m for f, ms in self.errors.items() if f not in self.files for m in ms
        ]

    def format(self) -> str:
        errors = self.all_errors()
        if not errors:
            return f"vnu {self.version}: {len(self.files)} file(s), no errors"
        return f"vnu {self.version}: {len(errors)} error(s) in {len(self.files)} file(s):\n" + "\n".join(f"  {m}" for m in errors)


class VnuUnavailable(RuntimeError):
    pass


def find_java() -> str | None:
    java = os.environ.get("JAVA") or shutil.which("java")
    return java if java and Path(java).is_file() else None


def find_jar() -> Path | None:
    jar = Path(os.environ.get("VNU_JAR") or VNU_JAR)
    return jar if jar.is_file() else None


@dataclass(frozen=True)
class Vnu:
    java: str
    jar: Path

    def check_dir(self, root: Path | str, *, ignore: Iterable[str | Pattern[str]] = (), timeout: float = 600) -> VnuReport:
        return run_vnu(root, java=self.java, jar=self.jar, ignore=ignore, timeout=timeout)

    def submit(self, root: Path | str, *, ignore: Iterable[str | Pattern[str]] = (), timeout: float = 600) -> Future[VnuReport]:
        """Start :meth:`check_dir` in a background thread (the JVM then runs while
        the browser tests do); ``.result()`` waits for the report."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vnu")
        future = executor.submit(self.check_dir, root, ignore=tuple(ignore), timeout=timeout)
        executor.shutdown(wait=False)
        return future


def require_vnu() -> Vnu:
    """The checker, or pytest.skip (locally) / pytest.fail (CI) with the reason."""
    java, jar = find_java(), find_jar()
    if java is None:
        missing_tool("java not found (needed for the Nu Html Checker)", hint="apt-get install default-jre-headless, or set JAVA")
    if jar is None:
        missing_tool(
            f"vnu.jar not found at {os.environ.get('VNU_JAR') or VNU_JAR}",
            hint="run `npm ci --ignore-scripts` in the repository root, or set VNU_JAR",
        )
    return Vnu(java, jar)  # type: ignore[arg-type]


def _relative(url: str, root: Path) -> str:
    parts = urlsplit(url)
    path = Path(unquote(parts.path)) if parts.scheme == "file" else Path(url)
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return url


def run_vnu(
    root: Path | str,
    *,
    java: str | None = None,
    jar: Path | str | None = None,
    ignore: Iterable[str | Pattern[str]] = (),
    timeout: float = 600,
) -> VnuReport:
    """Check every HTML file below ``root`` with one vnu run.

    ``ignore``: regular expressions; messages matching any of them (``re.search``)
    are dropped. Raises :class:`VnuUnavailable` if java or the jar is missing and
    ``RuntimeError`` if vnu does not produce a JSON report.
    """
    import time

    root = Path(root).resolve()
    java = java or find_java()
    jar = Path(jar) if jar else find_jar()
    if java is None or jar is None:
        raise VnuUnavailable(f"java={java!r} jar={jar!r}")
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.suffix.lower() in HTML_SUFFIXES)
    report = VnuReport(root=root, files=files, errors={f: [] for f in files})
    if not files:
        return report
    patterns = [re.compile(p) if isinstance(p, str) else p for p in ignore]
    cmd = [java, *JAVA_OPTIONS, "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html", str(root)]
    started = time.monotonic()
    proc = subprocess.run(cmd, check=False, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    report.seconds = time.monotonic() - started
    # vnu writes the JSON report to stderr (stdout stays empty); exit 1 = errors found.
    raw = (proc.stderr or proc.stdout).decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RuntimeError(
            f"vnu produced no JSON report (exit {proc.returncode}): {raw[:2000]}\n{proc.stdout.decode(errors='replace')[:2000]}"
        ) from exc
    report.version = str(data.get("version", ""))
    for msg in data.get("messages", []):
        kind = msg.get("type", "")
        if kind not in ("error", "non-document-error"):
            continue  # "info" (warnings) – not requested with --errors-only anyway
        text = msg.get("message", "")
        if any(p.search(text) for p in patterns):
            continue
        rel = _relative(msg.get("url", ""), root)
        report.errors.setdefault(rel, []).append(
            VnuMessage(
                file=rel,
                line=msg.get("lastLine") or msg.get("firstLine"),
                column=msg.get("firstColumn") or msg.get("lastColumn"),
                message=text,
                extract=msg.get("extract", ""),
                type=kind,
            )
        )
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"vnu exited with {proc.returncode}: {raw[:2000]}")
    return report
