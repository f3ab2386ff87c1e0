"""The stages in order: discover, load and check, compile, plan against the lock, write."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from builder.compiler import CompiledDeck, compile_deck
from builder.discovery import DeckSources, discover
from builder.lock import LockError, Plan, lock_text, plan_build, read_lock
from builder.model import Deck
from builder.package import package_bytes, write_atomically
from builder.problems import Position, Problem, error
from builder.validation import load_deck


class ConfigurationError(Exception):
    """The command cannot run at all (exit status 2), as opposed to problems in the sources."""


@dataclass
class DeckResult:
    sources: DeckSources
    deck: Deck | None = None
    compiled: CompiledDeck | None = None
    plan: Plan | None = None
    lock_changed: bool = False
    output: Path | None = None


@dataclass
class ProjectResult:
    decks: list[DeckResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


def build_time() -> int:
    """Now, or SOURCE_DATE_EPOCH when set (the reproducible-builds convention)."""
    override = os.environ.get("SOURCE_DATE_EPOCH")
    if override:
        try:
            return int(override)
        except ValueError:
            raise ConfigurationError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {override!r}") from None
    return int(time.time())


def check_project(cards_dir: Path, *, locked: bool = False, now: int | None = None) -> ProjectResult:
    """Run every stage but writing; collect every problem of every deck."""
    if not cards_dir.is_dir():
        raise ConfigurationError(f"no cards folder at {cards_dir}")
    found = discover(cards_dir)
    if not found.decks:
        raise ConfigurationError(f"no deck.yaml under {cards_dir}: each deck needs a manifest")
    result = ProjectResult()
    for orphan in found.orphans:
        result.problems.append(error(orphan, Position(1, 1), "no-deck", "this card file has no deck.yaml in its folder or above it"))
    project_root = cards_dir.resolve().parent
    timestamp = build_time() if now is None else now
    keys: dict[str, Path] = {}
    for sources in found.decks:
        deck_result = DeckResult(sources)
        result.decks.append(deck_result)
        deck, problems = load_deck(sources, project_root)
        result.problems.extend(problems)
        if deck is None:
            continue
        if deck.key in keys:
            result.problems.append(error(sources.manifest, Position(1, 1), "duplicate-deck-key", f"deck key '{deck.key}' is also used by {keys[deck.key]}"))
            continue
        keys[deck.key] = sources.manifest
        deck_result.deck = deck
        deck_result.compiled = compile_deck(deck)
        try:
            previous = read_lock(sources.lock)
        except LockError as exc:
            result.problems.append(exc.problem)
            continue
        plan = plan_build(deck_result.compiled, previous, timestamp, sources.lock, deck.accept_note_type_changes)
        deck_result.plan = plan
        result.problems.extend(plan.problems)
        deck_result.lock_changed = previous is None or lock_text(plan.lock) != lock_text(previous)
        if locked and deck_result.lock_changed:
            result.problems.append(error(sources.lock, Position(0, 0), "lock-outdated",
                                         "the sources changed since the lock was written: run 'ankideck build' and commit the lock with them"))
    return result


def build_project(cards_dir: Path, out_dir: Path, *, locked: bool = False, strict: bool = False,
                  now: int | None = None) -> ProjectResult:
    """Check everything; only when there is no error (nor, if strict, a warning) write every deck, then every changed lock."""
    result = check_project(cards_dir, locked=locked, now=now)
    if result.errors or (strict and result.problems):
        return result
    ready = [d for d in result.decks if d.plan is not None and d.compiled is not None]
    packages = [(d, package_bytes(d.compiled, d.plan)) for d in ready]  # type: ignore[arg-type]
    for deck_result, data in packages:
        deck_result.output = out_dir / f"{deck_result.compiled.key}.apkg"  # type: ignore[union-attr]
        write_atomically(deck_result.output, data)
    # Locks last: if writing a package failed, the next build plans the same changes again.
    for deck_result in ready:
        if deck_result.lock_changed:
            write_atomically(deck_result.sources.lock, lock_text(deck_result.plan.lock).encode())  # type: ignore[union-attr]
    return result
