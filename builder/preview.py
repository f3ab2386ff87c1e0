"""The preview stage: render every card the way Anki does, and lay them out in one static page.

Anki's own renderer (the `anki` package, the Rust backend every client uses) is preferred, so
that what an author sees is what learners get; it is an optional dependency, so a small renderer
of our own templates stands in when it is missing, and the page says which one drew the cards.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union

from builder.compiler import CompiledDeck, CompiledNote, MediaFile
from builder.lock import Plan
from builder.notetypes import NOTE_TYPES, NoteType, card_css
from builder.package import package_bytes, write_atomically
from builder.pipeline import ProjectResult

Renderer = Literal["auto", "anki", "ankideck"]
Side = Literal["front", "back"]

ANKI_RENDERER = "Anki {version} (the official anki package)"
OWN_RENDERER = "ankideck's own template renderer"


@dataclass(frozen=True)
class Client:
    """The classes one Anki client puts on a card's page and its <html> element."""

    name: str
    html_classes: str
    night_classes: tuple[str, ...]


CLIENTS: dict[str, Client] = {
    "desktop": Client("Anki desktop", "", ("nightMode", "night_mode")),
    "ankidroid": Client("AnkiDroid", "mobile android", ("night_mode", "nightMode", "ankidroid_dark_mode")),
    "ankimobile": Client("AnkiMobile", "mobile iphone", ("nightMode",)),
}


@dataclass(frozen=True)
class RenderedCard:
    """One card as a learner sees it: the HTML of both sides and the CSS they are shown with."""

    deck_key: str
    deck_name: str  # the full Anki deck name, sub-deck included
    card_id: str
    kind: str
    template: str
    ordinal: int  # Anki's card ord: the template's index, or the cloze number minus one
    tags: tuple[str, ...]
    retired: bool
    front: str
    back: str
    css: str

    @property
    def label(self) -> str:
        return f"c{self.ordinal + 1}" if NOTE_TYPES[self.kind].is_cloze else self.template


@dataclass(frozen=True)
class Preview:
    cards: tuple[RenderedCard, ...]
    renderer: str  # which renderer drew the cards, in words
    media: tuple[MediaFile, ...]


def card_document(side_html: str, css: str, ordinal: int, *, night: bool = False, client: str = "desktop") -> str:
    """The page a client shows for one side of a card: the note type's CSS and the client's classes."""
    chosen = CLIENTS[client]
    body_classes = " ".join(("card", f"card{ordinal + 1}", *(chosen.night_classes if night else ())))
    html_open = f'<html class="{chosen.html_classes}">' if chosen.html_classes else "<html>"
    return (f'<!doctype html>{html_open}<head><meta charset="utf-8"><style>{css}</style></head>'
            f'<body class="{body_classes}">{side_html}</body></html>')


def render_project(result: ProjectResult, renderer: Renderer = "auto") -> Preview:
    """Render every card of every planned deck, in source order."""
    anki_version = _anki_version() if renderer != "ankideck" else None
    if renderer == "anki" and anki_version is None:
        raise RuntimeError("the anki package is not installed: pip install anki")
    cards: list[RenderedCard] = []
    media: dict[str, MediaFile] = {}
    for deck in result.decks:
        if deck.compiled is None or deck.plan is None:
            continue
        sides = _render_with_anki(deck.compiled, deck.plan) if anki_version else _render_with_templates(deck.plan)
        cards.extend(_cards_in_order(deck.compiled, deck.plan, sides))
        media.update((m.name, m) for m in deck.compiled.media)
    name = ANKI_RENDERER.format(version=anki_version) if anki_version else OWN_RENDERER
    return Preview(tuple(cards), name, tuple(media[key] for key in sorted(media)))


def write_preview(result: ProjectResult, folder: Path, renderer: Renderer = "auto") -> tuple[Path, Preview]:
    """Write folder/index.html and copy the decks' images beside it; return the page's path."""
    preview = render_project(result, renderer)
    folder.mkdir(parents=True, exist_ok=True)
    for media in preview.media:
        shutil.copyfile(media.path, folder / media.name)
    page = folder / "index.html"
    write_atomically(page, gallery_html(preview).encode("utf-8"))
    return page, preview


# --- Rendering through Anki ---------------------------------------------------------------------

_Sides = dict[tuple[str, int], tuple[str, str, str]]  # (guid, ord) -> (front, back, css)


def _anki_version() -> str | None:
    try:
        from anki.buildinfo import version  # noqa: PLC0415  (optional dependency)
        from anki.collection import Collection  # noqa: F401, PLC0415
    except ImportError:
        return None
    return str(version)


def _render_with_anki(compiled: CompiledDeck, plan: Plan) -> _Sides:
    """Import the deck's package into a throwaway collection and let Anki render every card."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest  # noqa: PLC0415

    sides: _Sides = {}
    with tempfile.TemporaryDirectory(prefix="ankideck-preview-") as scratch:
        package = Path(scratch) / f"{compiled.key}.apkg"
        package.write_bytes(package_bytes(compiled, plan))
        collection = Collection(str(Path(scratch) / "collection.anki2"))
        try:
            collection.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=ImportAnkiPackageOptions()))
            for card_id in collection.find_cards(""):
                card = collection.get_card(card_id)
                output = card.render_output(reload=True)
                sides[(card.note().guid, card.ord)] = (output.question_text, output.answer_text, output.css)
        finally:
            collection.close()
    return sides


def _cards_in_order(compiled: CompiledDeck, plan: Plan, sides: _Sides) -> list[RenderedCard]:
    ordinals: dict[str, list[int]] = {}
    for guid, ordinal in sorted(sides):
        ordinals.setdefault(guid, []).append(ordinal)
    cards = []
    for planned in plan.notes:
        note = planned.note
        note_type = NOTE_TYPES[note.kind]
        for ordinal in ordinals.get(note.guid, []):
            front, back, css = sides[(note.guid, ordinal)]
            template = note_type.templates[0 if note_type.is_cloze else ordinal].name
            cards.append(RenderedCard(compiled.key, compiled.deck_name(note.subdeck), note.card_id, note.kind, template,
                                      ordinal, note.tags, planned.retired, front, back, css))
    return cards


# --- Our own renderer, for when the anki package is missing --------------------------------------
# It covers exactly the template language our note types use: {{Field}}, {{cloze:Field}},
# {{#Field}}..{{/Field}}, {{^Field}}..{{/Field}} and {{FrontSide}}, with Anki's output markup.


@dataclass(frozen=True)
class _Replacement:
    field: str
    filters: tuple[str, ...]


@dataclass(frozen=True)
class _Conditional:
    field: str
    negated: bool
    children: tuple[_Node, ...]


_Node = Union[str, _Replacement, _Conditional]
_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
# Anki's test for an empty field: only whitespace and line-break markup.
_EMPTY_FIELD = re.compile(r"^(?:\s|</?(?:br|div)\s?/?>)*$", re.I)
_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)\}\}", re.S)


def _render_with_templates(plan: Plan) -> _Sides:
    sides: _Sides = {}
    for planned in plan.notes:
        note = planned.note
        note_type = NOTE_TYPES[note.kind]
        for ordinal in _card_ordinals(note, note_type):
            template = note_type.templates[0 if note_type.is_cloze else ordinal]
            front = _render(_parse(template.front), note, ordinal, "front", "")
            back = _render(_parse(template.back), note, ordinal, "back", front)
            sides[(note.guid, ordinal)] = (front, back, card_css())
    return sides


def _card_ordinals(note: CompiledNote, note_type: NoteType) -> list[int]:
    """The cards Anki generates: one per cloze number, or one per template whose front is not empty."""
    if note_type.is_cloze:
        return sorted({int(number) - 1 for number in _CLOZE_NUMBERS.findall(note.field("Text")) if int(number) > 0})
    filled = {name for name, value in note.fields if not _EMPTY_FIELD.match(value)}
    return [index for index, template in enumerate(note_type.templates) if not _is_empty(_parse(template.front), filled)]


_CLOZE_NUMBERS = re.compile(r"\{\{c(\d+)::")


def _parse(template: str) -> tuple[_Node, ...]:
    stack: list[tuple[str, bool, list[_Node]]] = [("", False, [])]  # the root is the unnamed section
    position = 0
    for match in _TAG.finditer(template):
        stack[-1][2].append(template[position:match.start()])
        position = match.end()
        tag = match.group(1).strip()
        if tag[:1] in ("#", "^"):
            stack.append((tag[1:].strip(), tag[0] == "^", []))
        elif tag[:1] == "/":
            field, negated, children = stack.pop()
            if field != tag[1:].strip() or not stack:
                raise ValueError(f"template closes {tag[1:]!r} where {field!r} is open")
            stack[-1][2].append(_Conditional(field, negated, tuple(children)))
        else:
            *filters, field = tag.split(":")
            stack[-1][2].append(_Replacement(field.strip(), tuple(f.strip() for f in filters)))
    stack[-1][2].append(template[position:])
    if len(stack) != 1:
        raise ValueError(f"template leaves {stack[-1][0]!r} open")
    return tuple(node for node in stack[0][2] if node != "")


def _is_empty(nodes: tuple[_Node, ...], filled: set[str]) -> bool:
    """Anki's rule: a front is empty unless it shows a filled field outside a false condition."""
    for node in nodes:
        if isinstance(node, _Replacement) and node.field in filled:
            return False
        if isinstance(node, _Conditional) and not node.negated and node.field in filled and not _is_empty(node.children, filled):
            return False
    return True


def _render(nodes: tuple[_Node, ...], note: CompiledNote, ordinal: int, side: Side, front: str) -> str:
    values = dict(note.fields)
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, _Conditional):
            filled = not _EMPTY_FIELD.match(values.get(node.field, ""))
            if filled != node.negated:
                parts.append(_render(node.children, note, ordinal, side, front))
        elif node.field == "FrontSide":
            parts.append(front)
        elif node.filters == ("cloze",):
            parts.append(_cloze(values.get(node.field, ""), ordinal + 1, side))
        elif not node.filters:
            parts.append(values.get(node.field, ""))
        else:
            raise ValueError(f"the preview's own renderer does not know the filter in {{{{{':'.join(node.filters)}:{node.field}}}}}")
    return "".join(parts)


def _cloze(text: str, number: int, side: Side) -> str:
    def deletion(match: re.Match[str]) -> str:
        shown, has_hint, hint = match.group(2).partition("::")
        ordinal = int(match.group(1))
        if ordinal != number:
            return f'<span class="cloze-inactive" data-ordinal="{ordinal}">{shown}</span>'
        if side == "front":
            blank = f"[{hint}]" if has_hint else "[...]"
            return f'<span class="cloze" data-cloze="{_anki_attribute(shown)}" data-ordinal="{ordinal}">{blank}</span>'
        return f'<span class="cloze" data-ordinal="{ordinal}">{shown}</span>'

    return _CLOZE.sub(deletion, text)


_NAMED = {'"': "&quot;", "&": "&amp;", "'": "&#x27;", "<": "&lt;", ">": "&gt;"}


def _anki_attribute(text: str) -> str:
    """Escape like Anki's data-cloze attribute: every Latin-1 character but ASCII letters and digits."""
    return "".join(
        ch if (ch.isascii() and ch.isalnum()) or ord(ch) > 255 else _NAMED.get(ch, f"&#x{ord(ch):X};") for ch in text
    )


# --- The gallery page ---------------------------------------------------------------------------

PHONE_WIDTH, PHONE_HEIGHT = 390, 844

_PAGE_CSS = """
:root { color-scheme: light; --bg: #eef1f4; --fg: #1f2328; --muted: #4f5861; --panel: #ffffff; --rule: #c8d0d8;
  --bezel: #1b1f24; --accent: #0a58a8; }
:root.night { color-scheme: dark; --bg: #0d1117; --fg: #e6edf3; --muted: #a8b3bf; --panel: #161b22; --rule: #3d444d;
  --bezel: #000000; --accent: #79b8ff; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  background: var(--bg); color: var(--fg); }
header.top { position: sticky; top: 0; z-index: 1; background: var(--panel); border-bottom: 1px solid var(--rule);
  padding: 0.6rem 1rem; display: flex; flex-wrap: wrap; gap: 0.4rem 1.25rem; align-items: center; }
header.top h1 { font-size: 1.1rem; margin: 0; }
header.top label { display: inline-flex; gap: 0.35rem; align-items: center; }
select, button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--rule);
  border-radius: 0.4rem; padding: 0.2rem 0.4rem; max-width: 22rem; }
.note { color: var(--muted); margin: 0; padding: 0.6rem 1rem 0; }
#count { color: var(--muted); }
main { padding: 0.5rem 1rem 2rem; }
.entry { border-top: 1px solid var(--rule); padding: 1rem 0; }
.entry[hidden] { display: none; }
.entry h2 { font-size: 1rem; margin: 0 0 0.2rem; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: 0.9rem; margin: 0 0 0.6rem; overflow-wrap: anywhere; }
.badge { display: inline-block; border: 1px solid var(--rule); border-radius: 1rem; padding: 0 0.5rem; margin-right: 0.3rem; }
.retired { color: var(--fg); border-color: var(--accent); }
.sides { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-bottom: 0.3rem; }
.phone { display: inline-block; padding: 14px 10px; border-radius: 28px; background: var(--bezel); }
.screen { border-radius: 6px; overflow: hidden; background: #ffffff; }
:root.night .screen { background: #1c2128; }
.screen iframe { display: block; width: 100%; height: 100%; border: 0; }
"""

# Kept short and dependency-free. Hundreds of frames would take seconds to create, so each screen
# holds its card's document in data-doc and gets an iframe only while it is near the viewport.
# The night switch rewrites the <body class> of those few documents: no cross-frame access, so it
# works from file:// in every browser. Frames are sandboxed without allow-scripts: nothing in a
# card can run; allow-same-origin only lets the images beside the page load.
_PAGE_JS = """
(function () {
  "use strict";
  var entries = Array.prototype.slice.call(document.querySelectorAll(".entry"));
  var screens = Array.prototype.slice.call(document.querySelectorAll(".screen"));
  var kind = document.getElementById("kind"), tag = document.getElementById("tag");
  var deck = document.getElementById("deck"), night = document.getElementById("night");
  var count = document.getElementById("count");
  function hasTag(entry, wanted) {
    return entry.getAttribute("data-tags").split(" ").some(function (t) {
      return t === wanted || t.indexOf(wanted + "::") === 0;
    });
  }
  function filter() {
    var shown = 0;
    entries.forEach(function (entry) {
      var visible = (!kind.value || entry.getAttribute("data-kind") === kind.value) &&
        (!tag.value || hasTag(entry, tag.value)) &&
        (!deck.value || entry.getAttribute("data-deck") === deck.value);
      entry.hidden = !visible;
      if (visible) { shown += 1; }
    });
    count.textContent = shown + " of " + entries.length + " cards shown";
  }
  function show(screen) {
    var frame = screen.querySelector("iframe"), doc = screen.getAttribute("data-doc");
    if (night.checked) { doc = doc.replace(/<body class="(card card\\d+)">/, '<body class="$1 nightMode night_mode">'); }
    if (!frame) {
      frame = document.createElement("iframe");
      frame.setAttribute("sandbox", "allow-same-origin");
      frame.setAttribute("title", screen.getAttribute("data-title"));
      screen.appendChild(frame);
    }
    if (frame.getAttribute("srcdoc") !== doc) { frame.setAttribute("srcdoc", doc); }
  }
  function hide(screen) {
    var frame = screen.querySelector("iframe");
    if (frame) { screen.removeChild(frame); }
  }
  function mode() {
    document.documentElement.classList.toggle("night", night.checked);
    screens.forEach(function (screen) { if (screen.querySelector("iframe")) { show(screen); } });
  }
  [kind, tag, deck].forEach(function (control) { control.addEventListener("change", filter); });
  night.addEventListener("change", mode);
  filter();
  mode();
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (changes) {
      changes.forEach(function (change) { (change.isIntersecting ? show : hide)(change.target); });
    }, {rootMargin: "1000px 0px"});
    screens.forEach(function (screen) { observer.observe(screen); });
  } else {
    screens.forEach(show);
  }
})();
"""


def gallery_html(preview: Preview) -> str:
    """One self-contained page: every card's front and back in a phone-sized frame, with filters."""
    script_hash = base64.b64encode(hashlib.sha256(_PAGE_JS.encode()).digest()).decode()
    # Nothing may be fetched but the decks' own images beside the page; no script runs but ours.
    policy = (f"default-src 'none'; script-src 'sha256-{script_hash}'; style-src 'unsafe-inline'; "
              "img-src 'self' file: data:; media-src 'self' file: data:; frame-src 'self' file: about:")
    kinds = [kind for kind in NOTE_TYPES if any(card.kind == kind for card in preview.cards)]
    tags = sorted({"::".join(tag.split("::")[:depth]) for card in preview.cards for tag in card.tags
                   for depth in range(1, tag.count("::") + 2)})
    decks = sorted({card.deck_name for card in preview.cards})
    entries = "\n".join(_entry(card) for card in preview.cards)
    total = len(preview.cards)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>ankideck preview</title>
<style>{_PAGE_CSS}.screen {{ width: {PHONE_WIDTH}px; height: {PHONE_HEIGHT}px; }}</style>
</head>
<body>
<header class="top">
<h1>ankideck preview</h1>
<label><input type="checkbox" id="night"> Night mode</label>
<label>Kind {_select("kind", "every kind", kinds)}</label>
<label>Tag {_select("tag", "every tag", tags)}</label>
<label>Sub-deck {_select("deck", "every sub-deck", decks)}</label>
<span id="count" role="status">{total} of {total} cards shown</span>
</header>
<p class="note">Rendered by {html.escape(preview.renderer)}, with the templates and CSS the decks ship,
in a {PHONE_WIDTH}&times;{PHONE_HEIGHT} CSS&nbsp;px phone screen. A scroll bar inside a front means the card
is too long to study on a phone. Night mode sets the classes Anki sets (<code>nightMode night_mode</code>).</p>
<main>
<noscript><p>Turn JavaScript on to see the cards: this page draws each card in a frame as you scroll.</p></noscript>
{entries}
</main>
<script>{_PAGE_JS}</script>
</body>
</html>
"""


def _select(name: str, everything: str, values: list[str]) -> str:
    options = "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in values)
    return f'<select id="{name}"><option value="">{everything}</option>{options}</select>'


def _entry(card: RenderedCard) -> str:
    title = f"{card.card_id} · {card.label}"
    badges = f'<span class="badge">{html.escape(card.kind)}</span>'
    if card.retired:
        badges += '<span class="badge retired">retired</span>'
    tags = " ".join(card.tags)
    return (
        f'<section class="entry" data-kind="{card.kind}" data-tags="{html.escape(tags)}" data-deck="{html.escape(card.deck_name)}">'
        f"<h2>{html.escape(title)}</h2>"
        f'<p class="meta">{badges}{html.escape(card.deck_name)}{" · " + html.escape(tags) if tags else ""}</p>'
        f'<div class="sides">{_frame(card, "front")}{_frame(card, "back")}</div></section>'
    )


def _frame(card: RenderedCard, side: Side) -> str:
    document = card_document(card.front if side == "front" else card.back, card.css, card.ordinal)
    return (f'<figure><figcaption>{side.capitalize()}</figcaption><div class="phone">'
            f'<div class="screen" data-title="{html.escape(card.card_id)}, {side}" data-doc="{html.escape(document)}">'
            '</div></div></figure>')
