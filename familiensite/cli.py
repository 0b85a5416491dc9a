"""Command line: ``python build.py [build|check|schema|links|serve|new]``."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from . import messages as m
from .problems import Problem, has_errors
from .report import FORMATTERS
from .snapshot import previous_build


def _parser(project: Path) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Baut die Website aus content/ und templates/.")
    parser.add_argument("--project", type=Path, default=project, help="Projektordner (mit content/ und templates/)")
    commands = parser.add_subparsers(dest="command")
    build = commands.add_parser("build", help="Inhalte prüfen und die Website nach site/ bauen (Standard)")
    build.add_argument("--output", type=Path, default=None, help="Zielordner (Standard: site/ im Projektordner)")
    check = commands.add_parser("check", help="Nur prüfen, nichts schreiben")
    for sub in (build, check):
        sub.add_argument("--format", choices=sorted(FORMATTERS), default="text", help="Ausgabeformat der Probleme")
    schema = commands.add_parser("schema", help="JSON-Schemas und Feldreferenz neu erzeugen")
    schema.add_argument("--check", action="store_true", help="nur prüfen, ob die Dateien aktuell sind")
    commands.add_parser("links", help="Alle externen Links der Website auflisten (werden nie abgerufen)")
    serve = commands.add_parser("serve", help="Vorschau mit automatischem Neuladen unter http://127.0.0.1:PORT/familie/")
    serve.add_argument("--port", type=int, default=8000, help="Port der Vorschau (Standard: 8000; 0 = ein freier Port)")
    new = commands.add_parser("new", help="Eine neue Inhaltsdatei aus der Vorlage anlegen")
    new.add_argument("type", choices=["conference", "result", "member", "page"], help="Art des Inhalts")
    new.add_argument("name", help="Adressname oder Titel, z. B. bemerode-2025 oder „Familienkonferenz Bemerode“")
    return parser


def _print_problems(problems: list[Problem], fmt: str) -> None:
    if problems or fmt in ("text", "gitlab"):  # GitLab needs a report file even when it is empty ("[]")
        output = FORMATTERS[fmt](problems)
        if output:
            print(output, file=sys.stdout if fmt != "text" else sys.stderr)


def _imported() -> None:
    """The command's modules are imported: collect garbage again, but never among what they made (see ``main``)."""
    gc.freeze()
    gc.enable()


def main(argv: list[str] | None = None, project: Path | None = None) -> int:
    """Run one command, with the garbage collector off until its modules are imported (``_imported``).

    Importing pydantic, Jinja and the content model makes about 70,000 objects that live
    as long as the process; the collector would go through them about a hundred times
    meanwhile (60 ms of the real site's build) and again on every full collection after.
    """
    gc.disable()
    try:
        return _command(argv, project)
    finally:
        gc.enable()


def _command(argv: list[str] | None, project: Path | None) -> int:
    args = _parser(project or Path.cwd()).parse_args(argv)
    command = args.command or "build"
    root: Path = args.project
    if command == "check":
        from .check import check_content

        _imported()
        _, problems = check_content(root)
        _print_problems(problems, args.format)
        return 1 if has_errors(problems) else 0
    if command == "serve":
        from .serve import serve

        _imported()
        return serve(root, port=args.port)
    if command == "new":
        from .scaffold import scaffold_command

        return scaffold_command(root, args.type, args.name)
    if command == "schema":
        from .schema import export_all

        stale = export_all(root, check_only=args.check)
        for path in stale:
            print(f"{'veraltet' if args.check else 'geschrieben'}: {path}", file=sys.stderr)
        return 1 if (args.check and stale) else 0
    if command == "links":
        from .linkcheck import external_links
        from .pipeline import render_project

        _imported()
        result = render_project(root)
        if not result.ok:
            _print_problems(result.problems, "text")
            return 1
        for href, pages in external_links(result.outputs).items():
            print(f"{href}\t{', '.join(pages)}")
        return 0
    output = getattr(args, "output", None) or root / "site"
    fmt = getattr(args, "format", "text")
    previous = previous_build(root, output)  # before the build's modules are even imported
    if previous.problems is not None:
        _print_problems(previous.problems, fmt)
        print(m.text("build_restored" if previous.restored else "build_up_to_date", path=output), file=sys.stderr)
        return 0
    from .templating import compile_in_background, wait_for_compiling

    compile_in_background(root)  # beside importing, loading and validating (templating.py)
    from .pipeline import build_project

    _imported()
    try:
        result = build_project(root, output, previous=previous)
    finally:
        wait_for_compiling(root / "templates")  # reaped even when the build stopped before rendering
    _print_problems(result.problems, fmt)
    if not result.written:
        print("Die Website wurde nicht verändert.", file=sys.stderr)
        return 1
    if result.up_to_date:
        print(m.text("build_up_to_date", path=output), file=sys.stderr)
        return 0
    page_count = sum(1 for path in result.outputs if path.endswith(".html"))
    print(f"Website gebaut: {page_count} Seiten, {len(result.outputs)} Dateien in {output}", file=sys.stderr)
    return 0
