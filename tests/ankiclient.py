"""The official Anki library, driven the way a learner's client imports and studies a deck."""

from __future__ import annotations

from pathlib import Path

import pytest

anki_collection = pytest.importorskip("anki.collection", reason="the official anki package is a test dependency: pip install -e '.[test]'")
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest  # noqa: E402
from anki.scheduler.v3 import CardAnswer  # noqa: E402


def open_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def import_package(col: Collection, package: Path, **options: object):
    """Import with the desktop dialog's defaults unless options say otherwise; returns Anki's log."""
    request = ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions(**options))
    return col.import_anki_package(request).log


def reopen(col: Collection) -> Collection:
    """Close and open again: the Python note-type cache is stale after an import."""
    path = col.path
    col.close()
    return Collection(path)


def study(col: Collection, deck_name: str, answers: int) -> list[int]:
    """Answer `answers` cards of a deck with Good through the real scheduler; returns their ids."""
    col.decks.select(col.decks.id_for_name(deck_name))
    studied = []
    for _ in range(answers):
        queued = col.sched.get_queued_cards()
        if not queued.cards:
            break
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=CardAnswer.GOOD))
        studied.append(card.id)
    return studied


def note_by_guid(col: Collection, guid: str):
    note_id = col.db.scalar("select id from notes where guid = ?", guid)
    return col.get_note(note_id) if note_id else None


def scheduling(col: Collection) -> list[tuple]:
    """Every card's scheduling state, for before/after comparisons."""
    return col.db.all("select id, nid, ord, type, queue, due, ivl, factor, reps, lapses from cards order by id")


def revlog(col: Collection) -> list[tuple]:
    return col.db.all("select id, cid, ease, ivl, lastIvl, type from revlog order by id")
