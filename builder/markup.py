"""Author text to card HTML: Markdown with raw HTML escaped, cloze deletions and project images."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

# html=False makes markdown-it escape any HTML the author types; links to javascript: and
# similar are refused by markdown-it's own link validation.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])


@dataclass(frozen=True)
class ImageRef:
    src: str
    offset: int  # where the reference starts in the text, for messages


@dataclass(frozen=True)
class ClozeDeletion:
    number: int
    text: str  # the hidden text, without the hint
    offset: int


@dataclass(frozen=True)
class ClozeProblem:
    offset: int
    rule: str
    message: str


def render_block(text: str, media: Callable[[str], str] | None = None) -> str:
    """Render Markdown text to HTML; `media` maps an image path to its packaged file name."""
    env: dict = {}
    tokens = _MARKDOWN.parse(text, env)
    _rewrite_images(tokens, media)
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env).strip()


def render_inline(text: str, media: Callable[[str], str] | None = None) -> str:
    """Render a one-line Markdown phrase to HTML without a wrapping paragraph."""
    env: dict = {}
    tokens = _MARKDOWN.parseInline(text, env)
    _rewrite_images(tokens, media)
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env).strip()


def find_images(text: str) -> list[ImageRef]:
    """List the images a Markdown text references, in order."""
    refs: list[ImageRef] = []
    search_from = 0
    for token in _walk(_MARKDOWN.parse(text, {})):
        if token.type == "image":
            src = str(token.attrGet("src") or "")
            start = text.find("![", search_from)
            offset = text.find("](", start) if start >= 0 else -1
            refs.append(ImageRef(src, max(offset, 0)))
            search_from = offset + 1 if offset >= 0 else search_from
    return refs


def has_raw_html(text: str) -> bool:
    """Whether the text holds HTML that will be shown as typed rather than interpreted."""
    return any(token.type in ("html_inline", "html_block") for token in _walk(_HTML_PROBE.parse(text, {})))


_HTML_PROBE = MarkdownIt("commonmark", {"html": True})


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _rewrite_images(tokens: list[Token], media: Callable[[str], str] | None) -> None:
    for token in _walk(tokens):
        if token.type == "image" and media is not None:
            token.attrSet("src", media(str(token.attrGet("src") or "")))


_CLOZE_TOKEN = re.compile(r"\{\{c(\d+)::|\}\}")
_CLOZE_LOOKALIKE = re.compile(r"\{\{\s*[cC]\s*\d+\s*:(?!:)|\{\{\s*[cC]\s*\d+\s*::|\{\{[cC]\d+::")


def parse_cloze(text: str) -> tuple[list[ClozeDeletion], list[ClozeProblem]]:
    """Find the {{cN::text::hint}} deletions of a cloze text and what is wrong with its syntax."""
    deletions: list[ClozeDeletion] = []
    problems: list[ClozeProblem] = []
    open_at: tuple[int, int, int] | None = None  # (number, offset of '{{', offset of the content)
    for match in _CLOZE_TOKEN.finditer(text):
        if match.group(0) != "}}":
            number = int(match.group(1))
            if open_at is not None:
                problems.append(ClozeProblem(match.start(), "cloze-nested", f"c{number} opens inside c{open_at[0]}: deletions may not nest"))
                continue
            if number == 0:
                problems.append(ClozeProblem(match.start(), "cloze-number", "cloze numbers start at c1, not c0"))
            open_at = (number, match.start(), match.end())
        elif open_at is not None:
            number, start, content_start = open_at
            hidden = text[content_start : match.start()].split("::", 1)[0]
            if not hidden.strip():
                problems.append(ClozeProblem(start, "cloze-empty", f"c{number} hides nothing: put the text to hide after '::'"))
            elif number > 0:
                deletions.append(ClozeDeletion(number, hidden, start))
            open_at = None
    if open_at is not None:
        problems.append(ClozeProblem(open_at[1], "cloze-unclosed", f"c{open_at[0]} is not closed with '}}}}'"))
    for match in _CLOZE_LOOKALIKE.finditer(text):
        if not re.match(r"\{\{c\d+::", match.group(0)):
            problems.append(ClozeProblem(match.start(), "cloze-syntax", f"{match.group(0)!r} is not a cloze deletion: write {{{{c1::text}}}}"))
    if not deletions and not problems:
        problems.append(ClozeProblem(0, "cloze-missing", "a cloze needs at least one deletion, written {{c1::text}}"))
    return deletions, problems
