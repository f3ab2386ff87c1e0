"""The lock: what the last build shipped, so the next one gives each note the right `mod`.

Anki updates a re-imported note only when the package's `mod` is newer than the learner's copy,
and a learner's own edit stamps their copy with the time of the edit. So a note keeps the `mod`
of its last content change for as long as its content stays the same (learners' edits survive),
and gets a new one exactly when it changes (the update reaches them). The lock remembers those
times, every note that ever shipped (import never deletes, so removed cards ship on as retired),
and the note types' structure, whose changes Anki cannot apply to existing notes.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from builder.compiler import CompiledDeck, CompiledNote, deck_id
from builder.markup import parse_cloze
from builder.notetypes import NOTE_TYPES, NoteType
from builder.problems import Position, Problem, display_path, error, warning

LOCK_VERSION = 1
RETIRED = "retired"
# Fields that describe a note's status rather than its content; a rename keeps content, not these.
_STATUS_FIELDS = ("Notice", "Source")


@dataclass(frozen=True)
class LockedNote:
    guid: str
    kind: str
    subdeck: str | None
    mod: int
    hash: str
    tags: tuple[str, ...]
    fields: tuple[tuple[str, str], ...]
    retired: bool = False

    def field(self, name: str) -> str:
        return dict(self.fields).get(name, "")


@dataclass(frozen=True)
class LockedNoteType:
    id: int
    name: str
    structure: dict[str, Any]
    appearance: str
    mod: int


@dataclass(frozen=True)
class Lock:
    deck_key: str
    deck_ids: dict[str, int]
    note_types: dict[str, LockedNoteType]
    notes: dict[str, LockedNote]

    @property
    def latest_mod(self) -> int:
        mods = [n.mod for n in self.notes.values()] + [t.mod for t in self.note_types.values()]
        return max(mods, default=0)


@dataclass(frozen=True)
class PlannedNote:
    """A note as it will be packaged: compiled fields plus the `mod` the lock gives it."""

    note: CompiledNote
    mod: int
    retired: bool


@dataclass
class ChangeReport:
    """What importing this build over the last one will do to a learner's collection."""

    deck: str
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # removed from the sources in this build
    still_retired: list[str] = field(default_factory=list)
    note_types: dict[str, str] = field(default_factory=dict)  # kind -> new | appearance | structure

    @property
    def changes_anything(self) -> bool:
        return bool(self.new or self.updated or self.retired or self.note_types)

    def to_json(self) -> dict[str, Any]:
        return {
            "deck": self.deck,
            "new": self.new,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "retired": self.retired,
            "still_retired": len(self.still_retired),
            "note_types": self.note_types,
        }


@dataclass(frozen=True)
class Plan:
    lock: Lock
    notes: tuple[PlannedNote, ...]
    note_types: tuple[tuple[NoteType, int], ...]
    report: ChangeReport
    problems: tuple[Problem, ...]

    @property
    def timestamp(self) -> int:
        return self.lock.latest_mod


def content_hash(note_fields: tuple[tuple[str, str], ...], tags: tuple[str, ...]) -> str:
    payload = json.dumps({"fields": dict(note_fields), "tags": sorted(tags)}, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()


def retired_tag(deck_key: str) -> str:
    return f"{deck_key}::{RETIRED}"


def plan_build(compiled: CompiledDeck, previous: Lock | None, now: int, lock_path: Path,
               accept_note_type_changes: frozenset[str] = frozenset()) -> Plan:
    """Compare the compiled deck with the lock: give each note and note type its `mod`, retire removed notes."""
    problems: list[Problem] = []
    if previous is not None and previous.deck_key != compiled.key:
        problems.append(error(lock_path, Position(1, 1), "deck-key-changed",
                              f"the deck key changed from '{previous.deck_key}' to '{compiled.key}': every card would be new to learners and their history lost; restore the key, or delete {display_path(lock_path)} to start a new deck"))
        previous = None
    if previous is not None and compiled.name not in previous.deck_ids:
        problems.append(warning(lock_path, Position(0, 0), "deck-renamed",
                                f"the deck is now named '{compiled.name}': Anki matches decks by name, so learners' existing "
                                "cards stay in the deck of the old name and new cards go to a new deck"))
    old_notes = previous.notes if previous else {}
    stamp = max(now, previous.latest_mod + 1) if previous else now
    report = ChangeReport(compiled.key)
    notes: dict[str, LockedNote] = {}
    planned: list[PlannedNote] = []

    current = {note.card_id for note in compiled.notes}
    removed_now = {card_id: old for card_id, old in old_notes.items() if card_id not in current}
    for note in compiled.notes:
        digest = content_hash(note.fields, note.tags)
        old = old_notes.get(note.card_id)
        if old is None:
            mod = stamp
            report.new.append(note.card_id)
            problems.extend(_likely_renames(note, removed_now))
        elif old.hash == digest and not old.retired:
            mod = old.mod
            report.unchanged.append(note.card_id)
        else:
            mod = stamp
            report.updated.append(note.card_id)
        if old is not None and old.kind != note.kind:
            assert note.origin is not None  # compiled from the sources, so it has one
            problems.append(error(note.origin.path, note.origin.field_position("kind"), "kind-changed",
                                  f"card '{note.card_id}' changed kind from {old.kind} to {note.kind}: Anki cannot change the type of "
                                  "a note learners already have, so they would keep the old card unchanged; give the card a new id "
                                  "(the old one is then retired)"))
        elif old is not None:
            problems.extend(_moved_or_cloze_changed(note, old))
        notes[note.card_id] = LockedNote(note.guid, note.kind, note.subdeck, mod, digest, note.tags, note.fields)
        planned.append(PlannedNote(note, mod, retired=False))

    for card_id, old in sorted(removed_now.items()):
        if old.retired:
            locked = old
            report.still_retired.append(card_id)
        else:
            fields = tuple((name, _notice(stamp) if name == "Notice" else value) for name, value in old.fields)
            tags = tuple(sorted(set(old.tags) | {retired_tag(compiled.key)}))
            locked = LockedNote(old.guid, old.kind, old.subdeck, stamp, content_hash(fields, tags), tags, fields, retired=True)
            report.retired.append(card_id)
        notes[card_id] = locked
        in_order = tuple((name, locked.field(name)) for name in NOTE_TYPES[locked.kind].field_names)
        planned.append(PlannedNote(CompiledNote(card_id, locked.guid, locked.kind, in_order, locked.tags, locked.subdeck, None), locked.mod, retired=True))

    note_types: dict[str, LockedNoteType] = {}
    shipped: list[tuple[NoteType, int]] = []
    for kind in sorted({n.kind for n in notes.values()}):
        note_type = NOTE_TYPES[kind]
        locked_type, change, found = _plan_note_type(note_type, previous.note_types.get(kind) if previous else None,
                                                     stamp, lock_path, kind in accept_note_type_changes)
        problems.extend(found)
        if change:
            report.note_types[kind] = change
        note_types[kind] = locked_type
        shipped.append((note_type, locked_type.mod))

    deck_names = {compiled.name} | {compiled.deck_name(n.subdeck) for n in notes.values()}
    lock = Lock(compiled.key, {name: deck_id(compiled.key, name) for name in sorted(deck_names)}, note_types, dict(sorted(notes.items())))
    return Plan(lock, tuple(planned), tuple(shipped), report, tuple(problems))


def _plan_note_type(note_type: NoteType, old: LockedNoteType | None, stamp: int, lock_path: Path,
                    accepted: bool) -> tuple[LockedNoteType, str, list[Problem]]:
    structure = note_type.structure()
    appearance = note_type.appearance_hash()
    fresh = LockedNoteType(note_type.id, note_type.name, structure, appearance, stamp)
    if old is None:
        return fresh, "new", []
    if old.id != note_type.id or old.structure != structure:
        consequence = (f"note type '{note_type.name}' changed its fields or card templates: Anki will not update learners' existing "
                       f"{note_type.kind} notes (they stay stale, and a copy of the note type appears) unless they import with "
                       "'Merge note types' on and 'Update notes: Always'")
        if accepted:
            return fresh, "structure", [warning(lock_path, Position(0, 0), "note-type-changed", consequence + "; tell them before they import this build")]
        return fresh, "structure", [error(lock_path, Position(0, 0), "note-type-changed",
                                          consequence + f"; if that is intended, add '{note_type.kind}' to accept_note_type_changes in deck.yaml")]
    if old.appearance != appearance or old.name != note_type.name:
        return fresh, "appearance", []
    return old, "", []


def _notice(stamp: int) -> str:
    day = datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y-%m-%d")
    return (f"This card was removed from the deck on {day} and will not change again. "
            "You can delete it: in the Browse window, search for its tag ending in <b>::retired</b>.")


def _likely_renames(note: CompiledNote, removed: dict[str, LockedNote]) -> list[Problem]:
    content = _content(note.fields)
    return [
        warning(note.origin.path, note.origin.field_position("id"), "likely-rename",
                f"card '{note.card_id}' has the content of removed card '{old_id}': if it is a rename, keep the old id, "
                "or learners lose its review history and keep the old card as retired")
        for old_id, old in sorted(removed.items())
        if old.kind == note.kind and _content(old.fields) == content and note.origin is not None
    ]


def _content(fields: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {name: value for name, value in fields if name not in _STATUS_FIELDS}


def _moved_or_cloze_changed(note: CompiledNote, old: LockedNote) -> list[Problem]:
    problems: list[Problem] = []
    origin = note.origin
    assert origin is not None
    if old.subdeck != note.subdeck:
        at = origin.field_position("deck") if origin.written("deck") else origin.position
        problems.append(warning(origin.path, at, "deck-moved",
                                f"card '{note.card_id}' moved from sub-deck '{old.subdeck or '(top)'}' to '{note.subdeck or '(top)'}': "
                                "learners who already have it keep it where it was (import never moves cards)"))
    if note.kind == "cloze" and not old.retired:
        before, after = _deletions(old.field("Text")), _deletions(note.field("Text"))
        for number in sorted(before):
            if number not in after:
                problems.append(warning(origin.path, origin.field_position("text"), "cloze-removed",
                                        f"card '{note.card_id}': c{number} was removed; learners keep its card, now empty "
                                        "(Tools > Empty Cards lists it)"))
            elif before[number] != after[number]:
                problems.append(warning(origin.path, origin.field_position("text"), "cloze-changed",
                                        f"card '{note.card_id}': c{number} now hides {after[number]!r} instead of {before[number]!r}; "
                                        f"learners' history for c{number} stays with it, so give a different fact a new number"))
    return problems


def _deletions(text: str) -> dict[int, str]:
    found: dict[int, list[str]] = {}
    for deletion in parse_cloze(text)[0]:
        found.setdefault(deletion.number, []).append(deletion.text)
    return {number: " … ".join(texts) for number, texts in found.items()}


# --- reading and writing ---------------------------------------------------------------------

class LockError(Exception):
    """The lock file cannot be read; carries a located problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_lock(path: Path) -> Lock | None:
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise LockError(error(path, Position(exc.lineno, exc.colno), "lock-invalid", f"the lock is not valid JSON ({exc.msg}); restore it from version control")) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LockError(error(path, Position(0, 0), "lock-invalid", f"cannot read the lock: {exc}")) from exc
    try:
        if data.get("lock_version") != LOCK_VERSION:
            raise ValueError(f"unknown lock_version {data.get('lock_version')!r}")
        return Lock(
            deck_key=data["deck"]["key"],
            deck_ids={name: int(value) for name, value in data["deck"]["ids"].items()},
            note_types={
                kind: LockedNoteType(int(t["id"]), t["name"], {"fields": t["fields"], "templates": t["templates"], "cloze": t["cloze"]},
                                     t["appearance"], int(t["mod"]))
                for kind, t in data["note_types"].items()
            },
            notes={
                card_id: LockedNote(n["guid"], n["kind"], n.get("deck"), int(n["mod"]), n["hash"], tuple(n["tags"]),
                                    tuple(n["fields"].items()), bool(n.get("retired", False)))
                for card_id, n in data["notes"].items()
            },
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise LockError(error(path, Position(1, 1), "lock-invalid", f"the lock is damaged ({exc}); restore it from version control")) from exc


def lock_text(lock: Lock) -> str:
    """The lock as sorted, indented JSON: one value a line, so reviews see exactly what changed."""
    data = {
        "lock_version": LOCK_VERSION,
        "deck": {"key": lock.deck_key, "ids": lock.deck_ids},
        "note_types": {
            kind: {"id": t.id, "name": t.name, **t.structure, "appearance": t.appearance, "mod": t.mod}
            for kind, t in lock.note_types.items()
        },
        "notes": {
            card_id: {"guid": n.guid, "kind": n.kind, "deck": n.subdeck, "mod": n.mod, "hash": n.hash,
                      "tags": list(n.tags), "fields": dict(n.fields), **({"retired": True} if n.retired else {})}
            for card_id, n in lock.notes.items()
        },
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
