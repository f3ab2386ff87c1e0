"""Write a planned deck as an .apkg: reproducible to the byte, and atomically in place."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import genanki

from builder.compiler import CompiledDeck
from builder.lock import Plan
from builder import notetypes
from builder.notetypes import NoteType

# Zip entries carry this date instead of the clock, so equal inputs give equal bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def package_bytes(compiled: CompiledDeck, plan: Plan) -> bytes:
    """The .apkg for a deck, as bytes that depend only on the compiled deck and the plan."""
    timestamp = plan.timestamp
    models = {note_type.kind: _model(note_type) for note_type, _ in plan.note_types}
    decks: dict[str, genanki.Deck] = {
        compiled.name: genanki.Deck(plan.lock.deck_ids[compiled.name], compiled.name, compiled.description)
    }
    for position, planned in enumerate(plan.notes, start=1):
        note = planned.note
        name = compiled.deck_name(note.subdeck)
        deck = decks.get(name) or decks.setdefault(name, genanki.Deck(plan.lock.deck_ids[name], name))
        deck.add_note(genanki.Note(
            model=models[note.kind],
            fields=[value for _, value in note.fields],
            tags=list(note.tags),
            guid=note.guid,
            due=position,  # new cards come up in source order
        ))
    with tempfile.TemporaryDirectory(prefix="ankideck-") as scratch:
        database = Path(scratch) / "collection.anki2"
        connection = sqlite3.connect(database)
        try:
            cursor = connection.cursor()
            package = genanki.Package([decks[name] for name in sorted(decks)])
            package.write_to_db(cursor, timestamp, itertools.count(timestamp * 1000))
            _apply_mods(cursor, plan)
            connection.commit()
        finally:
            connection.close()
        return _zip(_without_writer_version(database.read_bytes()), compiled)


def _without_writer_version(collection: bytes) -> bytes:
    """Blank the header fields that record which SQLite library wrote the file (offsets 92-99).

    They are informational: with them zeroed SQLite reads the size from the file itself. Without
    this, machines with different SQLite versions would build different bytes from equal sources.
    """
    return collection[:92] + bytes(8) + collection[100:]


def _model(note_type: NoteType) -> genanki.Model:
    # Fresh dicts every time: genanki adds keys to the ones it is given.
    return genanki.Model(
        note_type.id,
        note_type.name,
        fields=[{"name": name, "id": field_id} for name, field_id in note_type.fields],
        templates=[{"name": t.name, "id": t.id, "qfmt": t.front, "afmt": t.back} for t in note_type.templates],
        css=notetypes.card_css(),
        model_type=genanki.Model.CLOZE if note_type.is_cloze else genanki.Model.FRONT_BACK,
        sort_field_index=0,
    )


def _apply_mods(cursor: sqlite3.Cursor, plan: Plan) -> None:
    """Replace genanki's single timestamp with each note's and note type's own `mod` from the lock."""
    for planned in plan.notes:
        cursor.execute("UPDATE notes SET mod = ? WHERE guid = ?", (planned.mod, planned.note.guid))
    cursor.execute("UPDATE cards SET mod = (SELECT mod FROM notes WHERE notes.id = cards.nid)")
    (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
    models = json.loads(models_json)
    for note_type, mod in plan.note_types:
        models[str(note_type.id)]["mod"] = mod
    cursor.execute("UPDATE col SET models = ?", (json.dumps(models, sort_keys=True),))


def _zip(collection: bytes, compiled: CompiledDeck) -> bytes:
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w") as archive:
            _add(archive, "collection.anki2", collection)
            _add(archive, "media", json.dumps({str(i): m.name for i, m in enumerate(compiled.media)}, sort_keys=True).encode())
            for index, media in enumerate(compiled.media):
                _add(archive, str(index), media.path.read_bytes())
        buffer.seek(0)
        return buffer.read()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    archive.writestr(info, data)


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; a deck is for sharing
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
