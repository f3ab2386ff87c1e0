"""Load a deck's sources and check them: schemas first, then the checks that span cards and files."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import AbstractSet, Any, Iterator

from builder.discovery import DeckSources
from builder.loader import Document, load_document
from builder.markup import find_images, has_raw_html, parse_cloze
from builder.model import Card, Deck, Origin, SourceDocument, SourceRef
from builder.problems import Position, Problem, display_path, error, warning
from builder.schemas import CARDS_SCHEMA, DECK_SCHEMA, validate_document, validate_with_cards

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
_NOT_TEXT = {"id", "kind", "deck", "tags", "source", "concept", "reverse"}


def load_deck(sources: DeckSources, project_root: Path) -> tuple[Deck | None, list[Problem]]:
    """Load and check one deck; the Deck is returned only when there is no error."""
    problems: list[Problem] = []
    manifest = _load(sources.manifest, DECK_SCHEMA, problems)
    cards: list[Card] = []
    unchecked: set[str] = set()  # ids of cards left out for their schema errors
    for path in sources.card_files:
        document, skip = _load_cards(path, problems)
        if document is None:
            continue
        cards.extend(_cards(document, skip))
        entries = document.data["cards"]
        unchecked |= {str(entries[i]["id"]) for i in skip if isinstance(entries[i], dict) and isinstance(entries[i].get("id"), str)}
    # A broken manifest still lets the cards be checked against each other, so one run shows all.
    data: dict[str, Any] = manifest.data if manifest is not None else {"key": "", "name": "", "sources": {}}
    deck = Deck(
        key=data["key"],
        name=data["name"],
        description=data.get("description", ""),
        sources={key: SourceDocument(key, value["title"], value.get("file"), value.get("url")) for key, value in data["sources"].items()},
        accept_note_type_changes=frozenset(data.get("accept_note_type_changes", ())),
        manifest=sources.manifest,
        cards=tuple(cards),
    )
    problems.extend(sorted(set(check_deck(deck, project_root, check_sources=manifest is not None, unchecked=unchecked)),
                           key=Problem.sort_key))
    if manifest is None:
        return None, problems
    if not sources.card_files:
        problems.append(warning(sources.manifest, Position(1, 1), "no-cards", "the deck has no card files: add .yaml files beside deck.yaml"))
    if any(p.is_error for p in problems):
        return None, problems
    return deck, problems


def _load(path: Path, schema: str, problems: list[Problem]) -> Document | None:
    document, found = load_document(path)
    problems.extend(found)
    if document is None:
        return None
    invalid = validate_document(document, schema)
    problems.extend(invalid)
    return None if invalid else document


def _load_cards(path: Path, problems: list[Problem]) -> tuple[Document | None, set[int]]:
    """Load a card file; keep its valid cards when only some cards break the schema."""
    document, found = load_document(path)
    problems.extend(found)
    if document is None:
        return None, set()
    invalid, skip = validate_with_cards(document, CARDS_SCHEMA)
    problems.extend(invalid)
    return (None, set()) if skip is None else (document, skip)


def _cards(document: Document, skip: AbstractSet[int] = frozenset()) -> Iterator[Card]:
    defaults = document.data.get("defaults", {})
    default_tags = tuple(defaults.get("tags", ()))
    for index, entry in enumerate(document.data["cards"]):
        if index in skip:
            continue
        source = entry.get("source", defaults.get("source"))
        content = {key: value for key, value in entry.items() if key not in ("id", "kind", "tags", "deck", "source")}
        own_tags = tuple(tag for tag in entry.get("tags", ()) if tag not in default_tags)
        yield Card(
            id=entry["id"],
            kind=entry["kind"],
            content=Card.freeze(content),
            tags=default_tags + own_tags,
            subdeck=entry.get("deck", defaults.get("deck")),
            source=SourceRef(source["ref"], source["section"]) if source else SourceRef("", ""),
            origin=Origin(document, ("cards", index)),
        )


def check_deck(deck: Deck, project_root: Path, *, check_sources: bool = True,
               unchecked: AbstractSet[str] = frozenset()) -> list[Problem]:
    """The checks no single schema can make: identity, references, cloze syntax, images.

    `unchecked` names cards left out for their own schema errors: a reference to one of them is
    not reported as dangling as well.
    """
    problems: list[Problem] = []
    first_seen: dict[str, Card] = {}
    for card in deck.cards:
        if card.id in first_seen:
            first = first_seen[card.id]
            problems.append(error(card.origin.path, card.origin.field_position("id"), "duplicate-id",
                                  f"card id '{card.id}' is already used at {display_path(first.origin.path)}:{first.origin.field_position('id').line}; ids must be unique in the deck"))
        else:
            first_seen[card.id] = card
    for card in deck.cards:
        problems.extend(_check_card(card, deck, first_seen, project_root, check_sources, unchecked))
    return problems


def _check_card(card: Card, deck: Deck, cards: dict[str, Card], project_root: Path, check_sources: bool,
                unchecked: AbstractSet[str]) -> Iterator[Problem]:
    origin = card.origin
    if not check_sources:
        pass
    elif not card.source.ref:
        yield error(origin.path, origin.position, "missing-source", f"card '{card.id}' names no source: add 'source: {{ref: ..., section: ...}}' to it or to the file's defaults")
    elif card.source.ref not in deck.sources:
        # A default source is reported once, at the defaults (equal problems are merged).
        at = origin.field_position("source", "ref") if origin.written("source") else origin.document.position(("defaults", "source", "ref"))
        yield error(origin.path, at, "unknown-source", f"source '{card.source.ref}' is not declared under 'sources' in {display_path(deck.manifest)}; known: {', '.join(sorted(deck.sources))}")
    if card.kind == "example":
        target = cards.get(card.content["concept"])
        if target is None and card.content["concept"] in unchecked:
            pass  # the card exists; its own schema errors are reported
        elif target is None:
            yield error(origin.path, origin.field_position("concept"), "unknown-concept", f"concept '{card.content['concept']}' is not the id of any card in the deck")
        elif target.kind in ("example", "mcq"):
            yield error(origin.path, origin.field_position("concept"), "unknown-concept", f"concept '{target.id}' is an {target.kind} card; point to the card that teaches the concept")
    if card.kind == "cloze":
        _, cloze_problems = parse_cloze(card.content["text"])
        for found in cloze_problems:
            yield error(origin.path, origin.locate(("text",), found.offset), found.rule, found.message)
    if card.kind == "mcq":
        answer = card.content["answer"].strip().casefold()
        for index, distractor in enumerate(card.content["distractors"]):
            if distractor.strip().casefold() == answer:
                yield error(origin.path, origin.field_position("distractors", index), "mcq-duplicate-option", "this distractor is the same as the answer")
    for keys, text in _text_fields(card.content):
        for image in find_images(text):
            problem = _check_image(image.src, origin.path, project_root)
            if problem:
                rule, message = problem
                yield error(origin.path, origin.locate(keys, image.offset), rule, message)
        if has_raw_html(text):
            yield warning(origin.path, origin.field_position(*keys), "raw-html", "HTML in the text is shown as typed, not interpreted: use Markdown instead")


def _text_fields(content: Any, keys: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(content, str):
        yield keys, content
    elif isinstance(content, (list, tuple)):
        for index, item in enumerate(content):
            yield from _text_fields(item, keys + (index,))
    elif hasattr(content, "items"):
        for key, value in content.items():
            if not (len(keys) == 0 and key in _NOT_TEXT):
                yield from _text_fields(value, keys + (key,))


def resolve_image(src: str, card_file: Path) -> Path:
    """The file an image reference points at: relative to the card file that names it."""
    return (card_file.parent / PurePosixPath(src)).resolve()


def _check_image(src: str, card_file: Path, project_root: Path) -> tuple[str, str] | None:
    lowered = src.lower()
    if "://" in lowered or lowered.startswith("//"):
        return "image-remote", f"image '{src}' would be loaded from the network, which phones often lack: put the file in the project and link it by a relative path"
    if lowered.startswith("data:"):
        return "image-embedded", "embedded data images are not supported: put the file in the project and link it by a relative path"
    path = resolve_image(src, card_file)
    if not path.is_relative_to(project_root.resolve()):
        return "image-outside-project", f"image '{src}' points outside the project: keep images inside the project folder"
    if not path.is_file():
        return "image-missing", f"image '{src}' does not exist (looked for {display_path(path)})"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return "image-type", f"image '{src}' is not a {', '.join(sorted(IMAGE_SUFFIXES))} file"
    return None
