"""The built deck, imported into a fresh collection by the official Anki library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ankiclient import import_package, open_collection, reopen
from conftest import ALL_KINDS_YAML, DECK_YAML

from builder.compiler import note_guid
from builder.notetypes import NOTE_TYPES
from builder.pipeline import build_project


@pytest.fixture
def built(make_project, tmp_path: Path) -> Path:
    cards = make_project({"cards/deck.yaml": DECK_YAML, "cards/all.yaml": ALL_KINDS_YAML})
    result = build_project(cards, tmp_path / "dist", now=1_760_000_000)
    assert not result.errors, result.errors
    return tmp_path / "dist" / "test-deck.apkg"


@pytest.fixture
def col(built: Path, tmp_path: Path):
    collection = open_collection(tmp_path / "learner")
    log = import_package(collection, built)
    assert len(log.new) == 6 and not log.conflicting and not log.duplicate
    collection = reopen(collection)
    yield collection
    collection.close()


def test_every_note_arrives_with_its_guid_tags_and_note_type(col) -> None:
    by_guid = {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}
    assert set(by_guid) == {note_guid("test-deck", card_id) for card_id in
                            ("value", "delivers-vs-co-creates", "email-example", "value-cloze", "value-mcq", "basic-card")}
    value = by_guid[note_guid("test-deck", "value")]
    assert value.note_type()["name"] == "ankideck: Definition"
    assert value["Term"] == "Value"
    assert value["Explanation"] == "<p>Value is <em>subjective</em>.</p>"
    assert value.tags == ["test::all"]
    assert "test::all" in col.tags.all()


def test_cards_generated_per_note_type(col) -> None:
    def cards_of(kind: str) -> int:
        return len(col.find_cards(f'"note:{NOTE_TYPES[kind].name}"'))

    assert cards_of("definition") == 2  # term to definition, and the reverse the author asked for
    assert cards_of("distinction") == 3  # the difference, and each side's "which is it?"
    assert cards_of("example") == 1
    assert cards_of("cloze") == 2  # c1 and c2
    assert cards_of("mcq") == 1
    assert cards_of("basic") == 1


def test_decks_and_sub_decks(col) -> None:
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {"Test deck", "Test deck::Core", "Test deck::Exam"} <= names
    assert len(col.find_cards('"deck:Test deck::Exam"')) == 1
    assert len(col.find_cards('"deck:Test deck::Core"')) == 9
    assert col.decks.by_name("Test deck")["desc"] == "<p>A deck for <em>tests</em>.</p>"


def test_every_card_renders_a_question_and_an_answer(col) -> None:
    for card_id in col.find_cards(""):
        output = col.get_card(card_id).render_output(reload=True)
        for side in (output.question_text, output.answer_text):
            assert side.strip()
            assert "template has a problem" not in side.lower()
        assert 'id="answer"' in output.answer_text or "id=answer" in output.answer_text


def test_anki_agrees_with_genanki_on_which_cards_exist(col) -> None:
    before = len(col.find_cards(""))
    col.fix_integrity()
    assert len(col.find_cards("")) == before
    assert not col.get_empty_cards().notes


def test_multiple_choice_renders_four_options_with_one_correct(col) -> None:
    card_id = col.find_cards(f'"note:{NOTE_TYPES["mcq"].name}"')[0]
    question = col.get_card(card_id).render_output(reload=True).question_text
    assert question.count('type="radio"') == 4
    assert question.count("is-correct") == 1
    assert "<script" not in question


def test_cloze_fronts_hide_their_own_deletion_only(col) -> None:
    fronts = [re.sub(r"<[^>]+>", "", col.get_card(cid).render_output(reload=True).question_text)
              for cid in col.find_cards(f'"note:{NOTE_TYPES["cloze"].name}"')]
    assert len(fronts) == 2 and all("[...]" in front for front in fronts)
    assert any("usefulness" in q and "benefits" not in q for q in fronts)
    assert any("benefits" in q and "usefulness" not in q for q in fronts)


def tiny_png() -> bytes:
    """A valid 1x1 PNG, made here so the test needs no binary fixture."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b"")


def test_images_are_bundled_and_reach_the_collection(make_project, tmp_path: Path) -> None:
    cards = make_project({
        "cards/deck.yaml": DECK_YAML,
        "cards/pictures.yaml": """\
            defaults: {source: {ref: guide, section: Basics}}
            cards:
              - id: with-image
                kind: basic
                front: "What does this diagram show? ![the value chain](img/chain.png)"
                back: The service value chain.
            """,
        "cards/img/chain.png": tiny_png(),
    })
    result = build_project(cards, tmp_path / "dist", now=1_760_000_000)
    assert not result.errors
    col = open_collection(tmp_path / "learner")
    import_package(col, tmp_path / "dist" / "test-deck.apkg")
    note = col.get_note(col.find_notes("")[0])
    names = re.findall(r'src="([^"]+)"', note["Front"])
    assert len(names) == 1 and names[0].endswith(".png")
    assert (Path(col.media.dir()) / names[0]).read_bytes() == tiny_png()
    assert col.media.check().missing == []
    col.close()
