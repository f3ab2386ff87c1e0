"""The `ankideck` command: parse options, run the pipeline, print problems, choose the exit status.

Exit status: 0 when all is well, 1 when the sources have problems (or warnings with --strict),
2 when the command itself cannot run (bad options, no cards folder).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from builder import __version__
from builder.lock import ChangeReport, retired_tag
from builder.pipeline import ConfigurationError, ProjectResult, build_project, check_project
from builder.problems import Problem

_CARDS = click.option("--cards", "cards_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("cards"),
                      show_default=True, help="The folder holding deck.yaml and the card files.")
_FORMAT = click.option("--format", "output_format", type=click.Choice(["text", "json", "github"]), default="text",
                       show_default=True, help="text: one problem per line as path:line:col; json: one document for tools; "
                       "github: GitHub Actions annotations.")
_STRICT = click.option("--strict", is_flag=True, help="Treat warnings as errors (exit status 1).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ankideck")
def cli() -> None:
    """Compile YAML flashcards in cards/ into Anki decks in dist/.

    Each deck is a folder with a deck.yaml manifest and card files (*.yaml), checked against
    the JSON Schemas in schemas/. Rebuilt decks update learners' cards in place when imported
    again; the lock file beside deck.yaml (deck.lock.json) makes that possible: commit it.
    """


@cli.command()
@_CARDS
@_FORMAT
@_STRICT
def check(cards_dir: Path, output_format: str, strict: bool) -> None:
    """Check every card file and report every problem; write nothing.

    Runs every check a build runs, including the comparison with the lock.
    """
    result = _run(lambda: check_project(cards_dir))
    _finish(result, output_format, strict, written=False)


@cli.command()
@_CARDS
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Where to write <deck key>.apkg.")
@click.option("--locked", is_flag=True, help="Fail instead of updating the lock (for CI: the committed lock must match the sources).")
@_FORMAT
@_STRICT
def build(cards_dir: Path, out_dir: Path, locked: bool, output_format: str, strict: bool) -> None:
    """Check the sources, then write each deck to OUT/<deck key>.apkg and update its lock.

    Nothing is written when there is any error; a deck already in OUT stays as it was.
    """
    result = _run(lambda: build_project(cards_dir, out_dir, locked=locked, strict=strict))
    _finish(result, output_format, strict, written=True)


@cli.command()
@_CARDS
@_FORMAT
def diff(cards_dir: Path, output_format: str) -> None:
    """Show what importing a new build over the last one would do for learners.

    Compares the sources with the lock: new, updated, unchanged and retired notes, note-type
    changes, and warnings (cards moved between sub-decks, cloze numbers reused, likely renames).
    """
    result = _run(lambda: check_project(cards_dir))
    _finish(result, output_format, strict=False, written=False, show_report=True)


@cli.command()
@_CARDS
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"), show_default=True,
              help="Write the gallery to OUT/preview/index.html, with the decks' images beside it.")
def preview(cards_dir: Path, out_dir: Path) -> None:
    """Write a gallery of every card, front and back, in a phone-sized frame.

    Cards are rendered with the templates and CSS the decks ship, by Anki's own renderer when
    the anki package is installed (pip install anki), otherwise by ankideck's. The page opens
    from the file system in any browser (no server, no network), with a night-mode switch and
    filters by kind, tag and deck. Prints the page's path; writes nothing if the sources have errors.
    """
    from builder.preview import write_preview  # noqa: PLC0415  (keeps --help fast)

    result = _run(lambda: check_project(cards_dir))
    if result.errors:
        _finish(result, "text", strict=False, written=False)
    for problem in sorted(result.problems, key=Problem.sort_key):  # warnings only, by now
        click.echo(format_problem(problem), err=True)
    page, shown = write_preview(result, out_dir / "preview")
    click.echo(f"{_count(len(shown.cards), 'card')} rendered by {shown.renderer}", err=True)
    click.echo(str(page))


def _run(action: Any) -> ProjectResult:
    try:
        return action()
    except ConfigurationError as exc:
        click.echo(f"ankideck: {exc}", err=True)
        sys.exit(2)


def _finish(result: ProjectResult, output_format: str, strict: bool, *, written: bool, show_report: bool = False) -> None:
    problems = sorted(result.problems, key=Problem.sort_key)
    failed = bool(result.errors) or (strict and bool(problems))
    reports = [d.plan.report for d in result.decks if d.plan is not None]
    if output_format == "json":
        click.echo(json.dumps({
            "ok": not failed,
            "problems": [p.to_json() for p in problems],
            "decks": [_deck_json(d) for d in result.decks if d.plan is not None],
        }, indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(format_github(problem) if output_format == "github" else format_problem(problem))
        if show_report:
            for report in reports:
                click.echo(format_report(report))
        errors, warnings = len(result.errors), len(problems) - len(result.errors)
        if problems:
            click.echo(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}", err=True)
        if written and not failed:
            for deck in result.decks:
                if deck.output is not None and deck.plan is not None:
                    click.echo(f"wrote {deck.output}: {_summary(deck.plan.report)}", err=True)
                    if deck.lock_changed:
                        click.echo(f"updated {deck.sources.lock}: commit it with the sources", err=True)
        elif not problems and not show_report:
            cards = sum(len(d.deck.cards) for d in result.decks if d.deck is not None)
            click.echo(f"{_count(cards, 'card')} in {_count(len(result.decks), 'deck')}: no problems", err=True)
    sys.exit(1 if failed else 0)


def format_problem(problem: Problem) -> str:
    place = f"{problem.path}:{problem.line}:{problem.column}" if problem.line else problem.path
    return f"{place}: {problem.severity.value}: {problem.message} [{problem.rule}]"


def format_github(problem: Problem) -> str:
    """A workflow command that GitHub Actions shows as an annotation on the line."""
    def escape(text: str, *, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text

    place = f"file={escape(problem.path, property_value=True)}"
    if problem.line:
        place += f",line={problem.line},col={problem.column}"
    return f"::{problem.severity.value} {place},title={escape(problem.rule, property_value=True)}::{escape(problem.message)}"


def format_report(report: ChangeReport) -> str:
    lines = [f"{report.deck}: importing this build over the last one"]
    for label, ids in (("new", report.new), ("updated", report.updated)):
        lines.append(f"  {label}: {len(ids)}" + (f" ({', '.join(ids)})" if ids else ""))
    lines.append(f"  unchanged: {len(report.unchanged)}")
    lines.append(f"  retired: {len(report.retired)}" + (f" ({', '.join(report.retired)}; learners keep them, tagged {retired_tag(report.deck)})" if report.retired else ""))
    if report.still_retired:
        lines.append(f"  still retired: {len(report.still_retired)}")
    change_words = {"new": "new", "appearance": "templates or CSS change (applied on import)",
                    "structure": "fields or templates renamed (existing notes will not update)"}
    for kind, change in sorted(report.note_types.items()):
        lines.append(f"  note type {kind}: {change_words[change]}")
    return "\n".join(lines)


def _summary(report: ChangeReport) -> str:
    parts = [f"{len(report.new)} new", f"{len(report.updated)} updated", f"{len(report.unchanged)} unchanged"]
    if report.retired or report.still_retired:
        parts.append(f"{len(report.retired) + len(report.still_retired)} retired")
    changed = sorted(kind for kind, change in report.note_types.items() if change != "new")
    if changed:
        parts.append(f"note types changed: {', '.join(changed)}")
    return ", ".join(parts)


def _deck_json(deck: Any) -> dict[str, Any]:
    data = deck.plan.report.to_json()
    data["output"] = str(deck.output) if deck.output else None
    data["lock"] = str(deck.sources.lock)
    data["lock_changed"] = deck.lock_changed
    return data


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def main() -> None:
    cli(prog_name="ankideck")
