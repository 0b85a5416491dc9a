"""The adversarial corpus: every case in tests/corpus/ builds to exactly its expected outcome.

A case is a folder with a ``case.yaml`` (format in tests/corpus/README.md): files
laid over the minimal fixture, and either the exact report an editor reads
(``expect: problems``; every problem with file, line, column, field, message and
hint, and the summary line) or a successful build whose outputs pass
``tests/support/safety.py`` and provably lack the injected strings
(``expect: builds``). Cases that could crash the interpreter run in a
subprocess, so a segmentation fault fails the case instead of ending pytest.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from familiensite.pipeline import render_project
from familiensite.report import format_text
from tests.conftest import ROOT, TODAY, make_project
from tests.support.content import fixture_text
from tests.support.safety import text_of, unsafe_findings

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(path.parent.name for path in CORPUS.glob("*/case.yaml"))
SUBPROCESS_TIMEOUT = 600  # a hang fails the case (the slowest case takes a few seconds)


def load_case(name: str) -> dict[str, Any]:
    with (CORPUS / name / "case.yaml").open(encoding="utf-8") as stream:
        case: dict[str, Any] = yaml.safe_load(stream)
    return case


def write_file(project: Path, relative: str, spec: str | dict[str, Any], outside: Path) -> None:
    """One file of a case (see tests/corpus/README.md for the forms of ``spec``)."""
    if isinstance(spec, str):
        spec = {"text": spec}
    copies = int(spec.get("copies", 0))
    paths = [relative.replace("{n}", str(n)) for n in range(1, copies + 1)] if copies else [relative]
    text = spec.get("prefix", "") + spec.get("text", "") * int(spec.get("repeat", 1)) + spec.get("suffix", "")
    data = text.encode(spec.get("encoding", "utf-8"))
    for path in paths:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() or target.is_symlink():
            target.unlink()
        if "symlink" in spec:
            destination = Path(spec["symlink"].replace("{outside}", str(outside)))
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.exists():
                destination.write_text("geheim\n", encoding="utf-8") if destination.suffix else destination.mkdir()
            target.symlink_to(destination)
            continue
        target.write_bytes(data)
        if "size" in spec:
            os.truncate(target, int(spec["size"]))  # sparse: a 50 MB file costs no disk and no time


def make_case_project(name: str, target: Path) -> Path:
    """The project of case ``name`` in ``target``: the minimal fixture with the case's changes."""
    case = load_case(name)
    project = make_project(target / "project")
    outside = target / "outside"  # beside the project: where hostile links point
    outside.mkdir(exist_ok=True)
    for edit in case.get("edit", []):
        text = fixture_text(edit["file"])
        assert text.count(edit["old"]) == 1, f"{name}: {edit['old']!r} is not exactly once in {edit['file']}"
        (project / edit["file"]).write_text(text.replace(edit["old"], edit["new"]), encoding="utf-8")
    for relative in case.get("delete", []):
        (project / relative).unlink()
    for relative, spec in case.get("files", {}).items():
        write_file(project, relative, spec, outside)
    return project


def outcome(project: Path, limits: dict[str, int] | None = None) -> dict[str, Any]:
    """What a build of ``project`` says and produces: the report, and for a build its outputs' findings."""
    if limits:  # a limit lowered so that the test stays fast; the check itself is the same code
        import importlib

        for dotted, value in limits.items():
            module, _, constant = dotted.rpartition(".")
            setattr(importlib.import_module(module), constant, value)
    result = render_project(project, TODAY, search=False)
    texts = text_of(result.outputs) if result.ok else {}
    return {
        "report": format_text(result.problems),
        "ok": result.ok,
        "outputs": sorted(result.outputs),
        "texts": texts,
        "findings": unsafe_findings(result.outputs, result.model.site.base_path) if result.ok and result.model else [],
    }


def outcome_in_subprocess(project: Path, limits: dict[str, int] | None) -> dict[str, Any]:
    code = "import json, sys; from pathlib import Path; from tests.test_corpus import outcome; " \
           "print(json.dumps(outcome(Path(sys.argv[1]), json.loads(sys.argv[2]))))"
    env = {**os.environ, "FAMILIENSITE_CACHE": "off"}
    run = subprocess.run([sys.executable, "-c", code, str(project), json.dumps(limits or {})], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT, check=False)
    assert run.returncode == 0, f"the build crashed (exit {run.returncode}):\n{run.stderr[-3000:]}"
    result: dict[str, Any] = json.loads(run.stdout)
    return result


def test_the_corpus_has_at_least_forty_cases_each_with_an_exact_expectation() -> None:
    assert len(CASES) >= 40
    for name in CASES:
        case = load_case(name)
        assert case["expect"] in ("problems", "builds"), name
        assert case["about"].strip() and case["report"].strip(), name
        if case["expect"] == "builds":
            assert case.get("absent") or case.get("present"), f"{name}: a build case must name what its output lacks or holds"


@pytest.mark.parametrize("name", CASES)
def test_corpus_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILIENSITE_CACHE", "off")
    case = load_case(name)
    project = make_case_project(name, tmp_path)
    if case.get("subprocess"):
        found = outcome_in_subprocess(project, case.get("limits"))
    else:
        with monkeypatch.context() as patch:
            for dotted, value in (case.get("limits") or {}).items():  # undone after the case
                module, _, constant = dotted.rpartition(".")
                patch.setattr(f"{module}.{constant}", value)
            found = outcome(project)
    assert found["report"] == case["report"].rstrip("\n")
    if case["expect"] == "problems":
        assert not found["ok"]
        return
    assert found["ok"]
    assert found["findings"] == []
    # calendars unfolded (RFC 5545 folds lines at 75 octets): a string is looked for in the logical lines
    texts: dict[str, str] = {path: text.replace("\r\n ", "") if path.endswith(".ics") else text for path, text in found["texts"].items()}
    for pattern, strings in (case.get("absent") or {}).items():
        matched = [path for path in texts if fnmatch.fnmatchcase(path, pattern)]
        assert matched, f"no output matches {pattern!r}"
        for path in matched:
            for string in strings:
                assert string not in texts[path], f"{string!r} is in {path}"
    for path, strings in (case.get("present") or {}).items():
        for string in strings:
            assert string in texts[path], f"{string!r} is not in {path}"
    for path in case.get("outputs", []):
        assert path in found["outputs"]
