"""The note types: one per card kind, designed once with fixed ids.

Anki matches a re-imported note type by id and by its field and template names in order; a change
to those names strands every learner's existing notes (see the lock stage). So every id here is a
constant, every note type ends with the same shared fields, and two spare fields leave room to grow
without renaming anything. Template HTML and CSS may change freely: they update on import.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

SHARED_FIELDS = ("Source", "Notice", "Spare 1", "Spare 2")


@dataclass(frozen=True)
class Template:
    name: str
    id: int
    front: str
    back: str


@dataclass(frozen=True)
class NoteType:
    kind: str
    id: int
    name: str
    fields: tuple[tuple[str, int], ...]  # (name, fixed id), in order
    templates: tuple[Template, ...]
    is_cloze: bool = False

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.fields)

    def structure(self) -> dict[str, object]:
        """What Anki compares to decide whether existing notes still fit: names and ids, in order."""
        return {
            "fields": [[name, field_id] for name, field_id in self.fields],
            "templates": [[t.name, t.id] for t in self.templates],
            "cloze": self.is_cloze,
        }

    def appearance_hash(self) -> str:
        """A hash of the template HTML and CSS, which learners receive on import."""
        payload = json.dumps([[t.front, t.back] for t in self.templates] + [card_css()], ensure_ascii=False)
        return "sha256:" + hashlib.sha256(payload.encode()).hexdigest()


@cache
def card_css() -> str:
    return resources.files("builder").joinpath("card.css").read_text(encoding="utf-8")


def _fields(base: int, *names: str) -> tuple[tuple[str, int], ...]:
    return tuple((name, base + index) for index, name in enumerate(names + SHARED_FIELDS, start=1))


_NOTICE = '{{#Notice}}<div class="ad-notice">{{Notice}}</div>{{/Notice}}'
_SOURCE = '<div class="ad-source">{{Source}}</div>'


def _front(kind: str, body: str) -> str:
    return f'{_NOTICE}<div class="ad-sheet ad-{kind}">{body}</div>'


def _back(kind: str, front_body: str, answer: str) -> str:
    return f'{_NOTICE}<div class="ad-sheet ad-{kind}">{front_body}<hr id="answer">{answer}{_SOURCE}</div>'


def _section(field: str, title: str) -> str:
    return (
        f'{{{{#{field}}}}}<div class="ad-section"><span class="ad-section-title">{title}</span>'
        f'<div class="ad-body">{{{{{field}}}}}</div></div>{{{{/{field}}}}}'
    )


_TERM_PROMPT = '<div class="ad-kicker">Define</div><div class="ad-prompt">{{Term}}</div>'
_DEFINITION_PROMPT = '<div class="ad-kicker">Which term is defined?</div><div class="ad-prompt ad-body">{{Definition}}</div>'

DEFINITION = NoteType(
    kind="definition",
    id=1621371308266,
    name="ankideck: Definition",
    fields=_fields(1621371308266 * 100, "Term", "Definition", "Explanation", "Example", "Reverse"),
    templates=(
        Template(
            "Term to definition",
            1621371308266 * 100 + 51,
            _front("definition", _TERM_PROMPT),
            _back("definition", _TERM_PROMPT, '<div class="ad-answer ad-body">{{Definition}}</div>'
                  + _section("Explanation", "Why it matters") + _section("Example", "Example")),
        ),
        Template(
            "Definition to term",
            1621371308266 * 100 + 52,
            "{{#Reverse}}" + _front("definition", _DEFINITION_PROMPT) + "{{/Reverse}}",
            _back("definition", _DEFINITION_PROMPT, '<div class="ad-answer">{{Term}}</div>'
                  + _section("Explanation", "Why it matters") + _section("Example", "Example")),
        ),
    ),
)

_TOPIC = '{{#Topic}}<div class="ad-kicker ad-topic">{{Topic}}</div>{{/Topic}}'
_DIFFERENCE_PROMPT = (
    _TOPIC + '<div class="ad-prompt">What is the deciding difference between '
    "<strong>{{Label A}}</strong> and <strong>{{Label B}}</strong>?</div>"
)
_SIDES = (
    '<div class="ad-side"><span class="ad-section-title">{{Label A}}</span><div class="ad-body">{{Meaning A}}</div></div>'
    '<div class="ad-side"><span class="ad-section-title">{{Label B}}</span><div class="ad-body">{{Meaning B}}</div></div>'
)


def _which_prompt(side: str) -> str:
    return (
        _TOPIC + '<div class="ad-prompt">Which idea does this statement describe?</div>'
        f'<div class="ad-statement ad-body">{{{{Meaning {side}}}}}</div>'
        '<div class="ad-choices"><strong>{{Label A}}</strong> or <strong>{{Label B}}</strong>?</div>'
    )


DISTINCTION = NoteType(
    kind="distinction",
    id=1944015802649,
    name="ankideck: Distinction",
    fields=_fields(1944015802649 * 100, "Topic", "Label A", "Meaning A", "Label B", "Meaning B", "Difference", "Explanation"),
    templates=(
        Template(
            "Deciding difference",
            1944015802649 * 100 + 51,
            _front("distinction", _DIFFERENCE_PROMPT),
            _back("distinction", _DIFFERENCE_PROMPT, '<div class="ad-answer ad-body">{{Difference}}</div>'
                  + _SIDES + _section("Explanation", "Why it matters")),
        ),
        Template(
            "Which is it: first idea",
            1944015802649 * 100 + 52,
            _front("distinction", _which_prompt("A")),
            _back("distinction", _which_prompt("A"), '<div class="ad-answer">{{Label A}}</div>'
                  + '<div class="ad-body">{{Difference}}</div>'),
        ),
        Template(
            "Which is it: second idea",
            1944015802649 * 100 + 53,
            _front("distinction", _which_prompt("B")),
            _back("distinction", _which_prompt("B"), '<div class="ad-answer">{{Label B}}</div>'
                  + '<div class="ad-body">{{Difference}}</div>'),
        ),
    ),
)

_EXAMPLE_PROMPT = (
    '<div class="ad-kicker">Worked example</div><div class="ad-statement ad-body">{{Scenario}}</div>'
    '<div class="ad-prompt ad-body">{{Question}}</div>'
)

EXAMPLE = NoteType(
    kind="example",
    id=1232811130380,
    name="ankideck: Worked example",
    fields=_fields(1232811130380 * 100, "Scenario", "Question", "Answer", "Explanation", "Concept"),
    templates=(
        Template(
            "Interpret the example",
            1232811130380 * 100 + 51,
            _front("example", _EXAMPLE_PROMPT),
            _back("example", _EXAMPLE_PROMPT, '<div class="ad-answer ad-body">{{Answer}}</div>'
                  + _section("Explanation", "Why") + _section("Concept", "Concept")),
        ),
    ),
)

CLOZE = NoteType(
    kind="cloze",
    id=1952612422990,
    name="ankideck: Cloze",
    fields=_fields(1952612422990 * 100, "Text", "Extra"),
    templates=(
        Template(
            "Cloze",
            1952612422990 * 100 + 51,
            _NOTICE + '<div class="ad-sheet ad-cloze"><div class="ad-kicker">Fill in the blank</div>'
            '<div class="ad-prompt ad-body">{{cloze:Text}}</div></div>',
            _NOTICE + '<div class="ad-sheet ad-cloze"><div class="ad-kicker">Fill in the blank</div>'
            '<div class="ad-prompt ad-body">{{cloze:Text}}</div><hr id="answer">'
            + _section("Extra", "More") + _SOURCE + "</div>",
        ),
    ),
    is_cloze=True,
)

_MCQ_PROMPT = '<div class="ad-kicker">Exam practice</div><div class="ad-prompt ad-body">{{Question}}</div>'

MCQ = NoteType(
    kind="mcq",
    id=1137325280593,
    name="ankideck: Multiple choice",
    fields=_fields(1137325280593 * 100, "Question", "Options", "Answer", "Explanation"),
    templates=(
        Template(
            "Choose the answer",
            1137325280593 * 100 + 51,
            _front("mcq", _MCQ_PROMPT + "{{Options}}"),
            _NOTICE + '<div class="ad-sheet ad-mcq">' + _MCQ_PROMPT + '<hr id="answer">'
            '<div class="ad-key">{{Options}}</div>'
            + _section("Explanation", "Why") + _SOURCE + "</div>",
        ),
    ),
)

_BASIC_PROMPT = '<div class="ad-prompt ad-body">{{Front}}</div>'

BASIC = NoteType(
    kind="basic",
    id=2058024952294,
    name="ankideck: Basic",
    fields=_fields(2058024952294 * 100, "Front", "Back", "Extra"),
    templates=(
        Template(
            "Front to back",
            2058024952294 * 100 + 51,
            _front("basic", _BASIC_PROMPT),
            _back("basic", _BASIC_PROMPT, '<div class="ad-answer ad-body">{{Back}}</div>' + _section("Extra", "More")),
        ),
    ),
)

NOTE_TYPES: dict[str, NoteType] = {nt.kind: nt for nt in (DEFINITION, DISTINCTION, EXAMPLE, CLOZE, MCQ, BASIC)}
