"""The deck this repository ships: its sources are clean, complete and match the committed build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ankiclient import import_package, open_collection
from conftest import REPO

from builder.pipeline import build_project, check_project

CARDS = REPO / "cards"
SHIPPED = REPO / "dist" / "itil4-value.apkg"


@pytest.fixture(scope="module")
def checked():
    return check_project(CARDS, locked=True)


def test_check_is_clean(checked) -> None:
    assert [f"{p.path}:{p.line}: {p.rule}: {p.message}" for p in checked.problems] == []


def test_committed_lock_matches_the_sources(checked) -> None:
    assert not checked.decks[0].lock_changed, "run 'ankideck build' and commit cards/deck.lock.json"


def test_committed_deck_equals_a_fresh_build(tmp_path: Path) -> None:
    result = build_project(CARDS, tmp_path, locked=True)
    assert not result.errors
    assert (tmp_path / "itil4-value.apkg").read_bytes() == SHIPPED.read_bytes(), "rebuild dist/ and commit it"


def test_every_card_names_a_source_document_and_section(checked) -> None:
    deck = checked.decks[0].deck
    for card in deck.cards:
        assert card.source.ref in deck.sources and card.source.section.strip(), card.id


def test_sub_decks_for_core_knowledge_and_exam_practice(checked) -> None:
    cards = checked.decks[0].deck.cards
    assert {card.subdeck for card in cards} == {"Core knowledge", "Exam practice"}
    mcqs = [card for card in cards if card.kind == "mcq"]
    assert len(mcqs) >= 20
    assert all(card.subdeck == "Exam practice" for card in mcqs)
    assert all(len(card.content["distractors"]) == 3 for card in mcqs)  # four options, as in the exam


def test_no_all_or_none_of_the_above(checked) -> None:
    for card in checked.decks[0].deck.cards:
        if card.kind == "mcq":
            options = [card.content["answer"], *card.content["distractors"]]
            assert not any(re.search(r"\b(all|none|both) of the (above|options)\b", o, re.I) for o in options), card.id


def test_every_kind_and_hierarchical_tags(checked) -> None:
    cards = checked.decks[0].deck.cards
    assert {card.kind for card in cards} == {"definition", "distinction", "example", "cloze", "mcq", "basic"}
    assert all(card.tags and all(tag.startswith("itil4::value::") for tag in card.tags) for card in cards)


def test_examples_point_to_concept_cards(checked) -> None:
    by_id = {card.id: card for card in checked.decks[0].deck.cards}
    for card in by_id.values():
        if card.kind == "example":
            assert by_id[card.content["concept"]].kind in ("definition", "distinction", "basic", "cloze"), card.id


def test_coverage_map_names_every_card_and_only_real_ones(checked) -> None:
    ids = {card.id for card in checked.decks[0].deck.cards}
    coverage = (CARDS / "COVERAGE.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", coverage)) - {"itil4-value"}
    assert ids - named == set(), "cards missing from COVERAGE.md"
    assert {n for n in named if not n.startswith(("000", "001", "002", "003"))} - ids == set(), "COVERAGE.md names unknown ids"
    for source_file in ("000_6f5c031c2e965f30.txt", "001_58ba2c75fd75732b.txt", "002_adcde0211c891f21.txt", "003_83601aa0604c86c8.txt"):
        assert source_file in coverage


def test_no_two_cards_ask_the_same_question(tmp_path: Path) -> None:
    col = open_collection(tmp_path / "learner")
    log = import_package(col, SHIPPED)
    assert not log.conflicting
    questions: dict[str, int] = {}
    for card_id in col.find_cards(""):
        text = col.get_card(card_id).render_output(reload=True).question_text
        visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip().casefold()
        assert visible not in questions, f"cards {questions.get(visible)} and {card_id} ask the same question: {visible[:120]}"
        questions[visible] = card_id
    before = len(questions)
    col.fix_integrity()
    assert len(col.find_cards("")) == before
    col.close()
