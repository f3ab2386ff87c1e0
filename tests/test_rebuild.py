"""Rebuilding after edits: a learner who imports the new build keeps history and gets the changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ankiclient import import_package, note_by_guid, open_collection, reopen, revlog, scheduling, study
from conftest import ALL_KINDS_YAML, DECK_YAML

from builder import notetypes
from builder.compiler import note_guid
from builder.lock import retired_tag
from builder.notetypes import NOTE_TYPES, NoteType
from builder.pipeline import build_project, check_project

V1 = 1_760_000_000
V2 = V1 + 86_400
EXTRA_CSS = "\n.card { letter-spacing: 0.01em; }\n"

NEW_CARD = """\
  - id: provider-value
    kind: basic
    front: Name one kind of value a provider receives besides revenue.
    back: Brand reputation.
"""


def guid(card_id: str) -> str:
    return note_guid("test-deck", card_id)


def v2_sources(text: str) -> str:
    """The v1 cards with one definition edited, a card removed, one added and a cloze deletion added."""
    text = text.replace("Value is *subjective*.", "Value is *subjective*; the recipient decides.")
    start = text.index("  - id: email-example")
    end = text.index("  - id: value-cloze")
    text = text[:start] + text[end:]
    text = text.replace("and importance of something.\"", "and {{c3::importance}} of something.\"")
    return text + NEW_CARD


@pytest.fixture
def project(make_project):
    return make_project({"cards/deck.yaml": DECK_YAML, "cards/all.yaml": ALL_KINDS_YAML})


def build(cards: Path, now: int, **options) -> Path:
    result = build_project(cards, cards.parent / "dist", now=now, **options)
    assert not result.errors, result.errors
    return cards.parent / "dist" / "test-deck.apkg"


class TestReimport:
    """Steps 1 to 5 of the issue, one learner's collection through two releases."""

    @pytest.fixture
    def learner(self, project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
        v1 = build(project, V1)
        col = open_collection(tmp_path / "learner")
        first = import_package(col, v1)
        assert len(first.new) == 6
        col = reopen(col)
        studied = study(col, "Test deck::Core", answers=5)
        assert len(studied) == 5
        # The learner fixes a note on their phone; v2 leaves that card alone.
        basic = note_by_guid(col, guid("basic-card"))
        basic["Back"] = "The consumer (my own words)."
        col.update_note(basic)
        history = {"scheduling": scheduling(col), "revlog": revlog(col), "studied": studied,
                   "note_ids": {n: col.get_note(n).guid for n in col.find_notes("")}}
        assert len(history["revlog"]) == 5

        (project / "all.yaml").write_text(v2_sources(ALL_KINDS_YAML), encoding="utf-8")
        original_css = notetypes.card_css()
        monkeypatch.setattr(notetypes, "card_css", lambda: original_css + EXTRA_CSS)
        v2 = build(project, V2)
        second = import_package(col, v2)
        col = reopen(col)
        yield col, second, history, v2
        col.close()

    def test_edited_note_updates_in_place(self, learner) -> None:
        col, log, history, _ = learner
        note = note_by_guid(col, guid("value"))
        assert note.id in history["note_ids"]
        assert note["Explanation"] == "<p>Value is <em>subjective</em>; the recipient decides.</p>"
        assert note.id in {entry.id.nid for entry in log.updated}

    def test_new_card_added_without_duplicates_or_conflicts(self, learner) -> None:
        col, log, history, _ = learner
        assert not log.conflicting
        assert note_by_guid(col, guid("provider-value")) is not None
        guids = [col.get_note(n).guid for n in col.find_notes("")]
        assert len(guids) == len(set(guids)) == len(history["note_ids"]) + 1
        assert not any("+" in m.name for m in col.models.all_names_and_ids())  # no "<name>+" copies

    def test_review_history_and_scheduling_unchanged(self, learner) -> None:
        col, _, history, _ = learner
        assert revlog(col) == history["revlog"]
        before = {row[0]: row for row in history["scheduling"]}
        after = {row[0]: row for row in scheduling(col)}
        for card_id in history["studied"]:
            assert after[card_id] == before[card_id]
        assert set(before) <= set(after)

    def test_removed_card_is_kept_and_tagged_retired(self, learner) -> None:
        col, _, _, _ = learner
        retired = note_by_guid(col, guid("email-example"))
        assert retired is not None
        assert retired_tag("test-deck") in retired.tags
        assert "removed from the deck" in retired["Notice"]
        front = col.get_card(retired.card_ids()[0]).render_output(reload=True).question_text
        assert "removed from the deck" in front
        assert col.find_notes(f"tag:{retired_tag('test-deck')}") == [retired.id]

    def test_new_cloze_deletion_adds_a_card(self, learner) -> None:
        col, _, _, _ = learner
        note = note_by_guid(col, guid("value-cloze"))
        assert sorted(card.ord for card in note.cards()) == [0, 1, 2]

    def test_css_change_reaches_the_learner(self, learner) -> None:
        col, _, _, _ = learner
        model = col.models.by_name(NOTE_TYPES["basic"].name)
        assert model["css"].endswith(EXTRA_CSS)

    def test_learners_own_edit_survives_when_the_card_did_not_change(self, learner) -> None:
        col, _, _, _ = learner
        assert note_by_guid(col, guid("basic-card"))["Back"] == "The consumer (my own words)."

    def test_importing_the_same_package_again_changes_nothing(self, learner) -> None:
        col, _, history, v2 = learner
        state = (scheduling(col), revlog(col), [col.get_note(n).joined_fields() for n in col.find_notes("")])
        log = import_package(col, v2)
        assert not log.new and not log.updated and not log.conflicting
        assert (scheduling(col), revlog(col), [col.get_note(n).joined_fields() for n in col.find_notes("")]) == state


def test_same_sources_and_lock_give_identical_bytes(project: Path) -> None:
    package = build(project, V1)
    first = package.read_bytes()
    lock = (project / "deck.lock.json").read_text()
    assert build(project, V2).read_bytes() == first  # nothing changed: no new mod, no new bytes
    assert (project / "deck.lock.json").read_text() == lock


def test_changed_notes_get_a_later_mod_and_unchanged_keep_theirs(project: Path) -> None:
    build(project, V1)
    (project / "all.yaml").write_text(v2_sources(ALL_KINDS_YAML), encoding="utf-8")
    build(project, V1 - 500)  # a clock behind the last build still moves forward
    notes = json.loads((project / "deck.lock.json").read_text())["notes"]
    assert notes["basic-card"]["mod"] == V1
    assert notes["value"]["mod"] == V1 + 1
    assert notes["provider-value"]["mod"] == V1 + 1
    assert notes["email-example"]["retired"] is True


def test_locked_build_refuses_to_change_the_lock(project: Path) -> None:
    build(project, V1)
    (project / "all.yaml").write_text(v2_sources(ALL_KINDS_YAML), encoding="utf-8")
    result = build_project(project, project.parent / "dist", now=V2, locked=True)
    assert [p.rule for p in result.errors] == ["lock-outdated"]


def test_note_type_field_change_needs_acknowledgement(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project, V1)
    basic = NOTE_TYPES["basic"]
    grown = NoteType(basic.kind, basic.id, basic.name, basic.fields + (("Hint", basic.id * 100 + 9),), basic.templates)
    monkeypatch.setitem(NOTE_TYPES, "basic", grown)
    refused = check_project(project, now=V2)
    assert [p.rule for p in refused.errors] == ["note-type-changed"]
    assert "Merge note types" in refused.errors[0].message

    manifest = project / "deck.yaml"
    manifest.write_text(manifest.read_text() + "accept_note_type_changes: [basic]\n", encoding="utf-8")
    accepted = check_project(project, now=V2)
    assert not accepted.errors
    assert [p.rule for p in accepted.problems] == ["note-type-changed"]
    assert accepted.decks[0].plan.report.note_types == {"basic": "structure"}


@pytest.mark.parametrize(("edit", "rule"), [
    (lambda text: text.replace("deck: Exam", "deck: Core"), "deck-moved"),
    (lambda text: text.replace("{{c2::usefulness}}", "{{c2::utility}}"), "cloze-changed"),
    (lambda text: text.replace("{{c2::usefulness}}", "usefulness"), "cloze-removed"),
    (lambda text: text.replace("id: basic-card", "id: basic-card-renamed"), "likely-rename"),
])
def test_rebuild_warnings(project: Path, edit, rule: str) -> None:
    build(project, V1)
    (project / "all.yaml").write_text(edit(ALL_KINDS_YAML), encoding="utf-8")
    result = check_project(project, now=V2)
    assert not result.errors
    assert rule in {p.rule for p in result.problems}


def test_changing_a_cards_kind_is_refused(project: Path) -> None:
    build(project, V1)
    edited = ALL_KINDS_YAML.replace("""  - id: basic-card
    kind: basic
    front: Who decides whether a service is valuable?
    back: The consumer.""", """  - id: basic-card
    kind: cloze
    text: "The {{c1::consumer}} decides whether a service is valuable.\"""")
    (project / "all.yaml").write_text(edited, encoding="utf-8")
    result = check_project(project, now=V2)
    assert [(p.rule, p.line) for p in result.errors] == [("kind-changed", edited.splitlines().index("  - id: basic-card") + 2)]


def test_renaming_the_deck_warns_that_cards_stay_behind(project: Path) -> None:
    build(project, V1)
    manifest = project / "deck.yaml"
    manifest.write_text(manifest.read_text().replace("name: Test deck", "name: Renamed deck"), encoding="utf-8")
    result = check_project(project, now=V2)
    assert not result.errors
    assert "deck-renamed" in {p.rule for p in result.problems}
