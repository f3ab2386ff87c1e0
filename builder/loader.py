"""Load YAML source files safely and strictly, keeping the line and column of every value."""

from __future__ import annotations

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


class _ComposeOnlyLoader(yaml.SafeLoader):
    """Builds the node graph without resolving any plain scalar to a non-string tag."""

    yaml_implicit_resolvers: dict = {}


@dataclass(frozen=True)
class ScalarSpan:
    """What is needed to find a character of a string value in the file."""

    start: Position
    style: str | None  # None for plain, '"' or "'" for quoted, '|' or '>' for block
    indent: int  # block scalars: the content's indentation (0-based columns)


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
        if span.style in (None, '"', "'") and "\n" not in value:
            quote = 0 if span.style is None else 1
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
        return None, [error(path, _byte_position(raw, exc.start), "encoding", f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8")]
    return parse_document(path, text)


def parse_document(path: Path, text: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text into a Document, reporting syntax errors with their place."""
    loader = None
    try:
        loader = _ComposeOnlyLoader(text)
        node = loader.get_single_node()
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
    if node is None:
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
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, at: DataPath) -> Any:
        if id(node) in self.seen:  # the composer hands back the same node object for an alias
            self._fail(node, "yaml-alias", "anchors and aliases are not supported: write the value out")
            return None
        self.seen.add(id(node))
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
        if node.style in ("|", ">"):
            indent = _block_indent(node)
        self.document.spans[at] = ScalarSpan(_mark(node), node.style, indent)
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
    if "\t" in indentation or (mark and mark.index < len(text) and text[mark.index] == "\t"):
        return error(path, at, "yaml-tab", "a tab is used for indentation: YAML indents with spaces")
    problem = exc.problem or "invalid YAML"
    context = f" ({exc.context})" if exc.context else ""
    return error(path, at, "yaml-syntax", f"{problem}{context}")


def _mark(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _byte_position(raw: bytes, index: int) -> Position:
    line_start = raw.rfind(b"\n", 0, index) + 1
    return Position(raw.count(b"\n", 0, index) + 1, index - line_start + 1)


def _text_position(text: str, index: int) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return Position(text.count("\n", 0, index) + 1, index - line_start + 1)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "an empty value"
    return f"a single value ({value!r})"
