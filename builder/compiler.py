"""Turn a validated deck into notes: field HTML, tags, sub-decks, GUIDs and media, as plain data."""

from __future__ import annotations

import hashlib
import html
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from genanki import guid_for

from builder.markup import render_block, render_inline
from builder.model import Card, Deck, Origin
from builder.notetypes import NOTE_TYPES
from builder.validation import resolve_image


@dataclass(frozen=True)
class MediaFile:
    name: str  # the file name inside the package and the learner's collection
    path: Path


@dataclass(frozen=True)
class CompiledNote:
    card_id: str
    guid: str
    kind: str
    fields: tuple[tuple[str, str], ...]  # (field name, HTML) in the note type's order
    tags: tuple[str, ...]
    subdeck: str | None
    origin: Origin | None  # None for notes that only the lock still knows (retired cards)

    def field(self, name: str) -> str:
        return dict(self.fields)[name]


@dataclass(frozen=True)
class CompiledDeck:
    key: str
    name: str
    description: str  # HTML
    notes: tuple[CompiledNote, ...]
    media: tuple[MediaFile, ...]

    def deck_name(self, subdeck: str | None) -> str:
        return f"{self.name}::{subdeck}" if subdeck else self.name


def note_guid(deck_key: str, card_id: str) -> str:
    """A note's GUID: from the deck key and the card id only, so edits never change it."""
    return guid_for(deck_key, card_id)


def deck_id(deck_key: str, deck_name: str) -> int:
    """A fixed deck id for a deck name; Anki matches decks by name, so this only has to be stable."""
    digest = hashlib.sha256(f"{deck_key}\x1f{deck_name}".encode()).digest()
    return (1 << 40) + int.from_bytes(digest[:6], "big") % (1 << 48)


def compile_deck(deck: Deck) -> CompiledDeck:
    """Render every card of a checked deck to note fields."""
    media: dict[Path, MediaFile] = {}
    by_id = {card.id: card for card in deck.cards}
    notes = tuple(_compile_card(card, deck, by_id, media) for card in deck.cards)
    description = render_block(deck.description) if deck.description else ""
    return CompiledDeck(deck.key, deck.name, description, notes, tuple(sorted(media.values(), key=lambda m: m.name)))


def _compile_card(card: Card, deck: Deck, by_id: dict[str, Card], media: dict[Path, MediaFile]) -> CompiledNote:
    guid = note_guid(deck.key, card.id)
    images = _media_namer(card, media)
    block = lambda key: render_block(card.content[key], images) if card.content.get(key) else ""  # noqa: E731
    inline = lambda text: render_inline(text, images)  # noqa: E731
    c = card.content
    if card.kind == "definition":
        own = {"Term": inline(c["term"]), "Definition": block("definition"), "Explanation": block("explanation"),
               "Example": block("example"), "Reverse": "y" if c.get("reverse") else ""}
    elif card.kind == "distinction":
        own = {"Topic": inline(c["topic"]) if c.get("topic") else "",
               "Label A": inline(c["a"]["label"]), "Meaning A": render_block(c["a"]["meaning"], images),
               "Label B": inline(c["b"]["label"]), "Meaning B": render_block(c["b"]["meaning"], images),
               "Difference": block("difference"), "Explanation": block("explanation")}
    elif card.kind == "example":
        own = {"Scenario": block("scenario"), "Question": block("question"), "Answer": block("answer"),
               "Explanation": block("explanation"), "Concept": concept_label(by_id[c["concept"]])}
    elif card.kind == "cloze":
        own = {"Text": block("text"), "Extra": block("extra")}
    elif card.kind == "mcq":
        options, key = multiple_choice(guid, c["answer"], c["distractors"], inline)
        own = {"Question": block("question"), "Options": options, "Answer": key, "Explanation": block("explanation")}
    elif card.kind == "basic":
        own = {"Front": block("front"), "Back": block("back"), "Extra": block("extra")}
    else:  # the schema admits no other kind
        raise AssertionError(f"unknown kind {card.kind}")
    own["Source"] = source_html(deck, card)
    note_type = NOTE_TYPES[card.kind]
    fields = tuple((name, own.get(name, "")) for name in note_type.field_names)
    return CompiledNote(card.id, guid, card.kind, fields, card.tags, card.subdeck, card.origin)


def _media_namer(card: Card, media: dict[Path, MediaFile]) -> Callable[[str], str]:
    def name_for(src: str) -> str:
        path = resolve_image(src, card.origin.path)
        if path in media:  # already hashed for another field or card
            return media[path].name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in path.stem)[:40]
        name = f"ad-{stem}-{digest}{path.suffix.lower()}"
        media[path] = MediaFile(name, path)
        return name

    return name_for


def concept_label(card: Card) -> str:
    """How an example names the concept it illustrates."""
    c = card.content
    if card.kind == "definition":
        return render_inline(c["term"])
    if card.kind == "distinction":
        if c.get("topic"):
            return render_inline(c["topic"])
        return f'{render_inline(c["a"]["label"])} vs {render_inline(c["b"]["label"])}'
    return html.escape(card.id)


def multiple_choice(guid: str, answer: str, distractors: Any, inline: Callable[[str], str]) -> tuple[str, str]:
    """The options as tap-to-check HTML and the answer key, shuffled once from the note's GUID."""
    options = [(answer, True)] + [(text, False) for text in distractors]
    random.Random(guid).shuffle(options)  # seeded by the GUID: rebuilds keep the order
    group = "ad-" + hashlib.sha256(guid.encode()).hexdigest()[:10]
    parts = ['<div class="ad-options" role="radiogroup">']
    key = ""
    for index, (text, correct) in enumerate(options):
        letter = "ABCDEF"[index]
        option_id = f"{group}-{letter.lower()}"
        verdict = "✓ Correct" if correct else "✗ Not this one"
        parts.append(
            f'<input type="radio" name="{group}" id="{option_id}">'
            f'<label class="ad-option {"is-correct" if correct else "is-wrong"} tappable" for="{option_id}">'
            f'<span class="ad-letter">{letter}</span><span class="ad-option-text">{inline(text)}</span>'
            f'<span class="ad-verdict">{verdict}</span></label>'
        )
        if correct:
            key = f'<span class="ad-letter">{letter}</span> {inline(text)}'
    parts.append("</div>")
    return "".join(parts), key


def source_html(deck: Deck, card: Card) -> str:
    document = deck.sources[card.source.ref]
    return f'<span class="ad-source-title">{html.escape(document.title)}</span> · {html.escape(card.source.section)}'
