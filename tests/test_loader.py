"""Loading YAML sources: every way a file can fail to load, where it is reported, and text kept as typed."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Callable

import pytest
from conftest import ALL_KINDS_YAML, DECK_YAML

from builder.loader import Document, load_document, parse_document
from builder.pipeline import check_project
from builder.problems import Position, Problem, Severity

SOURCE = Path("cards/source.yaml")


def parsed(text: str) -> Document:
    """Parse text that must load without a problem."""
    document, problems = parse_document(SOURCE, text)
    assert problems == []
    assert document is not None
    return document


def only_problem(text: str) -> Problem:
    """Parse text that must fail with exactly one problem, and return it."""
    document, problems = parse_document(SOURCE, text)
    assert document is None
    assert len(problems) == 1, problems
    assert problems[0].severity is Severity.ERROR
    assert problems[0].path == str(SOURCE)
    return problems[0]


def where(problem: Problem) -> tuple[int, int, str]:
    return problem.line, problem.column, problem.rule


# --- each error class, with its exact place -------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("term: Value: the benefits\n", (1, 12, "yaml-syntax"), id="colon-in-plain-value"),
    pytest.param("a: [1, 2\nb: 3\n", (2, 2, "yaml-syntax"), id="unclosed-flow-sequence"),
    pytest.param("a: {b: 1\n", (2, 1, "yaml-syntax"), id="unclosed-flow-mapping-at-end"),
    pytest.param('a: "abc\nb: 1\n', (3, 1, "yaml-syntax"), id="unclosed-double-quote"),
    pytest.param("cards:\n  - id: x\n   kind: basic\n", (3, 4, "yaml-syntax"), id="bad-indentation"),
    pytest.param("a: 'it's'\n", (1, 8, "yaml-syntax"), id="quote-inside-single-quotes"),
    pytest.param("a: @x\n", (1, 4, "yaml-syntax"), id="reserved-character"),
    pytest.param('a: "x\\q"\n', (1, 7, "yaml-syntax"), id="unknown-escape"),
    pytest.param("a: 1\n---\nb: 2\n", (2, 1, "yaml-syntax"), id="second-document"),
])
def test_syntax_errors_are_reported_where_the_parser_stopped(text: str, expected: tuple[int, int, str]) -> None:
    assert where(only_problem(text)) == expected


def test_syntax_error_message_names_what_was_expected() -> None:
    problem = only_problem("a: [1, 2\nb: 3\n")
    assert problem.message == ("expected ',' or ']', but got ':' (while parsing a flow sequence), "
                               "started at line 1, column 4")


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("cards:\n\t- id: x\n", (2, 1), id="tab-before-list-item"),
    pytest.param("a:\n  b: 1\n\tc: 2\n", (3, 1), id="tab-after-spaces-elsewhere"),
    pytest.param("text: |\n  line\n\tmore\n", (3, 1), id="tab-in-block-scalar-indentation"),
])
def test_tabs_are_reported_as_yaml_tab(text: str, expected: tuple[int, int]) -> None:
    problem = only_problem(text)
    assert where(problem) == (*expected, "yaml-tab")
    assert problem.message == "a tab is used for indentation: YAML indents with spaces"


def test_a_tab_inside_a_plain_value_is_reported_as_yaml_tab() -> None:
    problem = only_problem("a:\t1\n")
    assert where(problem) == (1, 3, "yaml-tab")
    assert problem.message == "a tab is not allowed here: use spaces, or put the text in quotes"


def test_a_tab_inside_a_plain_value_is_refused_where_it_stands() -> None:
    # PyYAML cannot read a tab between words of an unquoted value; quoting the text is the way out.
    assert where(only_problem("a: b\tc\n")) == (1, 5, "yaml-tab")


@pytest.mark.parametrize(("text", "value"), [
    pytest.param('a: "b\tc"\n', "b\tc", id="double-quoted"),
    pytest.param("a: 'b\tc'\n", "b\tc", id="single-quoted"),
    pytest.param("a: |\n  x\ty\n", "x\ty\n", id="block"),
    pytest.param("a: x  # a\tcomment\n", "x", id="comment"),
])
def test_tabs_inside_quoted_text_block_text_and_comments_are_fine(text: str, value: str) -> None:
    assert parsed(text).data == {"a": value}


@pytest.mark.parametrize(("raw", "expected", "byte"), [
    pytest.param("a: caf\xe9\n".encode("latin-1"), (1, 7), "0xe9", id="latin-1-on-line-1"),
    pytest.param(b"a: 1\nb: x\xff\xfey\n", (2, 5), "0xff", id="invalid-byte-on-line-2"),
    pytest.param("a: 1\n".encode("utf-16"), (1, 1), "0xff", id="utf-16"),
])
def test_undecodable_bytes_are_reported_at_the_byte(tmp_path: Path, raw: bytes, expected: tuple[int, int], byte: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(raw)
    document, problems = load_document(path)
    assert document is None
    assert [where(p) for p in problems] == [(*expected, "encoding")]
    assert problems[0].message == f"the file is not UTF-8 text (byte {byte}); save it as UTF-8"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfterm: caf\xc3\xa9\n")
    document, problems = load_document(path)
    assert problems == []
    assert document is not None and document.data == {"term": "café"}


def test_an_unreadable_file_is_reported_not_raised(tmp_path: Path) -> None:
    document, problems = load_document(tmp_path / "missing.yaml")
    assert document is None
    assert [(p.line, p.column, p.rule) for p in problems] == [(0, 0, "read-error")]


@pytest.mark.parametrize(("text", "expected", "code"), [
    pytest.param("a: b\x07c\n", (1, 5), "0007", id="bell-in-value"),
    pytest.param("a: b\nc: \x00\n", (2, 4), "0000", id="nul-on-line-2"),
    pytest.param("a: 1\n\x1b[31m: 2\n", (2, 1), "001B", id="escape-at-line-start"),
])
def test_control_characters_are_reported_at_the_character(text: str, expected: tuple[int, int], code: str) -> None:
    problem = only_problem(text)
    assert where(problem) == (*expected, "yaml-character")
    assert problem.message == f"control character U+{code} is not allowed in YAML text"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "~\n", "---\n", "--- # nothing\n"])
def test_a_file_without_a_document_is_an_empty_file(text: str) -> None:
    problem = only_problem(text)
    assert where(problem) == (1, 1, "empty-file")


@pytest.mark.parametrize(("text", "expected", "described"), [
    pytest.param("- a\n- b\n", (1, 1), "a list", id="list"),
    pytest.param("# cards\nhello\n", (2, 1), "a single value ('hello')", id="scalar"),
])
def test_a_document_that_is_not_a_mapping_is_refused(text: str, expected: tuple[int, int], described: str) -> None:
    problem = only_problem(text)
    assert where(problem) == (*expected, "not-a-mapping")
    assert problem.message == f"the file must be a mapping of keys to values, not {described}"


def test_a_duplicate_key_is_reported_at_the_second_key() -> None:
    problem = only_problem("cards:\n  - id: a\n    front: F\n    back: B\n    front: G\n")
    assert where(problem) == (5, 5, "yaml-duplicate-key")
    assert problem.message == "duplicate key 'front' (first given at line 3)"


def test_every_duplicate_key_in_a_file_is_reported() -> None:
    document, problems = parse_document(SOURCE, "a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n")
    assert document is None
    assert [where(p) for p in problems] == [(3, 1, "yaml-duplicate-key"), (6, 3, "yaml-duplicate-key")]


def test_a_duplicate_key_is_found_with_windows_line_endings() -> None:
    assert where(only_problem("a: 1\r\nb: 2\r\na: 3\r\n")) == (3, 1, "yaml-duplicate-key")


@pytest.mark.parametrize("text", ["a: &x 1\nb: *x\n", "a: &x {k: v}\nb: *x\n"])
def test_aliases_are_refused_where_they_are_written(text: str) -> None:
    problem = only_problem(text)
    assert where(problem) == (2, 4, "yaml-alias")
    assert problem.message == "aliases are not supported: write the value out"


def test_a_self_referencing_alias_is_refused_without_recursing() -> None:
    assert where(only_problem("cards: &a [*a]\n")) == (1, 12, "yaml-alias")


@pytest.mark.parametrize(("text", "tag"), [
    pytest.param("a: !!python/object/apply:os.system ['echo hacked']\n", "tag:yaml.org,2002:python/object/apply:os.system", id="python-apply"),
    pytest.param("a: !!python/name:os.system\n", "tag:yaml.org,2002:python/name:os.system", id="python-name"),
    pytest.param("a: !!binary aGk=\n", "tag:yaml.org,2002:binary", id="binary"),
    pytest.param("a: !!int 3\n", "tag:yaml.org,2002:int", id="int"),
    pytest.param("a: !custom x\n", "!custom", id="local-tag"),
])
def test_explicit_tags_are_refused_and_never_constructed(text: str, tag: str) -> None:
    problem = only_problem(text)
    assert where(problem) == (1, 4, "yaml-tag")
    assert problem.message == f"explicit tag {tag!r} is not supported: remove it"


def test_a_non_text_key_is_refused() -> None:
    assert where(only_problem("? [a, b]\n: 1\n")) == (1, 3, "yaml-key")


@pytest.mark.parametrize("text", [
    pytest.param("a: " + "[" * 100_000 + "]" * 100_000 + "\n", id="closed-flow-sequences"),
    pytest.param("a: " + "[" * 100_000 + "\n", id="unclosed-flow-sequences"),
    pytest.param("a: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n", id="flow-mappings"),
])
def test_deep_nesting_is_refused_quickly(text: str) -> None:
    started = time.monotonic()
    problem = only_problem(text)
    assert where(problem) == (1, 1, "yaml-too-deep")
    assert time.monotonic() - started < 10


def test_nesting_below_the_parser_limit_is_reported_not_raised(make_project: Callable[[dict[str, str]], Path],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    deep = "[" * 300 + "]" * 300
    cards = make_project({"cards/deck.yaml": DECK_YAML, "cards/a.yaml":
                          f"cards:\n  - id: a\n    kind: basic\n    front: F\n    back: B\n    tags: [{deep}, {deep}]\n"})
    monkeypatch.chdir(cards.parent)
    result = check_project(cards, now=1_700_000_000)
    assert {p.path for p in result.errors} == {"cards/a.yaml"}


# --- text stays what the author typed ----------------------------------------------------------------

# YAML 1.1 (PyYAML's default) reads these as booleans, dates, numbers or null; here they are text.
AS_TYPED = ["yes", "no", "Yes", "NO", "on", "off", "y", "n", "2024-01-01", "2024-01-01 10:00:00", "1_000", "0o17",
            "012", "0x1F", "0b101", "1:30", "190:20:30", ".inf", "-.inf", ".nan", "1e3", "3.14", "42", "+1", "tRUE", "<<"]


@pytest.mark.parametrize("word", AS_TYPED)
def test_plain_words_stay_exactly_as_typed(word: str) -> None:
    assert parsed(f"answer: {word}\nlist: [{word}, x]\n").data == {"answer": word, "list": [word, "x"]}


@pytest.mark.parametrize("word", ["yes", "on", "2024-01-01", "012"])
def test_words_as_keys_stay_text(word: str) -> None:
    assert parsed(f"{word}: 1\n").data == {word: "1"}


@pytest.mark.parametrize(("word", "value"), [
    ("true", True), ("True", True), ("TRUE", True), ("false", False), ("False", False), ("FALSE", False),
    ("null", None), ("Null", None), ("NULL", None), ("~", None), ("", None),
])
def test_core_schema_booleans_and_nulls_are_read_as_such(word: str, value: bool | None) -> None:
    assert parsed(f"v: {word}\n").data["v"] is value


@pytest.mark.parametrize("word", ["true", "false", "null", "~", "yes"])
def test_quoted_words_are_always_text(word: str) -> None:
    assert parsed(f"a: '{word}'\nb: \"{word}\"\n").data == {"a": word, "b": word}


def test_block_scalars_keep_their_lines() -> None:
    document = parsed("lit: |\n  one\n    two\n\n  three\nfold: >-\n  one\n  two\n")
    assert document.data == {"lit": "one\n  two\n\nthree\n", "fold": "one two"}


def test_a_next_line_character_does_not_silently_change_the_text() -> None:
    document, problems = parse_document(SOURCE, "a: 'b\x85c'\n")
    kept = document is not None and document.data == {"a": "b\x85c"}
    reported = [where(p) for p in problems] == [(1, 6, "yaml-character")]
    assert kept or reported


def test_line_numbers_after_a_line_separator_match_an_editor() -> None:
    _, problems = parse_document(SOURCE, 'a: "b\u2028c"\nb: 1\nb: 2\n')
    # Either the character itself is refused (line 1), or the duplicate is found on line 3, as an editor numbers it.
    assert [p.line for p in problems] in ([1], [3])


# --- positions ------------------------------------------------------------------------------------

POSITIONS_YAML = """\
cards:
  - id: first-card
    front: Front text
    text: |
      First line
        indented {{c1::x}}
      third
"""


def test_positions_of_values_and_keys() -> None:
    document = parsed(POSITIONS_YAML)
    assert document.position(("cards", 0)) == Position(2, 5)
    assert document.position(("cards", 0, "front")) == Position(3, 12)
    assert document.key_position(("cards", 0, "front")) == Position(3, 5)
    # A path that does not exist falls back to its nearest existing parent.
    assert document.position(("cards", 0, "back")) == Position(2, 5)


@pytest.mark.parametrize(("text", "at", "needle", "expected"), [
    pytest.param(POSITIONS_YAML, ("cards", 0, "text"), "{{c1", Position(6, 18), id="literal-block-indented-line"),
    pytest.param(POSITIONS_YAML, ("cards", 0, "text"), "third", Position(7, 7), id="literal-block-last-line"),
    pytest.param(POSITIONS_YAML, ("cards", 0, "text"), "First", Position(5, 7), id="literal-block-first-character"),
    pytest.param("v: |-\n  x\n\n  y {{c1::z}}\n", ("v",), "{{", Position(4, 5), id="literal-block-after-blank-line"),
    pytest.param("v: |\n\n  after blank {{c1::z}}\n", ("v",), "{{", Position(3, 15), id="literal-block-leading-blank-line"),
    pytest.param("v:\n  - |\n    item {{c1::z}}\n", ("v", 0), "{{", Position(3, 10), id="literal-block-in-list"),
    pytest.param("v: Some plain {{c1::x}} text\n", ("v",), "{{", Position(1, 15), id="plain"),
    pytest.param("v:    spaced  {{c1::x}}\n", ("v",), "{{", Position(1, 15), id="plain-after-extra-spaces"),
    pytest.param("v: 'quoted {{c1::y}}'\n", ("v",), "{{", Position(1, 12), id="single-quoted"),
    pytest.param('v: "dq {{c1::y}}"\n', ("v",), "{{", Position(1, 8), id="double-quoted"),
    pytest.param("v: [first, 'second {{c1::y}}']\n", ("v", 1), "{{", Position(1, 20), id="flow-list-item"),
])
def test_locate_finds_the_exact_character_of_a_string(text: str, at: tuple[str | int, ...], needle: str,
                                                       expected: Position) -> None:
    document = parsed(text)
    value = document.data
    for step in at:
        value = value[step]
    assert document.locate(at, value.index(needle)) == expected
    assert text.splitlines()[expected.line - 1][expected.column - 1:].startswith(needle)


def test_locate_in_a_folded_block_gives_the_block_start() -> None:
    document = parsed("v: >\n  a b\n  c {{c1::y}}\n")
    assert document.locate(("v",), document.data["v"].index("{{")) == Position(1, 4)


def test_locate_without_a_string_gives_the_value_position() -> None:
    document = parsed(POSITIONS_YAML)
    assert document.locate(("cards", 0, "missing"), 3) == Position(2, 5)


@pytest.mark.parametrize(("text", "accepted"), [
    pytest.param("text: Value is the perceived {{c1::benefits}},\n  usefulness and {{c0::x}}.\n",
                 {Position(2, 18), Position(1, 7)}, id="multi-line-plain"),
    pytest.param('text: "tab\\there {{c0::x}}"\n', {Position(1, 18), Position(1, 7)}, id="double-quoted-escape"),
    pytest.param("text: 'it''s {{c0::x}}'\n", {Position(1, 14), Position(1, 7)}, id="single-quoted-escape"),
    pytest.param("text: |2\n    indented {{c0::x}}\n", {Position(2, 14), Position(1, 7)}, id="indentation-indicator"),
])
def test_locate_is_exact_or_falls_back_to_the_start(text: str, accepted: set[Position]) -> None:
    document = parsed(text)
    value = document.data["text"]
    assert document.locate(("text",), value.index("{{c0")) in accepted


# --- robustness: whatever the file holds, the result is problems, never an exception --------------

_SNIPPETS = [b"\t", b"\x00", b"\xff", b"\xc3", b"\xe2\x82", b"{{", b"}}", b"{{c1::", b"::", b":", b"- ", b"-", b"\n",
             b"  ", b"'", b'"', b"[", b"]", b"{", b"}", b"&a ", b"*a", b"!!python/object/apply:os.system ", b"#", b"|",
             b">", b"? ", b"\r", b"![x](../../x.png)", b"![x](x.png)", b"<b>", b"%", b"@", b"`", b"---\n", b"\\"]
_PUNCTUATION = b"abc :-{}[]'\"\n #|>!&*"


def _mutate(rng: random.Random, data: bytes) -> bytes:
    """Delete, duplicate, replace or insert a few pieces of the text."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(out) + 1)
        operation = rng.randrange(4)
        if operation == 0 and out:
            del out[i:i + rng.randint(1, 20)]
        elif operation == 1 and out:
            j = rng.randrange(len(out))
            out[i:i] = out[j:j + rng.randint(1, 40)]
        elif operation == 2 and out:
            out[min(i, len(out) - 1)] = rng.randrange(256) if rng.random() < 0.2 else rng.choice(_PUNCTUATION)
        else:
            out[i:i] = rng.choice(_SNIPPETS)
    return bytes(out)


def test_mutated_card_files_always_give_problems_or_success(make_project: Callable[[dict[str, str]], Path],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cards = make_project({"cards/deck.yaml": DECK_YAML, "cards/a.yaml": ALL_KINDS_YAML})
    monkeypatch.chdir(cards.parent)
    rng = random.Random(20240101)
    original = ALL_KINDS_YAML.encode()
    rules: set[str] = set()
    clean = 0
    started = time.monotonic()
    for _ in range(400):
        data = _mutate(rng, original)
        (cards / "a.yaml").write_bytes(data)
        try:
            result = check_project(cards, now=1_700_000_000)
        except Exception as exc:  # noqa: BLE001  (the point: report which input broke it)
            pytest.fail(f"check_project raised {exc!r} on {data!r}")
        line_count = data.count(b"\n") + 1
        for problem in result.problems:
            assert problem.path == "cards/a.yaml", problem
            assert problem.rule and problem.message, problem
            assert 0 <= problem.line <= line_count and problem.column >= 0, (problem, data)
        if not result.errors:
            assert result.decks[0].deck is not None and len(result.decks[0].deck.cards) >= 1
            clean += 1
        rules.update(p.rule for p in result.problems)
    # The mutations reach every stage: decoding, parsing, the schema and the cross-card checks.
    assert {"encoding", "yaml-syntax", "schema-additionalProperties"} <= rules
    assert clean > 0
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(("text", "expected", "message"), [
    pytest.param("front: Value: the benefits\n", (1, 13),
                 "a ': ' inside an unquoted value: put the whole value in quotes, or use a block (| or >)", id="colon-in-value"),
    pytest.param("text: {{c1::Value}} is perceived\n", (1, 21),
                 "a value that starts with '{{' must be in quotes: YAML reads braces as a mapping", id="cloze-unquoted"),
    pytest.param("text: {{c1::Value}}\n", (1, 7),
                 "a value that starts with '{{' must be in quotes: YAML reads braces as a mapping", id="cloze-only-unquoted"),
    pytest.param("a:\n  b: 1\n c: 2\n", (3, 2), "this line's indentation does not fit the lines above it", id="indentation"),
    pytest.param("front: `code` first\n", (1, 8), "a value may not start with '`': put the whole value in quotes", id="backtick"),
    pytest.param("a: 1\n---\nb: 2\n", (2, 1), "a file holds one YAML document: remove the '---' that starts a second one",
                 id="second-document"),
])
def test_common_mistakes_are_explained_in_the_authors_terms(text: str, expected: tuple[int, int], message: str) -> None:
    problem = only_problem(text)
    assert (problem.line, problem.column) == expected
    assert problem.message == message


@pytest.mark.parametrize(("raw", "expected"), [
    pytest.param(b"\xef\xbb\xbfa: \xff\n", (1, 4), id="after-a-byte-order-mark"),
    pytest.param("é: ".encode() + b"\xff\n", (1, 4), id="after-a-two-byte-character"),
])
def test_an_undecodable_byte_is_placed_in_characters_as_an_editor_counts(tmp_path: Path, raw: bytes,
                                                                          expected: tuple[int, int]) -> None:
    path = tmp_path / "cards.yaml"
    path.write_bytes(raw)
    _, problems = load_document(path)
    assert [(p.line, p.column, p.rule) for p in problems] == [(*expected, "encoding")]
