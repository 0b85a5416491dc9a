"""Failure safety of publishing, with real processes and real file-system errors.

* A build killed (SIGKILL) at several moments while it writes the new site leaves
  site/ byte for byte as it was (or, once swapped in, the complete new site: never a
  mix); the next build removes what the killed one left beside site/.
* A full disk (the kernel's file-size limit, RLIMIT_FSIZE, in the build's process;
  and a real tmpfs where this machine may mount one) and an output folder the build
  may not write to (the build run as the unprivileged user ``nobody``) leave site/
  as it was and print the German message, without a traceback.
* Two builds at once: the second is refused with the lock message while the first
  is paused in the middle of writing; the first then completes.
* The preview server and a build of the same project use different folders.
* Nothing outside the output folder is written or deleted, even through symbolic
  links in site/ or beside it.

Nothing here replaces a function of the build: failures come from the kernel.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from familiensite.pipeline import build_project
from tests.conftest import ROOT, make_project
from tests.preview_server import SOURCE_DATE_EPOCH, PreviewServer

NOBODY = 65534
ASSETS = 6  # large documents, so that writing the site takes long enough to be interrupted
ASSET_BYTES = 8 * 1024 * 1024
POLL = 0.0005
TIMEOUT = 120


def tree(folder: Path) -> dict[str, bytes | str | None]:
    """Every file (bytes), link (its target) and folder (None) below ``folder``."""
    found: dict[str, bytes | str | None] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        found[key] = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else None
    return found


def beside(output: Path) -> list[str]:
    """What lies next to the output folder (staging and old folders, lock, state)."""
    return sorted(p.name for p in output.parent.iterdir() if p.name != output.name)


def leftovers(output: Path) -> list[str]:
    return [name for name in beside(output) if name.startswith((f".{output.name}.new-", f".{output.name}.old-"))]


def environment() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "FAMILIENSITE_CACHE": "off", "PYTHONUNBUFFERED": "1"}


def build_command(project: Path, output: Path) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--project", str(project), "build", "--output", str(output)]


def set_edition(project: Path, edition: int) -> None:
    """Change every page (the site's title) and every large document, so nothing can be reused."""
    site = project / "content/site.yaml"
    text = site.read_text(encoding="utf-8").split("\n", 1)[1]
    site.write_text(f"title: Familien leben in Teststadt {edition}\n{text}", encoding="utf-8")
    for number in range(ASSETS):
        document = project / f"content/dokumente/bericht-{number}.pdf"
        document.parent.mkdir(parents=True, exist_ok=True)
        document.write_bytes(f"%PDF-1.4 Ausgabe {edition}\n".encode())
        os.truncate(document, ASSET_BYTES)


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder every user may read (pytest's own is private to root): for builds run as ``nobody``."""
    folder = Path(tempfile.mkdtemp(prefix="familiensite-safety-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def published(folder: Path, output_folder: Path | None = None) -> tuple[Path, Path, dict[str, bytes | str | None]]:
    """(project, output, its files): the minimal site with large documents, built once."""
    project = make_project(folder / "project")
    set_edition(project, 1)
    output = (output_folder or folder / "out") / "site"
    run = subprocess.run(build_command(project, output), env=environment(), capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert run.returncode == 0, run.stderr
    for path in [folder, *folder.rglob("*")]:  # readable for the unprivileged user of some tests
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    return project, output, tree(output)


def staged_bytes(output: Path) -> int | None:
    """Bytes written so far into the staging folder of a running build, None while there is none."""
    total, found = 0, False
    for staging in output.parent.glob(f".{output.name}.new-*"):
        found = True
        for folder, _, files in os.walk(staging):
            for name in files:
                try:
                    total += os.stat(os.path.join(folder, name)).st_blocks * 512
                except OSError:
                    pass
    return total if found else None


def kill_while_writing(project: Path, output: Path, fraction: float) -> int | None:
    """Start a build, SIGKILL it once ``fraction`` of the documents is in its staging folder.

    Returns the bytes staged at the kill, or None when the build finished first (it may be that fast).
    """
    process = subprocess.Popen(build_command(project, output), env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = fraction * ASSETS * ASSET_BYTES
    deadline = time.monotonic() + TIMEOUT
    written: int | None = None
    while process.poll() is None and time.monotonic() < deadline:
        written = staged_bytes(output)
        if written is not None and written >= target:
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(POLL)
    process.wait(timeout=TIMEOUT)
    return written if process.returncode == -signal.SIGKILL else None


def complete_edition(files: dict[str, bytes | str | None], previous: dict[str, bytes | str | None], edition: int) -> bool:
    """Is ``files`` the whole site of ``edition``: the same files as before, every page and document new?"""
    if files.keys() != previous.keys():
        return False
    pages = [data for path, data in files.items() if path.endswith(".html")]
    documents = [data for path, data in files.items() if path.endswith(".pdf")]
    return all(isinstance(d, bytes) and f"Teststadt {edition}".encode() in d for d in pages) and all(
        isinstance(d, bytes) and d.startswith(f"%PDF-1.4 Ausgabe {edition}\n".encode()) for d in documents
    )


@pytest.mark.parametrize("fraction", [0.0, 0.15, 0.5, 0.85])
def test_a_build_killed_while_writing_leaves_the_previous_site_and_the_next_build_cleans_up(shared_tmp: Path, fraction: float) -> None:
    project, output, _ = published(shared_tmp)
    for edition in range(2, 7):  # a few tries: the kill must land while the new site is being written
        before = tree(output)
        set_edition(project, edition)
        written = kill_while_writing(project, output, fraction)
        if written is None:  # finished before the kill: then it is the complete new site, never a mix
            assert f"Familien leben in Teststadt {edition}" in (output / "index.html").read_text(encoding="utf-8")
            assert leftovers(output) == []
            continue
        after = tree(output)
        # killed mid-write: the previous site, byte for byte (or, killed in the instant after the swap, the new one whole)
        assert after == before or complete_edition(after, before, edition)
        if leftovers(output):
            break
    else:
        pytest.fail("no kill landed while the site was being written; make the documents larger")

    result = build_project(project, output)  # the next build: publishes and removes what the killed one left
    assert result.written, result.problems
    assert leftovers(output) == []
    assert f"Familien leben in Teststadt {edition}" in (output / "index.html").read_text(encoding="utf-8")


def test_a_full_disk_leaves_the_previous_site_and_says_so_in_german(shared_tmp: Path) -> None:
    project, output, before = published(shared_tmp)
    set_edition(project, 2)

    def limit_file_size() -> None:  # what a full disk or a quota does to write(): it fails
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (ASSET_BYTES // 2, ASSET_BYTES // 2))

    run = subprocess.run(build_command(project, output), env=environment(), capture_output=True, text=True,
                         timeout=TIMEOUT, check=False, preexec_fn=limit_file_size)
    assert run.returncode == 1
    assert f"Die Website konnte nicht nach {output} geschrieben werden: " in run.stderr
    assert "Die Datei ist zu groß für das Dateisystem" in run.stderr
    assert "Die bisherige Website bleibt unverändert." in run.stderr
    assert "Traceback" not in run.stderr
    assert tree(output) == before
    assert leftovers(output) == []


def test_a_really_full_file_system_leaves_the_previous_site(shared_tmp: Path) -> None:
    disk = shared_tmp / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=72m", "tmpfs", str(disk)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("no tmpfs can be mounted here (not root); the file-size limit test covers a full disk")
    try:
        project, output, before = published(shared_tmp, disk)  # the site's 6 x 8 MB documents fit once, not twice
        set_edition(project, 2)
        run = subprocess.run(build_command(project, output), env=environment(), capture_output=True, text=True, timeout=TIMEOUT, check=False)
        assert run.returncode == 1
        assert "Auf dem Datenträger ist kein Platz mehr" in run.stderr and "Die bisherige Website bleibt unverändert." in run.stderr
        assert "Traceback" not in run.stderr
        assert tree(output) == before
        assert leftovers(output) == []
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []  # not root: permissions apply to this user already
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("setpriv is not installed (util-linux): cannot drop root's right to write anywhere")
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


@pytest.mark.parametrize("lock_exists", [False, True], ids=["no-lock-file", "writable-lock-file"])
def test_an_output_folder_that_may_not_be_written_leaves_the_site_and_says_so(shared_tmp: Path, lock_exists: bool) -> None:
    project, output, before = published(shared_tmp)
    set_edition(project, 2)
    lock = output.parent / f".{output.name}.lock"
    if lock_exists:
        lock.chmod(0o666)  # the lock can be taken, but no staging folder can be made beside site/
    else:
        lock.unlink()
    for path in [project, *project.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    run = subprocess.run([*as_nobody(), *build_command(project, output)], env=environment(), capture_output=True, text=True,
                         timeout=TIMEOUT, check=False)
    assert run.returncode == 1, run.stderr
    assert f"Die Website konnte nicht nach {output} geschrieben werden: Keine Berechtigung, in diesen Ordner zu schreiben" in run.stderr
    assert "Die bisherige Website bleibt unverändert." in run.stderr
    assert "Traceback" not in run.stderr
    assert tree(output) == before
    assert leftovers(output) == []


def test_a_second_build_while_the_first_is_writing_is_refused_and_the_first_completes(shared_tmp: Path) -> None:
    project, output, before = published(shared_tmp)
    set_edition(project, 2)
    first = subprocess.Popen(build_command(project, output), env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + TIMEOUT
    while staged_bytes(output) is None and first.poll() is None and time.monotonic() < deadline:
        time.sleep(POLL)
    first.send_signal(signal.SIGSTOP)  # paused in the middle of publishing, holding the lock
    try:
        assert first.poll() is None, "the first build ended before it could be paused: make the documents larger"
        second = subprocess.run(build_command(project, output), env=environment(), capture_output=True, text=True, timeout=TIMEOUT, check=False)
        assert second.returncode == 1
        assert f"Ein anderer Bau läuft bereits für {output} (Prozess {first.pid})." in second.stderr
        assert "Warten, bis er fertig ist, und dann erneut starten." in second.stderr
        assert tree(output) == before  # the refused build changed nothing
    finally:
        first.send_signal(signal.SIGCONT)
    _, errors = first.communicate(timeout=TIMEOUT)
    assert first.returncode == 0, errors
    assert "Familien leben in Teststadt 2" in (output / "index.html").read_text(encoding="utf-8")
    assert leftovers(output) == []


def test_the_preview_and_a_build_of_the_same_project_never_share_a_folder(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    server = PreviewServer(project)
    try:
        result = build_project(project, project / "site")  # while the preview serves
        assert result.written
        built = tree(project / "site")
        status, body, _ = server.fetch("/familie/")
        assert status == 200 and "Familien leben in Teststadt" in body
        site_yaml = project / "content/site.yaml"
        site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("title: Familien leben in Teststadt", "title: Vorschau"), encoding="utf-8")
        deadline = time.monotonic() + TIMEOUT
        while "<title>" not in body or "Vorschau" not in body:
            assert time.monotonic() < deadline, "the preview did not rebuild"
            time.sleep(0.05)
            status, body, _ = server.fetch("/familie/")
        assert tree(project / "site") == built  # the preview rebuilt into its own folder, not into site/
        assert build_project(project, project / "site").written  # and a build still publishes beside it
        assert "Vorschau" in (project / "site/index.html").read_text(encoding="utf-8")
    finally:
        server.stop()


def test_links_in_and_beside_the_output_folder_are_never_followed(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    outside = tmp_path / "outside"
    (outside / "keep").mkdir(parents=True)
    (outside / "keep/wichtig.txt").write_text("bleibt\n", encoding="utf-8")
    output = project / "site"
    assert build_project(project, output).written
    (output / "medien/fremd").symlink_to(outside / "keep")  # a link inside the old site, removed with it
    (project / ".site.new-zzz").symlink_to(outside / "keep")  # a "stale staging folder" that is a link
    (project / ".site.old-zzz").symlink_to(outside)
    before = tree(outside)
    (project / "content/members/essen.yaml").write_text("city: Essen\norganisation: Neu\n", encoding="utf-8")
    assert build_project(project, output).written
    assert tree(outside) == before
    assert not (output / "medien/fremd").exists()


def test_an_output_folder_that_is_a_link_is_replaced_by_the_site_not_written_through(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "daten.txt").write_text("bleibt\n", encoding="utf-8")
    (project / "site").symlink_to(victim)
    assert build_project(project, project / "site").written
    assert tree(victim) == {"daten.txt": b"bleibt\n"}
    assert (project / "site").is_dir() and not (project / "site").is_symlink()
    assert (project / "site/index.html").is_file()
