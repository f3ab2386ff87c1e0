"""The validated sources as plain frozen data: what the later stages compile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from builder.loader import DataPath, Document
from builder.problems import Position


@dataclass(frozen=True)
class SourceDocument:
    key: str
    title: str
    file: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SourceRef:
    ref: str
    section: str


@dataclass(frozen=True)
class Origin:
    """Where a card is written, for messages and for locating characters in its fields."""

    document: Document
    at: DataPath

    @property
    def path(self) -> Path:
        return self.document.path

    @property
    def position(self) -> Position:
        return self.document.position(self.at)

    def written(self, key: str) -> bool:
        """Whether the card itself sets `key` (rather than taking it from the file's defaults)."""
        return key in self.document.value(self.at)

    def field_position(self, *keys: str | int) -> Position:
        return self.document.position(self.at + keys)

    def locate(self, keys: tuple[str | int, ...], offset: int) -> Position:
        return self.document.locate(self.at + keys, offset)


@dataclass(frozen=True)
class Card:
    """One card entry, with file defaults applied."""

    id: str
    kind: str
    content: Mapping[str, Any]  # the kind's own fields, as the author typed them
    tags: tuple[str, ...]
    subdeck: str | None
    source: SourceRef
    origin: Origin

    @staticmethod
    def freeze(content: dict[str, Any]) -> Mapping[str, Any]:
        return MappingProxyType(dict(content))


@dataclass(frozen=True)
class Deck:
    """A deck manifest and every card that belongs to it, in source order."""

    key: str
    name: str
    description: str
    sources: Mapping[str, SourceDocument]
    accept_note_type_changes: frozenset[str]
    manifest: Path
    cards: tuple[Card, ...]

    @property
    def root(self) -> Path:
        return self.manifest.parent

    def subdeck_name(self, subdeck: str | None) -> str:
        return f"{self.name}::{subdeck}" if subdeck else self.name
