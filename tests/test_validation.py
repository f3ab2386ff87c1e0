"""Validation: schema violations and the checks across cards and files, each at its exact place."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from conftest import ALL_KINDS_YAML, DECK_YAML

from builder.discovery import discover
from builder.pipeline import ProjectResult, check_project
from builder.problems import Problem, Severity
from builder.validation import load_deck

NOW = 1_700_000_000

# Every card file below starts with these three lines, so its first card is on line 4.
HEAD = """\
defaults:
  source: {ref: guide, section: Basics}
cards:
"""

BASIC = """\
  - id: basic-card
    kind: basic
    front: Front
    back: Back
"""

# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)

Place = tuple[str, int, int, str]


@pytest.fixture
def check(make_project: Callable[[dict[str, str | bytes]], Path], monkeypatch: pytest.MonkeyPatch
          ) -> Callable[[dict[str, str | bytes]], ProjectResult]:
    """Lay out a project (with the standard deck.yaml unless given) and check it from its root."""

    def run(files: dict[str, str | bytes]) -> ProjectResult:
        cards = make_project({"cards/deck.yaml": DECK_YAML, **files})
        monkeypatch.chdir(cards.parent)
        return check_project(Path("cards"), now=NOW)

    return run


def places(problems: list[Problem]) -> list[Place]:
    return [(p.path, p.line, p.column, p.rule) for p in sorted(problems, key=Problem.sort_key)]


def only(result: ProjectResult) -> Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


def test_a_card_of_every_kind_has_no_problems(make_project: Callable[[dict[str, str]], Path],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cards = make_project({"cards/deck.yaml": DECK_YAML, "cards/all.yaml": ALL_KINDS_YAML})
    monkeypatch.chdir(cards.parent)
    (sources,) = discover(cards).decks
    deck, problems = load_deck(sources, cards.parent)
    assert problems == []
    assert deck is not None
    assert [(c.id, c.kind) for c in deck.cards] == [
        ("value", "definition"), ("delivers-vs-co-creates", "distinction"), ("email-example", "example"),
        ("value-cloze", "cloze"), ("value-mcq", "mcq"), ("basic-card", "basic"),
    ]
    # File defaults apply: tags and source for all, sub-deck unless the card sets its own.
    assert {c.tags for c in deck.cards} == {("test::all",)}
    assert [c.subdeck for c in deck.cards] == ["Core", "Core", "Core", "Core", "Exam", "Core"]
    assert {(c.source.ref, c.source.section) for c in deck.cards} == {("guide", "Basics")}


def test_text_fields_keep_yaml_1_1_words(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": HEAD + """\
  - id: words
    kind: mcq
    question: Is 012 the same as 10?
    answer: no
    distractors: [yes, on, 2024-01-01, 1:30]
    explanation: off
"""})
    assert result.problems == []
    (card,) = result.decks[0].deck.cards
    assert card.content["answer"] == "no"
    assert card.content["distractors"] == ["yes", "on", "2024-01-01", "1:30"]
    assert card.content["explanation"] == "off"


# --- schema violations -------------------------------------------------------------------------------

SCHEMA_CASES = [
    pytest.param(HEAD + """\
  - id: a
    kind: basic
    front: F
""", [(4, 5, "schema-required")], "card 1: missing required field 'back'", id="missing-required-field"),
    pytest.param(HEAD + """\
  - id: a
    kind: definition
    term: Value
    definition: Worth.
    explantion: Why it matters.
""", [(8, 5, "schema-additionalProperties")], "card 1: unknown field 'explantion' (did you mean 'explanation'?)",
        id="unknown-field-did-you-mean"),
    pytest.param(HEAD + """\
  - id: a
    kind: basic
    front: F
    back: B
    colour: red
""", [(8, 5, "schema-additionalProperties")], "card 1: unknown field 'colour' (allowed: back, deck, extra, front, id, "
                                               "kind, source, tags)", id="unknown-field-lists-allowed"),
    pytest.param(HEAD + """\
  - id: a
    kind: basic
    front: [F]
    back: B
""", [(6, 12, "schema-type")], "card 1, field 'front': expected text, got a list", id="wrong-type-list"),
    pytest.param(HEAD + """\
  - id: a
    kind: basic
    front: true
    back: B
""", [(6, 12, "schema-type")], "card 1, field 'front': expected text, got true (put the text in quotes)",
        id="wrong-type-boolean"),
    pytest.param(HEAD + """\
  - id: a
    kind: definition
    term: T
    definition: D
    reverse: yes
""", [(8, 14, "schema-type")], "card 1, field 'reverse': expected true or false, got text (write true or false)",
        id="yes-is-not-a-boolean"),
    pytest.param(HEAD + """\
  - id: Bad_Id
    kind: basic
    front: F
    back: B
""", [(4, 9, "schema-pattern")], "card 1, field 'id': 'Bad_Id' is not a valid id: use lower-case letters and digits "
                                 "in words joined by single hyphens, like 'value-definition'", id="bad-id-pattern"),
    pytest.param(HEAD + """\
  - id: a
    kind: basic
    front: '   '
    back: B
""", [(6, 12, "schema-pattern")], "card 1, field 'front': '   ' must not be blank", id="blank-text"),
    pytest.param(HEAD + """\
  - id: a
    kind: flashcard
    front: F
    back: B
""", [(5, 11, "unknown-kind")], "card 1, field 'kind': unknown kind 'flashcard'; the kinds are definition, "
                                "distinction, example, cloze, mcq, basic", id="unknown-kind"),
    pytest.param(HEAD + """\
  - id: a
    kind: mcq
    question: Q
    answer: A
    distractors: []
    explanation: E
""", [(8, 18, "schema-minItems")], "card 1, field 'distractors': must not be empty", id="empty-distractors"),
    pytest.param("cards: []\n", [(1, 8, "schema-minItems")], "'cards': must not be empty", id="empty-cards"),
    pytest.param(HEAD + BASIC + """\
  - just text
""", [(8, 5, "schema-type")], "card 2: expected a mapping, got text", id="card-not-a-mapping"),
    pytest.param("defaults:\n  tag: [x]\n" + "cards:\n" + BASIC, [(2, 3, "schema-additionalProperties")],
                 "'defaults': unknown field 'tag' (did you mean 'tags'?)", id="unknown-default"),
]


@pytest.mark.parametrize(("text", "expected", "message"), SCHEMA_CASES)
def test_schema_violations_in_card_files(check: Callable[[dict[str, str]], ProjectResult], text: str,
                                         expected: list[tuple[int, int, str]], message: str) -> None:
    result = check({"cards/a.yaml": text})
    assert places(result.problems) == [("cards/a.yaml", *e) for e in expected]
    assert result.problems[0].message == message
    assert result.problems[0].severity is Severity.ERROR
    assert result.decks[0].deck is None


DECK_CASES = [
    pytest.param(DECK_YAML.replace("key: test-deck", "key: Test Deck"), [(2, 6, "schema-pattern")], id="bad-key"),
    pytest.param(DECK_YAML.replace("name: Test deck\n", ""), [(2, 1, "schema-required")], id="missing-name"),
    pytest.param(DECK_YAML.replace("    title:", "    titel:"),
                 [(7, 5, "schema-additionalProperties"), (7, 5, "schema-required")], id="misspelt-source-field"),
    pytest.param(DECK_YAML.replace("description: A deck for *tests*.", "description:"), [(4, 13, "schema-type")],
                 id="empty-description"),
]


@pytest.mark.parametrize(("deck_yaml", "expected"), DECK_CASES)
def test_schema_violations_in_deck_yaml(check: Callable[[dict[str, str]], ProjectResult], deck_yaml: str,
                                        expected: list[tuple[int, int, str]]) -> None:
    result = check({"cards/deck.yaml": deck_yaml, "cards/a.yaml": HEAD + BASIC})
    assert places(result.problems) == [("cards/deck.yaml", *e) for e in expected]


def test_a_misspelt_field_also_reports_the_field_it_lacks(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": HEAD + "  - id: a\n    kind: basic\n    front: F\n    bakc: B\n"})
    assert places(result.problems) == [("cards/a.yaml", 4, 5, "schema-required"),
                                       ("cards/a.yaml", 7, 5, "schema-additionalProperties")]
    assert result.problems[1].message == "card 1: unknown field 'bakc' (did you mean 'back'?)"


# --- checks across cards and files ------------------------------------------------------------------

def test_a_duplicate_id_across_files_points_at_the_second(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({
        "cards/a.yaml": HEAD + BASIC,
        "cards/b.yaml": HEAD + "  - id: other\n    kind: basic\n    front: F\n    back: B\n" + BASIC,
    })
    problem = only(result)
    assert places([problem]) == [("cards/b.yaml", 8, 9, "duplicate-id")]
    assert problem.message == "card id 'basic-card' is already used at cards/a.yaml:4; ids must be unique in the deck"


def test_duplicate_ids_in_a_sub_folder_belong_to_the_same_deck(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": HEAD + BASIC, "cards/more/b.yaml": HEAD + BASIC})
    assert places(result.problems) == [("cards/more/b.yaml", 4, 9, "duplicate-id")]


EXAMPLE = """\
  - id: an-example
    kind: example
    scenario: S
    question: Q
    answer: A
    concept: {concept}
"""
MCQ = """\
  - id: a-question
    kind: mcq
    question: Q
    answer: {answer}
    distractors: [{distractors}]
    explanation: E
"""


@pytest.mark.parametrize(("cards", "expected", "message"), [
    pytest.param(EXAMPLE.format(concept="nothing-here"), (9, 14), "concept 'nothing-here' is not the id of any card "
                 "in the deck", id="nowhere"),
    pytest.param(MCQ.format(answer="A", distractors="B") + EXAMPLE.format(concept="a-question"), (15, 14),
                 "concept 'a-question' is an mcq card; point to the card that teaches the concept", id="an-mcq"),
])
def test_an_example_must_point_at_a_concept(check: Callable[[dict[str, str]], ProjectResult], cards: str,
                                            expected: tuple[int, int], message: str) -> None:
    problem = only(check({"cards/a.yaml": HEAD + cards}))
    assert places([problem]) == [("cards/a.yaml", *expected, "unknown-concept")]
    assert problem.message == message


def test_an_example_may_point_at_a_card_in_another_file(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": HEAD + BASIC, "cards/b.yaml": HEAD + EXAMPLE.format(concept="basic-card")})
    assert result.problems == []


def test_an_unknown_source_on_the_card(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    problem = only(check({"cards/a.yaml": "cards:\n" + BASIC + "    source: {ref: book, section: S}\n"}))
    assert places([problem]) == [("cards/a.yaml", 6, 19, "unknown-source")]
    assert problem.message == "source 'book' is not declared under 'sources' in cards/deck.yaml; known: guide"


def test_an_unknown_source_in_the_defaults_is_reported_once_at_the_defaults(
        check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": "defaults:\n  source: {ref: book, section: S}\ncards:\n" + BASIC
                    + BASIC.replace("basic-card", "second-card")})
    assert places(result.problems) == [("cards/a.yaml", 2, 17, "unknown-source")]


def test_a_card_without_a_source(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    problem = only(check({"cards/a.yaml": "cards:\n" + BASIC}))
    assert places([problem]) == [("cards/a.yaml", 2, 5, "missing-source")]
    assert problem.message == ("card 'basic-card' names no source: add 'source: {ref: ..., section: ...}' to it or to "
                               "the file's defaults")


def test_a_distractor_equal_to_the_answer(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    problem = only(check({"cards/a.yaml": HEAD + MCQ.format(answer="Yes", distractors="No, ' yes '")}))
    assert places([problem]) == [("cards/a.yaml", 8, 23, "mcq-duplicate-option")]
    assert problem.message == "this distractor is the same as the answer"


MISSPELT = "  - id: typo\n    kind: basic\n    front: F\n    bak: B\n"


def test_an_invalid_card_does_not_make_its_neighbours_unknown(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    definition = "  - id: value\n    kind: definition\n    term: Value\n    definition: Worth.\n"
    result = check({"cards/a.yaml": HEAD + definition + MISSPELT, "cards/b.yaml": HEAD + EXAMPLE.format(concept="value")})
    assert places(result.problems) == [("cards/a.yaml", 8, 5, "schema-required"),
                                       ("cards/a.yaml", 11, 5, "schema-additionalProperties")]


def test_a_reference_to_an_invalid_card_reports_only_that_cards_errors(
        check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": HEAD + MISSPELT, "cards/b.yaml": HEAD + EXAMPLE.format(concept="typo")})
    assert places(result.problems) == [("cards/a.yaml", 4, 5, "schema-required"),
                                       ("cards/a.yaml", 7, 5, "schema-additionalProperties")]


def test_the_valid_cards_of_a_file_with_a_schema_error_are_still_checked(
        check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": HEAD + MCQ.format(answer="Yes", distractors="No, yes") + MISSPELT})
    assert places(result.problems) == [("cards/a.yaml", 8, 23, "mcq-duplicate-option"),
                                       ("cards/a.yaml", 10, 5, "schema-required"),
                                       ("cards/a.yaml", 13, 5, "schema-additionalProperties")]


# --- cloze syntax, at the exact character ------------------------------------------------------------

def cloze(text: str) -> str:
    """A card file whose one cloze card has `text` on line 6, from column 11 (after '    text: ')."""
    return HEAD + f"  - id: a-cloze\n    kind: cloze\n    text: {text}\n"


def cloze_block(*lines: str) -> str:
    """A card file whose one cloze card's `|` text starts on line 7, indented six spaces."""
    return HEAD + "  - id: a-cloze\n    kind: cloze\n    text: |\n" + "".join(f"      {line}\n" for line in lines)


@pytest.mark.parametrize(("text", "expected", "message"), [
    pytest.param(cloze("No deletions here."), (6, 11, "cloze-missing"),
                 "a cloze needs at least one deletion, written {{c1::text}}", id="missing"),
    pytest.param(cloze('"Value is {{c0::x}}."'), (6, 21, "cloze-number"), "cloze numbers start at c1, not c0",
                 id="c0-double-quoted"),
    pytest.param(cloze('"A {{c1::b {{c2::c}} d}}"'), (6, 22, "cloze-nested"), "c2 opens inside c1: deletions may not nest",
                 id="nested"),
    pytest.param(cloze("'A {{c1::b'"), (6, 14, "cloze-unclosed"), "c1 is not closed with '}}'", id="unclosed-single-quoted"),
    pytest.param(cloze('"A {{c1:x}} and {{c2::y}}"'), (6, 14, "cloze-syntax"),
                 "'{{c1:' is not a cloze deletion: write {{c1::text}}", id="single-colon"),
    pytest.param(cloze('"A {{c1::}} and {{c2::y}}"'), (6, 14, "cloze-empty"),
                 "c1 hides nothing: put the text to hide after '::'", id="empty"),
    pytest.param(cloze('"A {{c1::::only a hint}} and {{c2::y}}"'), (6, 14, "cloze-empty"),
                 "c1 hides nothing: put the text to hide after '::'", id="only-a-hint"),
    pytest.param(cloze("The {{c1::plain}} and {{c0::zero}}"), (6, 33, "cloze-number"),
                 "cloze numbers start at c1, not c0", id="c0-plain"),
    pytest.param(cloze_block("First line.", "Then {{c0::x}} here."), (8, 12, "cloze-number"),
                 "cloze numbers start at c1, not c0", id="c0-block"),
    pytest.param(cloze_block("First {{c1::ok}} line.", "  Then {{c2::x here."), (8, 14, "cloze-unclosed"),
                 "c2 is not closed with '}}'", id="unclosed-block-indented-line"),
    pytest.param(cloze_block("Fine {{c1::ok}}.", "", "Then {{ c2 :: x}}."), (9, 12, "cloze-syntax"),
                 "'{{ c2 ::' is not a cloze deletion: write {{c1::text}}", id="spaced-block-after-blank-line"),
])
def test_cloze_problems_point_at_the_deletion(check: Callable[[dict[str, str]], ProjectResult], text: str,
                                              expected: tuple[int, int, str], message: str) -> None:
    problem = only(check({"cards/a.yaml": text}))
    assert places([problem]) == [("cards/a.yaml", *expected)]
    assert problem.message == message
    line = text.splitlines()[problem.line - 1]
    if problem.rule != "cloze-missing":
        assert line[problem.column - 1:].startswith("{{")


def test_every_cloze_problem_in_a_text_is_reported(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    result = check({"cards/a.yaml": cloze('"{{c0::a}} {{c1:b}} {{c2::}} {{c3::d"')})
    assert places(result.problems) == [
        ("cards/a.yaml", 6, 12, "cloze-number"),
        ("cards/a.yaml", 6, 22, "cloze-syntax"),
        ("cards/a.yaml", 6, 31, "cloze-empty"),
        ("cards/a.yaml", 6, 40, "cloze-unclosed"),
    ]


# --- images --------------------------------------------------------------------------------------

def with_image(src: str) -> str:
    """A card file whose card's front shows an image; its '](' is on line 6, column 24."""
    return HEAD + f"  - id: pictured\n    kind: basic\n    front: 'See ![chart]({src}) here'\n    back: B\n"


@pytest.mark.parametrize(("src", "extra_files", "rule", "message"), [
    pytest.param("img/nope.png", {}, "image-missing",
                 "image 'img/nope.png' does not exist (looked for cards/img/nope.png)", id="missing"),
    pytest.param("../../x.png", {}, "image-outside-project",
                 "image '../../x.png' points outside the project: keep images inside the project folder", id="outside-project"),
    pytest.param("https://example.com/a.png", {}, "image-remote",
                 "image 'https://example.com/a.png' would be loaded from the network, which phones often lack: put "
                 "the file in the project and link it by a relative path", id="remote"),
    pytest.param("//example.com/a.png", {}, "image-remote",
                 "image '//example.com/a.png' would be loaded from the network, which phones often lack: put the file "
                 "in the project and link it by a relative path", id="protocol-relative"),
    pytest.param("data:image/png;base64,AAAA", {}, "image-embedded",
                 "embedded data images are not supported: put the file in the project and link it by a relative path",
                 id="embedded"),
    pytest.param("img/doc.pdf", {"cards/img/doc.pdf": b"%PDF-1.4"}, "image-type",
                 "image 'img/doc.pdf' is not a .gif, .jpeg, .jpg, .png, .svg, .webp file", id="wrong-type"),
])
def test_image_problems(check: Callable[[dict[str, str | bytes]], ProjectResult], src: str,
                        extra_files: dict[str, bytes], rule: str, message: str) -> None:
    problem = only(check({"cards/a.yaml": with_image(src), **extra_files}))
    assert places([problem]) == [("cards/a.yaml", 6, 24, rule)]
    assert problem.message == message


def test_an_image_in_a_block_is_located_on_its_line(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    text = HEAD + "  - id: pictured\n    kind: basic\n    front: |\n      Look:\n\n      ![c](nope.png)\n    back: B\n"
    assert places(check({"cards/a.yaml": text}).problems) == [("cards/a.yaml", 9, 10, "image-missing")]


def test_an_image_after_a_link_is_located_on_the_image(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    text = HEAD + "  - id: pictured\n    kind: basic\n    front: '[a link](https://x.org) and ![c](nope.png)'\n    back: B\n"
    problem = only(check({"cards/a.yaml": text}))
    image_starts = text.splitlines()[5].index("![c]") + 1
    assert (problem.line, problem.rule) == (6, "image-missing")
    assert image_starts <= problem.column < image_starts + len("![c](nope.png)")


@pytest.mark.parametrize(("src", "location"), [
    pytest.param("img/chart.png", "cards/img/chart.png", id="beside-the-cards"),
    pytest.param("../assets/chart.png", "assets/chart.png", id="elsewhere-in-the-project"),
])
def test_a_present_image_passes_and_is_packaged(check: Callable[[dict[str, str | bytes]], ProjectResult],
                                                src: str, location: str) -> None:
    result = check({"cards/a.yaml": with_image(src), location: PNG})
    assert result.problems == []
    compiled = result.decks[0].compiled
    assert compiled is not None
    (media,) = compiled.media
    assert media.path == Path(location).resolve()
    assert media.name.startswith("ad-chart-") and media.name.endswith(".png")
    assert f'src="{media.name}"' in compiled.notes[0].field("Front")


# --- warnings, orphans and many files at once ---------------------------------------------------------

def test_raw_html_is_a_warning_and_the_deck_still_loads(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    text = HEAD + "  - id: a\n    kind: basic\n    front: F <b>bold</b>\n    back: B\n"
    result = check({"cards/a.yaml": text})
    problem = only(result)
    assert places([problem]) == [("cards/a.yaml", 6, 12, "raw-html")]
    assert problem.severity is Severity.WARNING
    assert problem.message == "HTML in the text is shown as typed, not interpreted: use Markdown instead"
    assert result.errors == []
    assert result.decks[0].deck is not None


def test_a_card_file_outside_every_deck_is_an_orphan(make_project: Callable[[dict[str, str]], Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cards = make_project({"cards/itil/deck.yaml": DECK_YAML, "cards/itil/a.yaml": HEAD + BASIC,
                          "cards/stray/b.yaml": "\tnot even YAML\n"})
    monkeypatch.chdir(cards.parent)
    result = check_project(Path("cards"), now=NOW)
    problem = only(result)
    assert places([problem]) == [("cards/stray/b.yaml", 1, 1, "no-deck")]
    assert problem.message == "this card file has no deck.yaml in its folder or above it"
    assert result.decks[0].deck is not None


def test_a_deck_without_card_files_is_a_warning(check: Callable[[dict[str, str]], ProjectResult]) -> None:
    problem = only(check({}))
    assert places([problem]) == [("cards/deck.yaml", 1, 1, "no-cards")]
    assert problem.severity is Severity.WARNING


def test_every_problem_in_every_file_is_reported_in_one_run(check: Callable[[dict[str, str | bytes]], ProjectResult]
                                                            ) -> None:
    result = check({
        "cards/deck.yaml": DECK_YAML.replace("name: Test deck", "name: Test deck\nname: Again"),
        "cards/a.yaml": HEAD + BASIC,
        "cards/b-syntax.yaml": "cards: [\n",
        "cards/c-schema.yaml": HEAD + "  - id: Bad\n    kind: basic\n    front: F\n",
        "cards/d-bytes.yaml": b"cards:\n  - id: \xff\n",
        "cards/e-tab.yaml": "cards:\n\t- id: x\n",
        "cards/sub/f-cloze.yaml": cloze("'{{c0::x}}'"),
    })
    assert places(result.problems) == [
        ("cards/b-syntax.yaml", 2, 1, "yaml-syntax"),
        ("cards/c-schema.yaml", 4, 5, "schema-required"),
        ("cards/c-schema.yaml", 4, 9, "schema-pattern"),
        ("cards/d-bytes.yaml", 2, 9, "encoding"),
        ("cards/deck.yaml", 4, 1, "yaml-duplicate-key"),
        ("cards/e-tab.yaml", 2, 1, "yaml-tab"),
        ("cards/sub/f-cloze.yaml", 6, 12, "cloze-number"),  # checked even while the manifest is broken
    ]
    result = check({"cards/deck.yaml": DECK_YAML})
    assert places(result.problems) == [
        ("cards/b-syntax.yaml", 2, 1, "yaml-syntax"),
        ("cards/c-schema.yaml", 4, 5, "schema-required"),
        ("cards/c-schema.yaml", 4, 9, "schema-pattern"),
        ("cards/d-bytes.yaml", 2, 9, "encoding"),
        ("cards/e-tab.yaml", 2, 1, "yaml-tab"),
        ("cards/sub/f-cloze.yaml", 6, 12, "cloze-number"),
    ]
