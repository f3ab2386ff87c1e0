"""Load YAML source files safely and strictly, keeping the line and column of every value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.problems import Position, Problem, error

# A path into a document: mapping keys and list indexes, e.g. ("cards", 3, "term").
DataPath = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

# YAML 1.2 core schema words; every other plain scalar stays the text the author typed
# (no YAML 1.1 yes/no/on/off booleans, dates, sexagesimal or octal numbers).
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"", "~", "null", "Null", "NULL"}
_MAX_DEPTH = 32
_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")


class _AliasFound(yaml.MarkedYAMLError):
    """An alias (*name): refused where it is written, before it can share or repeat a node."""


class _ComposeOnlyLoader(yaml.SafeLoader):
    """Builds the node graph without resolving any plain scalar to a non-string tag, and without aliases."""

    yaml_implicit_resolvers: dict = {}

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(problem="aliases are not supported: write the value out", problem_mark=self.peek_event().start_mark)
        return super().compose_node(parent, index)


@dataclass(frozen=True)
class ScalarSpan:
    """What is needed to find a character of a string value in the file."""

    start: Position
    style: str | None  # None for plain, '"' or "'" for quoted, '|' or '>' for block
    indent: int  # block scalars: the content's indentation (0-based columns)
    source: str = ""  # flow scalars: the scalar as written, quotes included


@dataclass
class Document:
    """A loaded YAML file: plain Python data plus where each value and key stands."""

    path: Path
    data: Any
    positions: dict[DataPath, Position] = field(default_factory=dict)
    key_positions: dict[DataPath, Position] = field(default_factory=dict)
    spans: dict[DataPath, ScalarSpan] = field(default_factory=dict)

    def position(self, at: DataPath) -> Position:
        """The position of the value at `at`, or of its nearest enclosing value."""
        while at not in self.positions and at:
            at = at[:-1]
        return self.positions.get(at, Position(1, 1))

    def value(self, at: DataPath) -> Any:
        return _get(self.data, at)

    def key_position(self, at: DataPath) -> Position:
        """The position of the key that holds the value at `at` (the value's own for list items)."""
        return self.key_positions.get(at) or self.position(at)

    def locate(self, at: DataPath, offset: int) -> Position:
        """The position of character `offset` of the string at `at`, as exactly as its style allows."""
        span = self.spans.get(at)
        if span is None:
            return self.position(at)
        value = _get(self.data, at)
        if not isinstance(value, str) or offset > len(value):
            return span.start
        before = value[:offset]
        line_no = before.count("\n")
        if span.style == "|":
            column = len(before) - (before.rfind("\n") + 1)
            return Position(span.start.line + 1 + line_no, span.indent + 1 + column)
        if span.style in (None, '"', "'"):
            quote = 0 if span.style is None else 1
            if span.source[quote : quote + len(value)] == value:  # one line, no escapes: characters map one to one
                return Position(span.start.line, span.start.column + quote + offset)
        return span.start


def _get(data: Any, at: DataPath) -> Any:
    for step in at:
        data = data[step]
    return data


def load_document(path: Path) -> tuple[Document | None, list[Problem]]:
    """Read and parse one YAML file; return the document, or None and the problems that stop it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [error(path, Position(0, 0), "read-error", f"cannot read the file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        index = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)  # utf-8-sig counts after the mark
        return None, [error(path, _byte_position(raw, index), "encoding", f"the file is not UTF-8 text (byte 0x{raw[index]:02x}); save it as UTF-8")]
    return parse_document(path, text)


def parse_document(path: Path, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a Document, reporting syntax errors with their place."""
    separator = _LINE_SEPARATORS.search(text)
    if separator:
        return None, [error(path, _text_position(text, separator.start()), "yaml-character",
                            f"line separator U+{ord(separator.group()):04X} is not allowed: YAML readers take it for a line break; use an ordinary line break")]
    loader = None
    try:
        loader = _ComposeOnlyLoader(text)
        node = loader.get_single_node()
    except _AliasFound as exc:
        mark = exc.problem_mark
        return None, [error(path, Position(mark.line + 1, mark.column + 1), "yaml-alias", exc.problem)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(path, text, exc)]
    except yaml.reader.ReaderError as exc:
        return None, [error(path, _text_position(text, exc.position), "yaml-character", f"control character U+{exc.character:04X} is not allowed in YAML text")]
    except yaml.YAMLError as exc:
        return None, [error(path, Position(1, 1), "yaml-syntax", str(exc).splitlines()[0])]
    except RecursionError:
        return None, [error(path, Position(1, 1), "yaml-too-deep", "the file nests too deeply to read")]
    finally:
        if loader is not None:
            loader.dispose()
    if node is None or (isinstance(node, yaml.ScalarNode) and node.style is None and node.value in _NULLS):
        return None, [error(path, Position(1, 1), "empty-file", "the file holds no YAML document")]
    document = Document(path, None)
    problems: list[Problem] = []
    document.data = _Builder(document, problems).build(node, ())
    if not problems and not isinstance(document.data, dict):
        problems.append(error(path, _mark(node), "not-a-mapping", f"the file must be a mapping of keys to values, not {_describe(document.data)}"))
    return (None if any(p.is_error for p in problems) else document), problems


class _Builder:
    """Turns PyYAML nodes into plain data, recording positions and refusing what a source may not use."""

    def __init__(self, document: Document, problems: list[Problem]) -> None:
        self.document = document
        self.problems = problems

    def build(self, node: yaml.Node, at: DataPath) -> Any:
        if len(at) > _MAX_DEPTH:
            self._fail(node, "yaml-too-deep", f"values nest more than {_MAX_DEPTH} levels deep here: no card needs that")
            return None
        self.document.positions[at] = _mark(node)
        if node.tag not in (_STR, _MAP, _SEQ):
            self._fail(node, "yaml-tag", f"explicit tag {node.tag!r} is not supported: remove it")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, at + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, at)

    def _mapping(self, node: yaml.MappingNode, at: DataPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                buffer = node.start_mark.buffer or ""
                if buffer.startswith("{{", node.start_mark.index):
                    self._fail(node, "yaml-syntax", "a value that starts with '{{' must be in quotes: YAML reads braces as a mapping")
                else:
                    self._fail(key_node, "yaml-key", "keys must be plain text")
                continue
            key = key_node.value
            if key in result:
                first = self.document.key_positions[at + (key,)]
                self._fail(key_node, "yaml-duplicate-key", f"duplicate key {key!r} (first given at line {first.line})")
                continue
            self.document.key_positions[at + (key,)] = _mark(key_node)
            result[key] = self.build(value_node, at + (key,))
        return result

    def _scalar(self, node: yaml.ScalarNode, at: DataPath) -> Any:
        if node.style is None:
            if node.value in _BOOLEANS:
                return _BOOLEANS[node.value]
            if node.value in _NULLS:
                return None
        indent = 0
        source = ""
        if node.style in ("|", ">"):
            first = next((line for line in node.value.split("\n") if line.strip()), "")
            indent = _block_indent(node) - (len(first) - len(first.lstrip(" ")))  # |N keeps extra spaces in the value
        else:
            source = (node.start_mark.buffer or "")[node.start_mark.index : node.end_mark.index]
        self.document.spans[at] = ScalarSpan(_mark(node), node.style, indent, source)
        return node.value

    def _fail(self, node: yaml.Node, rule: str, message: str) -> None:
        self.problems.append(error(self.document.path, _mark(node), rule, message))


def _block_indent(node: yaml.ScalarNode) -> int:
    """The indentation of a block scalar's first content line, read from the source buffer."""
    buffer = node.start_mark.buffer or ""
    start = buffer.find("\n", node.start_mark.index)
    if start < 0:
        return 0
    for line in buffer[start + 1 : node.end_mark.index].split("\n"):
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _syntax_problem(path: Path, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    at = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
    lines = text.splitlines()
    line = lines[at.line - 1] if 0 < at.line <= len(lines) else ""
    indentation = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in indentation:
        return error(path, at, "yaml-tab", "a tab is used for indentation: YAML indents with spaces")
    if mark and mark.index < len(text) and text[mark.index] == "\t":
        return error(path, at, "yaml-tab", "a tab is not allowed here: use spaces, or put the text in quotes")
    if re.search(r":\s+\{\{", line):
        return error(path, at, "yaml-syntax", "a value that starts with '{{' must be in quotes: YAML reads braces as a mapping")
    problem = exc.problem or "invalid YAML"
    opened = exc.context_mark
    started = ""
    if opened and exc.problem_mark and (opened.line, opened.column) != (exc.problem_mark.line, exc.problem_mark.column):
        started = f"line {opened.line + 1}, column {opened.column + 1}"
    for (problem_start, context), plain in _PLAIN_SYNTAX_MESSAGES.items():
        if problem.startswith(problem_start) and (context is None or exc.context == context):
            return error(path, at, "yaml-syntax", plain.format(started=started or "above"))
    context = f" ({exc.context})" if exc.context else ""
    if started:
        context += f", started at {started}"
    return error(path, at, "yaml-syntax", f"{problem}{context}")


# PyYAML's wording for the mistakes authors make most, said in the author's terms.
_PLAIN_SYNTAX_MESSAGES = {
    ("mapping values are not allowed here", None):
        "a ': ' inside an unquoted value: put the whole value in quotes, or use a block (| or >)",
    ("found unexpected end of stream", "while scanning a quoted scalar"):
        "the quoted text that starts at {started} is never closed",
    ("found unexpected end of stream", "while scanning a double-quoted scalar"):
        "the quoted text that starts at {started} is never closed",
    ("but found another document", None):
        "a file holds one YAML document: remove the '---' that starts a second one",
    ("expected <block end>, but found", None):
        "this line's indentation does not fit the lines above it",
    ("found character '`' that cannot start any token", None):
        "a value may not start with '`': put the whole value in quotes",
    ("found character '@' that cannot start any token", None):
        "a value may not start with '@': put the whole value in quotes",
}


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _byte_position(raw: bytes, index: int) -> Position:
    """The line and column, in characters as an editor counts them, of a byte that is not UTF-8."""
    line_start = raw.rfind(b"\n", 0, index) + 1
    if line_start == 0 and raw.startswith(b"\xef\xbb\xbf"):
        line_start = 3  # editors do not show the byte-order mark
    column = len(raw[line_start:index].decode("utf-8", errors="replace")) + 1
    return Position(raw.count(b"\n", 0, index) + 1, column)


def _text_position(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return f"a single value ({value!r})"
