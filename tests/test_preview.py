"""`ankideck preview`: a static gallery of every card, rendered as Anki renders it."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

from builder import preview as preview_module
from builder.cli import cli
from builder.notetypes import card_css
from builder.pipeline import check_project
from builder.preview import render_project
from conftest import ALL_KINDS_YAML, DECK_YAML

# The cards ALL_KINDS_YAML makes Anki generate: (card id, template, or cloze number).
ALL_KINDS_CARDS = {
    ("value", "Term to definition"), ("value", "Definition to term"),
    ("delivers-vs-co-creates", "Deciding difference"), ("delivers-vs-co-creates", "Which is it: first idea"),
    ("delivers-vs-co-creates", "Which is it: second idea"), ("email-example", "Interpret the example"),
    ("value-cloze", "c1"), ("value-cloze", "c2"), ("value-mcq", "Choose the answer"), ("basic-card", "Front to back"),
}
# One pixel, for a card with an image.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


class Gallery(HTMLParser):
    """What the page holds: its entries, and each screen's document (data-doc) and title."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.entries: list[dict[str, str]] = []
        self.frames: list[dict[str, str]] = []
        self.titles: list[str] = []
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "section" and values.get("class") == "entry":
            self.entries.append(values)
        elif tag == "div" and values.get("class") == "screen":
            self.frames.append(values)
        self._in_title = tag == "h2"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles.append(data)
            self._in_title = False


def project(make_project: Callable[[dict[str, Any]], Path], **extra: Any) -> Path:
    return make_project({"cards/deck.yaml": DECK_YAML, "cards/guide.txt": "The guide.\n", "cards/all.yaml": ALL_KINDS_YAML, **extra})


def run_preview(runner: CliRunner, cards: Path, *args: str) -> Any:
    return runner.invoke(cli, ["preview", "--cards", str(cards), "--out", str(cards.parent / "dist"), *args], catch_exceptions=False)


def test_preview_writes_every_card_front_and_back(make_project: Callable[..., Path], runner: CliRunner) -> None:
    cards = project(make_project)
    result = run_preview(runner, cards)
    assert result.exit_code == 0, result.output
    page = cards.parent / "dist" / "preview" / "index.html"
    assert result.stdout.strip() == str(page)
    gallery = Gallery(page.read_text(encoding="utf-8"))
    titles = {tuple(title.split(" · ", 1)) for title in gallery.titles}
    assert titles == ALL_KINDS_CARDS
    assert len(gallery.entries) == len(ALL_KINDS_CARDS)
    assert len(gallery.frames) == 2 * len(ALL_KINDS_CARDS)  # a front and a back each
    for frame in gallery.frames:
        document = frame["data-doc"]
        assert f"<style>{card_css()}</style>" in document  # the CSS the deck ships, as is
        assert re.search(r'<body class="card card[1-3]">', document)
    assert ".screen { width: 390px; height: 844px; }" in page.read_text(encoding="utf-8")
    assert "allow-scripts" not in page.read_text(encoding="utf-8")
    kinds = {entry["data-kind"] for entry in gallery.entries}
    assert kinds == {"definition", "distinction", "example", "cloze", "mcq", "basic"}
    assert {entry["data-deck"] for entry in gallery.entries} == {"Test deck::Core", "Test deck::Exam"}


def test_preview_frames_hold_what_anki_renders(make_project: Callable[..., Path], runner: CliRunner) -> None:
    cards = project(make_project)
    run_preview(runner, cards)
    frames = Gallery((cards.parent / "dist" / "preview" / "index.html").read_text(encoding="utf-8")).frames
    cloze_fronts = [frame["data-doc"] for frame in frames if frame["data-title"] == "value-cloze, front"]
    assert len(cloze_fronts) == 2
    assert '<body class="card card2">' in cloze_fronts[1]  # the c2 card: ord 1, class card2
    assert '<span class="cloze" data-cloze="usefulness" data-ordinal="2">[...]</span>' in cloze_fronts[1]
    assert '<span class="cloze-inactive" data-ordinal="1">benefits</span>' in cloze_fronts[1]
    mcq_front = next(frame["data-doc"] for frame in frames if frame["data-title"] == "value-mcq, front")
    assert mcq_front.count('type="radio"') == 4


def test_preview_needs_nothing_from_the_network(make_project: Callable[..., Path], runner: CliRunner) -> None:
    cards = project(make_project)
    run_preview(runner, cards)
    text = (cards.parent / "dist" / "preview" / "index.html").read_text(encoding="utf-8")
    documents = [text] + [frame["data-doc"] for frame in Gallery(text).frames]
    for document in documents:
        assert not re.search(r"https?:|\bwss?:|(?:src|href|action|srcset|poster)\s*=\s*[\"']?\s*//|url\(|@import", document, re.I)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text


def test_preview_shows_images_from_beside_the_page(make_project: Callable[..., Path], runner: CliRunner) -> None:
    card = "cards:\n  - id: pictured\n    kind: basic\n    deck: Core\n    tags: [test::all]\n" \
           "    source: {ref: guide, section: Basics}\n    front: \"What does this show? ![a dot](img/dot.png)\"\n    back: A dot.\n"
    cards = project(make_project, **{"cards/pictured.yaml": card, "cards/img/dot.png": PNG})
    result = run_preview(runner, cards)
    assert result.exit_code == 0, result.output
    folder = cards.parent / "dist" / "preview"
    (image,) = [p for p in folder.iterdir() if p.suffix == ".png"]
    assert image.read_bytes() == PNG
    fronts = [frame["data-doc"] for frame in Gallery((folder / "index.html").read_text(encoding="utf-8")).frames
              if frame["data-title"] == "pictured, front"]
    assert len(fronts) == 1 and f'src="{image.name}"' in fronts[0]


def test_preview_of_sources_with_errors_exits_1_and_writes_nothing(make_project: Callable[..., Path], runner: CliRunner) -> None:
    cards = project(make_project, **{"cards/broken.yaml": "cards:\n  - id: broken\n    kind: basic\n"})
    result = run_preview(runner, cards)
    assert result.exit_code == 1
    assert "broken.yaml" in result.output and "error" in result.output
    assert not (cards.parent / "dist" / "preview").exists()


def test_preview_shows_retired_cards_as_learners_keep_them(make_project: Callable[..., Path], runner: CliRunner) -> None:
    cards = project(make_project)
    build = runner.invoke(cli, ["build", "--cards", str(cards), "--out", str(cards.parent / "dist")], catch_exceptions=False)
    assert build.exit_code == 0, build.output
    all_cards = (cards / "all.yaml").read_text(encoding="utf-8")
    (cards / "all.yaml").write_text(all_cards[: all_cards.index("  - id: basic-card")], encoding="utf-8")
    result = run_preview(runner, cards)
    assert result.exit_code == 0, result.output
    text = (cards.parent / "dist" / "preview" / "index.html").read_text(encoding="utf-8")
    gallery = Gallery(text)
    assert len(gallery.entries) == len(ALL_KINDS_CARDS)  # the removed card still ships
    assert text.count('class="badge retired"') == 1
    back = next(frame["data-doc"] for frame in gallery.frames if frame["data-title"] == "basic-card, back")
    assert 'class="ad-notice"' in back


def test_preview_says_which_renderer_drew_the_cards(make_project: Callable[..., Path], runner: CliRunner,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    cards = project(make_project)
    monkeypatch.setattr(preview_module, "_anki_version", lambda: None)
    result = run_preview(runner, cards)
    assert result.exit_code == 0, result.output
    assert "ankideck&#x27;s own template renderer" in (cards.parent / "dist" / "preview" / "index.html").read_text(encoding="utf-8")
    assert "rendered by ankideck's own template renderer" in result.stderr


def test_own_renderer_matches_anki_exactly(make_project: Callable[..., Path]) -> None:
    pytest.importorskip("anki.collection", reason="the anki package is not installed")
    hinted = "cards:\n  - id: hinted\n    kind: cloze\n    deck: Core\n    tags: [test::all]\n" \
             "    source: {ref: guide, section: Basics}\n    text: \"A {{c1::b & 'c'::a hint}}, {{c2::d/e}} and {{c1::f}}.\"\n"
    result = check_project(project(make_project, **{"cards/hinted.yaml": hinted}))
    assert not result.errors
    anki, own = render_project(result, "anki"), render_project(result, "ankideck")
    assert anki.renderer.startswith("Anki ") and own.renderer == preview_module.OWN_RENDERER
    assert len(anki.cards) == len(ALL_KINDS_CARDS) + 2
    assert [(c.card_id, c.ordinal, c.front, c.back, c.css) for c in own.cards] == \
           [(c.card_id, c.ordinal, c.front, c.back, c.css) for c in anki.cards]


def open_gallery(browser: Any, page_path: Path) -> tuple[Any, list[str], list[str]]:
    """Open the page from the file system; return it, the remote requests and the errors it logs."""
    page = browser.new_page(viewport={"width": 1280, "height": 2000})
    local = ("file:", "data:", "about:")
    remote: list[str] = []
    errors: list[str] = []
    # Block what routing sees; record every request, since routing misses some from file:// pages.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(local) else route.abort())
    page.on("request", lambda request: None if request.url.startswith(local) else remote.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(page_path.as_uri())
    return page, remote, errors


@pytest.mark.browser
def test_gallery_works_from_the_file_system_in_a_browser(browser: Any, make_project: Callable[..., Path], runner: CliRunner) -> None:
    cards = project(make_project)
    run_preview(runner, cards)
    page, remote, errors = open_gallery(browser, cards.parent / "dist" / "preview" / "index.html")
    assert page.locator("#count").inner_text() == f"{len(ALL_KINDS_CARDS)} of {len(ALL_KINDS_CARDS)} cards shown"

    first = page.frame_locator(".screen iframe").first
    assert first.locator("body").get_attribute("class") == "card card1"
    assert page.locator(".screen iframe").first.get_attribute("sandbox") == "allow-same-origin"  # no scripts
    page.check("#night")
    assert first.locator("body").get_attribute("class") == "card card1 nightMode night_mode"
    assert page.evaluate("() => document.documentElement.classList.contains('night')")
    page.uncheck("#night")
    assert first.locator("body").get_attribute("class") == "card card1"

    page.select_option("#kind", "cloze")
    assert page.locator(".entry:visible").count() == 2
    page.select_option("#kind", "")
    page.select_option("#deck", "Test deck::Exam")
    assert page.locator(".entry:visible h2").all_inner_texts() == ["value-mcq · Choose the answer"]
    page.select_option("#deck", "")
    page.select_option("#tag", "test")  # a parent tag selects its children (test::all)
    assert page.locator(".entry:visible").count() == len(ALL_KINDS_CARDS)
    assert remote == [] and errors == []
    page.close()


@pytest.mark.browser
def test_gallery_never_runs_scripts_from_card_html(browser: Any, tmp_path: Path) -> None:
    """The builder escapes HTML, so cards hold no script; should one ever slip through, it stays inert."""
    hostile = '<p id="prompt">Q</p><script>document.getElementById("prompt").textContent = "ran"; parent.document.title = "ran";</script>' \
              '<img src="x.png" alt="" onerror="document.body.dataset.ran = 1">'
    card = preview_module.RenderedCard("d", "D", "hostile", "basic", "Front to back", 0, (), False, hostile, hostile, card_css())
    page_path = tmp_path / "index.html"
    page_path.write_text(preview_module.gallery_html(preview_module.Preview((card,), "test", ())), encoding="utf-8")
    page, remote, _ = open_gallery(browser, page_path)
    frame = page.frame_locator(".screen iframe").first
    assert frame.locator("#prompt").inner_text() == "Q"
    assert frame.locator("body").get_attribute("data-ran") is None
    assert page.title() == "ankideck preview"
    assert remote == []
    page.close()
