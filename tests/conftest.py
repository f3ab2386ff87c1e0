"""Shared fixtures: small projects laid out from dicts, and the CLI runner."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent

DECK_YAML = """\
# yaml-language-server: $schema=../schemas/deck.schema.json
key: test-deck
name: Test deck
description: A deck for *tests*.
sources:
  guide:
    title: Study guide
    file: guide.txt
"""

# One card of every kind, citing the deck's one source.
ALL_KINDS_YAML = """\
defaults:
  deck: Core
  tags: [test::all]
  source: {ref: guide, section: Basics}
cards:
  - id: value
    kind: definition
    term: Value
    definition: The perceived benefits, usefulness, and importance of something.
    explanation: Value is *subjective*.
    reverse: true
  - id: delivers-vs-co-creates
    kind: distinction
    topic: How value arises
    a: {label: Delivered, meaning: The provider hands value over.}
    b: {label: Co-created, meaning: Provider and consumer make value together.}
    difference: Whether the consumer takes part.
  - id: email-example
    kind: example
    scenario: E-mail is vital to sales and unused on the factory floor.
    question: What does this show about value?
    answer: The recipient decides what is valuable.
    concept: value
  - id: value-cloze
    kind: cloze
    text: "Value: the perceived {{c1::benefits}}, {{c2::usefulness}}, and importance of something."
  - id: value-mcq
    kind: mcq
    deck: Exam
    question: How does ITIL 4 define value?
    answer: The perceived benefits, usefulness, and importance of something
    distractors: [The revenue a provider earns, The outputs a provider delivers, The agreed service levels]
    explanation: Value is defined by perception.
  - id: basic-card
    kind: basic
    front: Who decides whether a service is valuable?
    back: The consumer.
"""


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Lay out a project from {relative path: text}; returns its cards folder."""

    def make(files: dict[str, str]) -> Path:
        for relative, text in files.items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path / "cards"

    return make


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# Debian's Chromium, headless; the background-networking flags keep it from calling out.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A real headless Chromium driven by Playwright; the tests that need it skip, saying why, without it."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no chromium on PATH: install Debian's chromium (apt-get install chromium); .ci/run does")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
