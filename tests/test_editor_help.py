"""Help while typing: the VS Code workspace settings and the pre-commit hooks."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from familiensite.cli import main
from familiensite.schema import SCHEMAS
from tests.conftest import ROOT
from tests.support.env import missing_tool


def _jsonc(path: Path) -> Any:
    """VS Code's settings files allow // comments on their own lines."""
    return json.loads("\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.strip().startswith("//")))


SETTINGS = _jsonc(ROOT / ".vscode" / "settings.json")
YAML_CONTENT = sorted(
    p.relative_to(ROOT).as_posix()
    for base in [ROOT / "content", *sorted((ROOT / "tests" / "fixtures").glob("*/content"))]
    for p in [*base.glob("*.yaml"), *base.glob("members/*.yaml")]
)


def _schema_for(path: str) -> str:
    """The schema file model.py's export names for a content file (schema.SCHEMAS: "content/members/*.yaml" …)."""
    inner = path[path.index("content/"):]
    matches = [name for name, (_, files, _) in SCHEMAS.items() if PurePosixPath(inner).match(files)]
    assert len(matches) == 1, (path, matches)
    return matches[0]


@pytest.mark.parametrize("path", YAML_CONTENT)
def test_every_yaml_content_file_gets_its_schema_in_vs_code(path: str) -> None:
    matching = [schema for schema, pattern in SETTINGS["yaml.schemas"].items() if PurePosixPath("/workspace", path).match(pattern)]
    assert matching == [f"./schemas/{_schema_for(path)}"]


def test_every_schema_the_settings_name_exists_and_every_yaml_schema_is_mapped() -> None:
    mapped = {schema.removeprefix("./schemas/") for schema in SETTINGS["yaml.schemas"]}
    assert all((ROOT / "schemas" / name).is_file() for name in mapped)
    yaml_schemas = {name for name, (_, files, _) in SCHEMAS.items() if files.endswith(".yaml")}
    assert mapped == yaml_schemas
    assert SETTINGS["yaml.validate"] and SETTINGS["yaml.completion"] and SETTINGS["yaml.hover"]


def test_vs_code_recommends_the_yaml_extension() -> None:
    assert "redhat.vscode-yaml" in _jsonc(ROOT / ".vscode" / "extensions.json")["recommendations"]


def _pre_commit() -> str:
    path = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if path is None:
        missing_tool("pre-commit is not installed", hint="pip install -e '.[test]'")
    return path  # type: ignore[return-value]


def test_the_pre_commit_files_are_valid_for_pre_commit() -> None:
    tool = _pre_commit()
    for command, name in (("validate-config", ".pre-commit-config.yaml"), ("validate-manifest", ".pre-commit-hooks.yaml")):
        result = subprocess.run([tool, command, str(ROOT / name)], check=False, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr


def _hooks() -> list[dict[str, Any]]:
    local = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    shared = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return [*local, *shared]


@pytest.mark.parametrize("path", ["content/conferences/bemerode.md", "content/members/jena.yaml", "templates/base.html", "schemas/page.schema.json"])
def test_the_hooks_run_when_a_commit_touches_content_templates_or_schemas(path: str) -> None:
    for hook in _hooks():
        assert re.search(hook["files"], path) and hook["pass_filenames"] is False


@pytest.mark.parametrize("path", ["README.md", "familiensite/cli.py", "docs/redaktion.md"])
def test_the_hooks_stay_quiet_for_other_files(path: str) -> None:
    assert not any(re.search(hook["files"], path) for hook in _hooks())


def test_the_local_hook_runs_make_check_which_runs_build_py_check() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    assert hook["entry"] == "make --silent check" and hook["language"] == "system"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^check: .*\n\t\$\(PY\) build\.py check$", makefile, re.MULTILINE)


def test_the_shared_hook_runs_the_familiensite_command_in_the_content_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "familiensite check"
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["familiensite"] == "familiensite.cli:main"
    monkeypatch.chdir(ROOT)  # pre-commit runs hooks at the top of the repository
    assert main(["check"]) == 0


@pytest.mark.parametrize("path", [p for p in YAML_CONTENT if p.startswith("content/")])
def test_the_real_yaml_files_name_their_schema_for_editors_without_the_workspace_settings(path: str) -> None:
    first = (ROOT / path).read_text(encoding="utf-8").split("\n", 1)[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path}: first line should be the yaml-language-server modeline"
    schema = ((ROOT / path).parent / match.group(1)).resolve()
    assert schema == (ROOT / "schemas" / _schema_for(path)).resolve()
