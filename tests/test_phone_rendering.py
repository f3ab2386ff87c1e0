"""Every card of the shipped deck, front and back, in a real headless browser at phone size.

Each side is rendered once per mode (light, and night with AnkiDroid's classes) and that one
rendering is measured and screenshotted; the other clients' classes are shown to give the same
styles. Measurements: no horizontal overflow, main text at least 16 CSS px, WCAG AA contrast for
every text, no network request, multiple choice checkable by tapping without JavaScript, visible
cloze blanks. Fronts that need scrolling are reported (tests/output/too-long.txt), not failed.
Screenshots land in tests/output/screenshots/: look at them, a deck can pass and still look wrong.
"""

from __future__ import annotations

import re
import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from builder.pipeline import check_project
from builder.preview import CLIENTS, Preview, RenderedCard, card_document, render_project
from conftest import REPO

pytestmark = pytest.mark.browser

WIDTH, HEIGHT = 390, 844
MIN_FONT_PX = 16.0
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
MIN_TAP_PX = 44.0  # WCAG 2.5.5 / Apple's and Android's minimum touch target
SWEEP_CLIENT = "ankidroid"
MODES = ("light", "night")
OUTPUT = Path(__file__).resolve().parent / "output"
SCREENSHOTS = OUTPUT / "screenshots"
LOCAL_SCHEMES = ("file:", "data:", "about:")


class TooLongForPhone(UserWarning):
    """A card front that needs scrolling on a phone screen."""


# Runs in the page. Colours are read as computed (rgb/rgba); anything else fails loudly rather
# than being skipped. Backgrounds are composited from the first opaque one up the tree down to
# the element, then the text colour over that, before the WCAG relative-luminance ratio.
MEASURE_JS = r"""
(mainSelector) => {
  const parse = (value) => {
    const m = /^rgba?\(([^)]*)\)$/.exec(value.trim());
    if (!m) throw new Error("cannot measure the colour " + value);
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const problems = [];
  const backdrop = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.backgroundImage !== "none") problems.push("background image on " + describe(e));
      const c = parse(style.backgroundColor);
      if (c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let result = {r: 255, g: 255, b: 255, a: 1};  // the canvas, when no layer is opaque
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  };
  const channel = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const describe = (e) => e.tagName.toLowerCase() + (e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "");
  const visible = (e) => e.checkVisibility({opacityProperty: true, visibilityProperty: true}) &&
    e.getClientRects().length > 0;
  const faded = (e) => { for (; e; e = e.parentElement) if (Number(getComputedStyle(e).opacity) < 1) return true; return false; };

  const root = document.documentElement;
  const texts = [];
  for (const e of document.body.querySelectorAll("*")) {
    const own = Array.from(e.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join("");
    if (!own.trim() || !visible(e)) continue;
    const style = getComputedStyle(e);
    if (faded(e)) problems.push("text under opacity < 1 cannot be measured: " + describe(e));
    const bg = backdrop(e);
    const fg = over(parse(style.color), bg);
    texts.push({
      element: describe(e), text: own.trim().slice(0, 40), main: !!e.closest(mainSelector),
      fontSize: parseFloat(style.fontSize), fontWeight: Number(style.fontWeight),
      color: hex(fg), background: hex(bg), contrast: ratio(fg, bg),
    });
  }
  const page = backdrop(document.body);
  const clozes = Array.from(document.querySelectorAll(".cloze")).map((e) => {
    const style = getComputedStyle(e);
    const own = backdrop(e);
    return {text: e.textContent, visible: visible(e), width: e.getBoundingClientRect().width,
            fontWeight: Number(style.fontWeight), background: hex(own), page: hex(page), againstPage: ratio(own, page)};
  });
  const sticking = Array.from(document.body.querySelectorAll("*"))
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 0.5)
    .map(describe).slice(0, 5);
  const bodyStyle = getComputedStyle(document.body);
  const contentHeight = Math.ceil(document.body.getBoundingClientRect().bottom + window.scrollY + parseFloat(bodyStyle.marginBottom));
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, scrollHeight: root.scrollHeight, contentHeight,
          texts, clozes, sticking, problems: Array.from(new Set(problems))};
}
"""

# Main text: what a learner reads to answer (prompt, answer, body text, options, cloze).
MAIN_TEXT = ".ad-prompt, .ad-answer, .ad-body, .ad-statement, .ad-choices, .ad-option, .cloze"

STYLE_FINGERPRINT_JS = r"""
() => Array.from(document.body.querySelectorAll("*")).map((e) => {
  const s = getComputedStyle(e);
  return [e.tagName, s.color, s.backgroundColor, s.borderTopColor, s.fontSize, s.fontWeight, s.display, s.width].join("|");
})
"""


@dataclass
class SideResult:
    card: RenderedCard
    side: str
    mode: str
    screenshot: Path
    measured: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.card.card_id} [{self.card.label}] {self.side} ({self.mode})"


@dataclass
class Sweep:
    preview: Preview
    sides: list[SideResult] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> Preview:
    result = check_project(REPO / "cards")
    assert not result.errors, [f"{p.path}:{p.line}: {p.message}" for p in result.errors]
    preview = render_project(result)
    assert preview.cards, "the shipped deck has no cards"
    return preview


@pytest.fixture(scope="module")
def phone(browser: Any, shipped: Preview, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str]]]:
    """One page at phone size, JavaScript off as in a learner's worst case; every remote request blocked and recorded."""
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1, java_script_enabled=False)
    blocked: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            route.abort()

    def notice(request: Any) -> None:
        if not request.url.startswith(LOCAL_SCHEMES):
            blocked.append(request.url)

    # The route blocks; the listener records, and also sees what a file:// page requests, which
    # Playwright's routing lets past (checked by experiment with Chromium 156).
    context.route("**/*", guard)
    context.on("request", notice)
    # Card HTML names images by their packaged file name, as in Anki's media folder.
    media = tmp_path_factory.mktemp("media")
    for item in shipped.media:
        shutil.copyfile(item.path, media / item.name)
    (media / "blank.html").write_text("<!doctype html><title>media folder</title>", encoding="utf-8")
    page = context.new_page()
    page.goto((media / "blank.html").as_uri())
    yield page, blocked
    context.close()


def show(page: Any, card: RenderedCard, side: str, *, night: bool, client: str = SWEEP_CLIENT) -> None:
    page.set_content(card_document(card.front if side == "front" else card.back, card.css, card.ordinal,
                                   night=night, client=client))


def shot_path(index: int, card: RenderedCard, side: str, mode: str, suffix: str = "") -> Path:
    slug = re.sub(r"[^A-Za-z0-9-]+", "-", f"{card.card_id}-{card.label}").strip("-").lower()
    return SCREENSHOTS / f"{index:03d}-{slug}-{side}-{mode}{suffix}.png"


@pytest.fixture(scope="module")
def sweep(phone: tuple[Any, list[str]], shipped: Preview) -> Sweep:
    """Render every side of every card once per mode: measure it, then screenshot it."""
    page, blocked = phone
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    result = Sweep(shipped, blocked=blocked)
    for index, card in enumerate(shipped.cards, start=1):
        for side in ("front", "back"):
            for mode in MODES:
                show(page, card, side, night=mode == "night")
                measured = page.evaluate(MEASURE_JS, MAIN_TEXT)
                path = shot_path(index, card, side, mode)
                page.screenshot(path=str(path), full_page=True)
                result.sides.append(SideResult(card, side, mode, path, measured))
    write_too_long_report(result)
    write_summary(result)
    return result


def write_summary(result: Sweep) -> None:
    """The numbers behind the assertions, for the record (tests/output/summary.txt)."""
    texts = [t for s in result.sides for t in s.measured["texts"]]
    main = [t for t in texts if t["main"]]
    lowest = min(texts, key=lambda t: t["contrast"])
    tallest = max((s for s in result.sides if s.side == "front"), key=lambda s: s.measured["contentHeight"])
    tallest_back = max((s for s in result.sides if s.side == "back"), key=lambda s: s.measured["contentHeight"])
    lines = [
        f"renderer: {result.preview.renderer}; client classes: {CLIENTS[SWEEP_CLIENT].name}",
        f"card sides checked: {len(result.sides)} ({len(result.preview.cards)} cards x front/back x {'/'.join(MODES)})",
        f"texts measured: {len(texts)}",
        f"smallest main text: {min(t['fontSize'] for t in main)} px; smallest text of any kind: {min(t['fontSize'] for t in texts)} px",
        f"lowest contrast: {lowest['contrast']:.2f}:1 ({lowest['element']} {lowest['text']!r}, {lowest['color']} on {lowest['background']})",
        f"tallest front: {tallest.measured['contentHeight']} px of {HEIGHT} ({tallest.name})",
        f"tallest back: {tallest_back.measured['contentHeight']} px ({tallest_back.name})",
        f"widest page: {max(s.measured['scrollWidth'] for s in result.sides)} px",
    ]
    for mode in MODES:
        in_mode = [t for s in result.sides if s.mode == mode for t in s.measured["texts"]]
        worst = min(in_mode, key=lambda t: t["contrast"])
        lines.append(f"lowest contrast in {mode} mode: {worst['contrast']:.2f}:1 ({worst['element']} {worst['text']!r})")
    (OUTPUT / "summary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def write_too_long_report(result: Sweep) -> None:
    fronts = [s for s in result.sides if s.side == "front" and s.mode == "light" and s.measured["scrollHeight"] > HEIGHT]
    lines = [f"{s.card.card_id} [{s.card.label}]: front is {s.measured['scrollHeight']} px tall, the screen {HEIGHT} px ({s.screenshot.name})"
             for s in fronts]
    header = f"Card fronts that need scrolling on a {WIDTH}x{HEIGHT} phone screen: {len(fronts)} of {len(result.preview.cards)}\n"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "too-long.txt").write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")
    print("\n" + header + "\n".join(lines))
    if fronts:
        warnings.warn(TooLongForPhone(f"{len(fronts)} card fronts need scrolling on a phone: see {OUTPUT / 'too-long.txt'}"), stacklevel=1)


def fail_listing(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n" + "\n".join(problems[:60]), pytrace=False)


# --- The measurements -----------------------------------------------------------------------------


def test_every_card_side_was_rendered_in_both_modes(sweep: Sweep) -> None:
    assert len(sweep.sides) == len(sweep.preview.cards) * 2 * len(MODES)
    assert all(s.screenshot.stat().st_size > 0 for s in sweep.sides)
    problems = [f"{s.name}: {p}" for s in sweep.sides for p in s.measured["problems"]]
    fail_listing(problems, "sides could not be measured fully")


def test_nothing_is_requested_from_the_network(sweep: Sweep) -> None:
    assert sweep.blocked == []


def test_no_horizontal_overflow(sweep: Sweep) -> None:
    problems = [f"{s.name}: {s.measured['scrollWidth']} px wide for a {s.measured['clientWidth']} px screen; sticking out: {s.measured['sticking']}"
                for s in sweep.sides if s.measured["scrollWidth"] > s.measured["clientWidth"]]
    fail_listing(problems, "sides scroll sideways")


def test_main_text_is_at_least_16_css_px(sweep: Sweep) -> None:
    problems = []
    for s in sweep.sides:
        main = [t for t in s.measured["texts"] if t["main"]]
        if not main:
            problems.append(f"{s.name}: no main text found (selector {MAIN_TEXT!r})")
        problems += [f"{s.name}: {t['element']} {t['text']!r} is {t['fontSize']} px" for t in main if t["fontSize"] < MIN_FONT_PX]
    fail_listing(problems, f"main texts are smaller than {MIN_FONT_PX} px")


def test_every_text_has_aa_contrast(sweep: Sweep) -> None:
    problems = [f"{s.name}: {t['element']} {t['text']!r} {t['color']} on {t['background']} = {t['contrast']:.2f}:1"
                for s in sweep.sides for t in s.measured["texts"] if t["contrast"] < MIN_CONTRAST]
    fail_listing(problems, f"texts are below {MIN_CONTRAST}:1 contrast")


def test_cloze_blanks_are_clearly_visible(sweep: Sweep) -> None:
    problems = []
    cloze_fronts = [s for s in sweep.sides if s.card.kind == "cloze" and s.side == "front"]
    assert cloze_fronts, "the shipped deck has no cloze cards"
    for s in cloze_fronts:
        blanks = s.measured["clozes"]
        if not blanks:
            problems.append(f"{s.name}: no .cloze blank")
        for blank in blanks:
            if not blank["visible"] or blank["width"] < 8:
                problems.append(f"{s.name}: blank {blank['text']!r} is not visible")
            if blank["fontWeight"] < 700:
                problems.append(f"{s.name}: blank {blank['text']!r} has font weight {blank['fontWeight']}")
            if blank["background"] == blank["page"] or blank["againstPage"] < 1.1:
                problems.append(f"{s.name}: blank background {blank['background']} hardly differs from the page {blank['page']}")
    fail_listing(problems, "cloze blanks are not clearly visible")


def test_multiple_choice_checks_itself_when_tapped_without_javascript(phone: tuple[Any, list[str]], sweep: Sweep) -> None:
    page, blocked = phone
    mcqs = [(i, c) for i, c in enumerate(sweep.preview.cards, start=1) if c.kind == "mcq"]
    assert mcqs, "the shipped deck has no multiple-choice cards"
    problems: list[str] = []
    for index, card in mcqs:
        for mode in MODES:
            show(page, card, "front", night=mode == "night")
            assert page.evaluate("() => document.querySelector('script') === null")
            options = page.locator(".ad-options .ad-option")
            count = options.count()
            if count < 2:
                problems.append(f"{card.card_id}: {count} options")
                continue
            correct = 0
            for n in range(count):
                option = options.nth(n)
                box = option.bounding_box()
                if box is None or box["height"] < MIN_TAP_PX:
                    problems.append(f"{card.card_id} option {n + 1} ({mode}): tap target {box and box['height']} px tall, under {MIN_TAP_PX}")
                option.click()  # Playwright checks the label is visible, stable and not covered
                radio = page.locator(f"#{option.get_attribute('for')}")
                is_correct = "is-correct" in (option.get_attribute("class") or "")
                correct += is_correct
                expected = "✓ Correct" if is_correct else "✗ Not this one"
                verdict = option.locator(".ad-verdict")
                if not radio.is_checked():
                    problems.append(f"{card.card_id} option {n + 1} ({mode}): tapping does not check its radio")
                if not verdict.is_visible() or verdict.inner_text().strip() != expected:
                    problems.append(f"{card.card_id} option {n + 1} ({mode}): verdict not shown as {expected!r}")
                others = page.locator(".ad-options .ad-verdict:visible").count()
                if others != 1:
                    problems.append(f"{card.card_id} option {n + 1} ({mode}): {others} verdicts visible at once")
                measured = page.evaluate(MEASURE_JS, MAIN_TEXT)
                problems += [f"{card.card_id} option {n + 1} tapped ({mode}): {t['element']} {t['text']!r} {t['contrast']:.2f}:1"
                             for t in measured["texts"] if t["contrast"] < MIN_CONTRAST]
                if n == 0:
                    page.screenshot(path=str(shot_path(index, card, "front", mode, "-tapped")), full_page=True)
            if correct != 1:
                problems.append(f"{card.card_id}: {correct} options marked correct")
            show(page, card, "back", night=mode == "night")
            key = page.locator(".ad-key .ad-option.is-correct .ad-verdict")
            if key.count() != 1 or not key.is_visible() or key.inner_text().strip() != "✓ Correct":
                problems.append(f"{card.card_id} back ({mode}): the key does not show the correct option")
    assert blocked == []
    fail_listing(problems, "multiple-choice problems")


def test_every_client_gets_the_same_styles(phone: tuple[Any, list[str]], shipped: Preview) -> None:
    """The sweep uses AnkiDroid's classes; desktop's and AnkiMobile's must give identical styles."""
    page, _ = phone
    one_per_template: dict[tuple[str, str], RenderedCard] = {}
    for card in shipped.cards:
        one_per_template.setdefault((card.kind, card.template), card)
    problems = []
    for card in one_per_template.values():
        for side in ("front", "back"):
            for night in (False, True):
                show(page, card, side, night=night)
                expected = page.evaluate(STYLE_FINGERPRINT_JS)
                for client in CLIENTS:
                    show(page, card, side, night=night, client=client)
                    if page.evaluate(STYLE_FINGERPRINT_JS) != expected:
                        problems.append(f"{card.card_id} [{card.label}] {side}, {'night' if night else 'light'}: {CLIENTS[client].name} differs")
    fail_listing(problems, "client differences")


def test_too_long_fronts_are_reported(sweep: Sweep) -> None:
    report = (OUTPUT / "too-long.txt").read_text(encoding="utf-8")
    too_long = [s for s in sweep.sides if s.side == "front" and s.mode == "light" and s.measured["scrollHeight"] > HEIGHT]
    assert report.startswith(f"Card fronts that need scrolling on a {WIDTH}x{HEIGHT} phone screen: {len(too_long)} of ")
    assert all(s.card.card_id in report for s in too_long)


def test_the_measurements_catch_what_they_look_for(phone: tuple[Any, list[str]]) -> None:
    """A page built to fail every measurement: each one must notice."""
    page, _ = phone
    page.set_content(
        "<!doctype html><html><head><style>"
        "body { margin: 0; background: #ffffff; color: #000000; font-size: 16px; }"
        ".wide { width: 500px; } .ad-prompt { font-size: 12px; } .grey { color: #777777; }"
        ".veil { background-color: rgba(0, 0, 0, 0.5); } .veil span { color: #ffffff; }"
        ".faint { color: rgba(0, 0, 0, 0.5); } .cloze { font-weight: 400; } .tall { height: 900px; }"
        "</style></head><body class=\"card card1\"><div class=\"wide\">wide</div><div class=\"ad-prompt\">tiny</div>"
        "<p class=\"grey\">grey</p><div class=\"veil\"><span>veiled</span></div><p class=\"faint\">faint</p>"
        "<span class=\"cloze\">[...]</span><div class=\"tall\"></div></body></html>"
    )
    measured = page.evaluate(MEASURE_JS, MAIN_TEXT)
    texts = {t["text"]: t for t in measured["texts"]}
    assert measured["scrollWidth"] == 500 > measured["clientWidth"] == WIDTH
    assert measured["scrollHeight"] > HEIGHT
    assert texts["tiny"]["main"] and texts["tiny"]["fontSize"] == 12
    assert not texts["grey"]["main"]
    assert texts["grey"]["contrast"] == pytest.approx(4.48, abs=0.01)  # #777 on white: just under AA
    assert texts["veiled"]["background"] == "#808080"  # half-black composited onto white
    assert texts["veiled"]["contrast"] == pytest.approx(3.98, abs=0.01)
    assert texts["faint"]["color"] == "#808080"  # half-black text composited onto white
    assert texts["wide"]["contrast"] == pytest.approx(21.0)
    (blank,) = measured["clozes"]
    assert blank["fontWeight"] == 400 and blank["background"] == blank["page"] == "#ffffff"


def test_the_network_guard_notices_remote_requests(phone: tuple[Any, list[str]]) -> None:
    page, blocked = phone
    before = len(blocked)
    page.set_content('<!doctype html><html><head><link rel="stylesheet" href="http://example.invalid/a.css"></head>'
                     '<body class="card card1"><img src="https://example.invalid/b.png" alt=""></body></html>')
    page.wait_for_load_state()
    try:
        assert {"http://example.invalid/a.css", "https://example.invalid/b.png"} <= set(blocked[before:])
    finally:
        del blocked[before:]
