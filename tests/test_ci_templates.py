"""The CI templates (.github/workflows/site.yml, .gitlab-ci.yml): linted, schema-checked, and their commands run.

Every shell command either file runs is classified below: run here (check and build, in a
sandbox copy of the project, with the CI's variables) or skipped with the reason. A new
command that is neither makes the test fail, so the files and this test cannot drift apart.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from familiensite.problems import Problem, Severity
from familiensite.report import format_gitlab
from tests.conftest import ROOT
from tests.support.env import missing_tool

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"
GITLAB = ROOT / ".gitlab-ci.yml"
BIN = Path(sys.executable).parent

# Commands not run here, and why.
SKIPPED = {
    "make .venv/.installed": "sets up the environment these tests already run in (pip install, npm ci)",
    "make test": "is this test suite",
    "bash .ci/run": "installs system packages, then runs this test suite",
    "python -m venv .venv && .venv/bin/python -m pip install --quiet -e .": "installs the project into a new environment (network)",
    "python -m venv .venv": "creates the environment these tests already run in",
    ".venv/bin/python -m pip install --quiet -e .": "installs the project (network)",
}
RUNNABLE = re.compile(r'^(FAMILIENSITE_BASE_URL="[^"]*" )?\.venv/bin/python build\.py (check|build)\b')
# The CI's own variables, as GitHub and GitLab would set them for a project called "familiensite".
CI_VARIABLES = {"PAGES_URL": "https://example.github.io/familiensite/", "CI_PAGES_URL": "https://example.gitlab.io/familiensite"}


def _tool(name: str) -> str:
    path = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if path is None:
        missing_tool(f"{name} is not installed", hint="pip install -e '.[test]'")
    return path  # type: ignore[return-value]


def github_commands() -> list[str]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return [step["run"].strip() for job in workflow["jobs"].values() for step in job.get("steps", []) if "run" in step]


def gitlab_commands() -> list[str]:
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    commands = []
    for name, job in pipeline.items():
        if isinstance(job, dict) and "script" in job and not name.startswith("."):
            commands += [*job.get("before_script", []), *job["script"]]
    return [c.strip() for c in commands]


def test_actionlint_finds_nothing_in_the_github_workflow() -> None:
    result = subprocess.run([_tool("actionlint"), "-no-color", str(WORKFLOW)], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("schema", "path"), [("vendor.github-workflows", WORKFLOW), ("vendor.gitlab-ci", GITLAB)])
def test_the_ci_files_match_the_vendored_schemas_offline(schema: str, path: Path) -> None:
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", schema, str(path)], check=False, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_command_of_both_files_is_run_here_or_skipped_for_a_stated_reason() -> None:
    unknown = [c for c in github_commands() + gitlab_commands() if c not in SKIPPED and not RUNNABLE.match(c)]
    assert not unknown, f"classify these commands in tests/test_ci_templates.py: {unknown}"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository as CI checks it out, minus what the commands must not touch (site/, public/)."""
    root = tmp_path_factory.mktemp("ci")
    shutil.copy2(ROOT / "build.py", root / "build.py")  # a copy: build.py finds the project next to itself
    for name in ("familiensite", "content", "templates", "schemas"):
        (root / name).symlink_to(ROOT / name)
    (root / ".venv").symlink_to(BIN.parent)  # the environment the tests run in, as .venv/
    return root


def _run(command: str, sandbox: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **CI_VARIABLES, "CI": "true"}
    env.pop("FAMILIENSITE_BASE_URL", None)
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", command], cwd=sandbox, env=env, check=False, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("command", sorted({c for c in github_commands() + gitlab_commands() if RUNNABLE.match(c)}))
def test_the_check_and_build_commands_of_the_ci_files_succeed_on_the_real_content(command: str, sandbox: Path) -> None:
    result = _run(command, sandbox)
    assert result.returncode == 0, result.stdout + result.stderr
    if "--format github" in command:
        assert "::error" not in result.stdout
    if "--format gitlab" in command:
        assert json.loads((sandbox / "gl-code-quality-report.json").read_text(encoding="utf-8")) == []
    if " build" in command:
        output = sandbox / ("public" if "--output public" in command else "site")
        index = (output / "index.html").read_text(encoding="utf-8")
        assert (output / "404.html").is_file()
        prefix = "/familiensite/" if "FAMILIENSITE_BASE_URL" in command else "/familie/"
        assert f'href="{prefix}' in index and ('href="/familie/' not in index or prefix == "/familie/")


def test_the_github_workflow_runs_on_every_push_and_pull_request_and_deploys_main_to_pages() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert "push" in triggers and "pull_request" in triggers
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    steps = [s.get("uses", s.get("run", "")) for s in jobs["site"]["steps"]]
    assert steps.index(".venv/bin/python build.py check --format github") < steps.index(".venv/bin/python build.py build") < steps.index("make test")
    python = next(s for s in jobs["site"]["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip"
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") and s["with"]["path"] == "site/" for s in jobs["site"]["steps"])
    assert jobs["pages-build"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert jobs["deploy"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_the_gitlab_pipeline_publishes_public_from_the_default_branch_and_reports_code_quality() -> None:
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert pipeline["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert pipeline["check"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert pipeline["check"]["artifacts"]["when"] == "always"


def test_the_gitlab_report_has_the_fields_gitlab_reads_and_stable_distinct_fingerprints() -> None:
    problems = [
        Problem("content/conferences/a.md", 4, 8, "title", "Das Feld darf nicht leer sein.", "Titel eintragen."),
        Problem("content/conferences/a.md", 9, 1, "title", "Das Feld darf nicht leer sein."),
        Problem("content/members/b.yaml", 0, 0, "", "Keine Koordinaten.", severity=Severity.WARNING),
    ]
    report: list[dict[str, Any]] = json.loads(format_gitlab(problems))
    assert [set(issue) for issue in report] == [{"description", "check_name", "fingerprint", "severity", "location"}] * 3
    assert report[0]["location"] == {"path": "content/conferences/a.md", "lines": {"begin": 4}}
    assert report[2]["location"]["lines"]["begin"] == 1  # GitLab needs a line; 0 means "the whole file"
    assert [i["severity"] for i in report] == ["major", "major", "minor"]
    assert report[0]["description"] == "title: Das Feld darf nicht leer sein. Hinweis: Titel eintragen."
    assert len({i["fingerprint"] for i in report}) == 3
    moved = [Problem("content/conferences/a.md", 5, 8, "title", "Das Feld darf nicht leer sein.", "Titel eintragen.")]
    assert json.loads(format_gitlab(moved))[0]["fingerprint"] == report[0]["fingerprint"], "a problem keeps its identity when lines move"
