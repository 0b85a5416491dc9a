"""Test helper: run ``python build.py serve`` on a project and talk to it like a browser would.

Used by tests/test_serve.py and tests/browser/test_preview_browser.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

# 2026-11-21, the suite's fixed "today" (tests/conftest.py TODAY): upcoming/past do not depend on the clock
SOURCE_DATE_EPOCH = "1795219200"
TIMEOUT = 30.0  # generous: a loaded CI machine; every wait returns as soon as its condition holds


class PreviewServer:
    """``build.py serve --port 0`` in a subprocess; the terminal output is collected line by line."""

    def __init__(self, project: Path) -> None:
        self.project = project
        env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "build.py"), "--project", str(project), "serve", "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8", env=env,
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr_lines: list[str] = []
        self._pumps = [
            threading.Thread(target=self._pump, args=(self.process.stdout, self.stdout.put), daemon=True),
            threading.Thread(target=self._pump, args=(self.process.stderr, self.stderr_lines.append), daemon=True),
        ]
        for pump in self._pumps:
            pump.start()
        line = self.stdout.get(timeout=TIMEOUT)
        match = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*)", line)
        assert match, line
        self.port = int(match.group(1))
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = self.origin + match.group(2)

    @staticmethod
    def _pump(stream: Any, sink: Any) -> None:
        for line in stream:
            sink(line.rstrip("\n"))

    @property
    def terminal(self) -> str:
        return "\n".join(self.stderr_lines)

    def fetch(self, path: str) -> tuple[int, str, dict[str, str]]:
        """(status, body, headers) of GET origin+path, without following redirects."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(self.origin + path, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8"), dict(error.headers)

    def stop(self) -> int:
        """Stop the server and the threads reading its output (other tests fork only without threads)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        for pump in self._pumps:
            pump.join(timeout=TIMEOUT)
        return code


class LiveReloadClient:
    """What livereload.js does: connect to /livereload, shake hands, then receive reload commands."""

    def __init__(self, server: PreviewServer) -> None:
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._main(server),), daemon=True)
        self._thread.start()
        assert self._ready.wait(TIMEOUT), "livereload handshake did not finish"

    async def _main(self, server: PreviewServer) -> None:
        from tornado.websocket import websocket_connect

        self._stop = asyncio.Event()
        connection = await websocket_connect(f"ws://127.0.0.1:{server.port}/livereload")
        self._connection = connection
        hello = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}
        await connection.write_message(json.dumps(hello))
        assert json.loads(await connection.read_message())["command"] == "hello"
        await connection.write_message(json.dumps({"command": "info", "url": server.url, "plugins": {}}))
        await connection.write_message(json.dumps(hello))  # answered only after "info" was handled: now registered
        assert json.loads(await connection.read_message())["command"] == "hello"
        self._ready.set()
        while True:
            message = await connection.read_message()
            if message is None:
                return
            self.messages.put(json.loads(message))

    def wait_for_reload(self) -> dict[str, Any]:
        message = self.messages.get(timeout=TIMEOUT)
        assert message["command"] == "reload", message
        return message

    def close(self) -> None:
        """Close the websocket and end the client's thread."""
        self._loop.call_soon_threadsafe(self._connection.close)
        self._thread.join(timeout=TIMEOUT)
        self._loop.close()


def wait_until(condition: Any, timeout: float = TIMEOUT) -> None:
    """Poll ``condition`` until it is true (short sleeps; fails after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)
