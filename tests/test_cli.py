"""The `ankideck` command through Click's CliRunner: output, exit status and what is (not) written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner, Result
from conftest import ALL_KINDS_YAML, DECK_YAML, REPO

from builder import __version__
from builder.cli import cli

EPOCH = 1_700_000_000
CASES = Path(__file__).parent / "cases" / "check"

HEAD = """\
defaults:
  source: {ref: guide, section: Basics}
cards:
"""

BROKEN = {
    # line 6, column 21: the '{{' of c0 inside the quoted text
    "cards/b-cloze.yaml": HEAD + '  - id: a-cloze\n    kind: cloze\n    text: "Value is {{c0::x}}."\n',
    "cards/a-syntax.yaml": "cards: [\n",
    "cards/c-schema.yaml": HEAD + "  - id: a\n    kind: basic\n    front: F\n    bakc: B\n",
}
BROKEN_LINES = [
    "cards/a-syntax.yaml:2:1: error: expected the node content, but found '<stream end>' (while parsing a flow node) [yaml-syntax]",
    "cards/b-cloze.yaml:6:21: error: cloze numbers start at c1, not c0 [cloze-number]",
    "cards/c-schema.yaml:4:5: error: card 1: missing required field 'back' [schema-required]",
    "cards/c-schema.yaml:7:5: error: card 1: unknown field 'bakc' (did you mean 'back'?) [schema-additionalProperties]",
]

RAW_HTML = {"cards/html.yaml": HEAD + "  - id: a\n    kind: basic\n    front: F <b>bold</b>\n    back: B\n"}


@pytest.fixture
def project(make_project: Callable[[dict[str, str]], Path], monkeypatch: pytest.MonkeyPatch
            ) -> Callable[[dict[str, str]], Path]:
    """Lay out a project with the standard deck.yaml, work from its root, and fix the build time."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))

    def make(files: dict[str, str]) -> Path:
        cards = make_project({"cards/deck.yaml": DECK_YAML, **files})
        monkeypatch.chdir(cards.parent)
        return cards.parent

    return make


def invoke(runner: CliRunner, *args: str) -> Result:
    result = runner.invoke(cli, list(args), catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


# --- check -------------------------------------------------------------------------------------------

def test_check_on_a_clean_project(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    result = invoke(runner, "check")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "6 cards in 1 deck: no problems\n"
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == ["cards", "cards/all.yaml", "cards/deck.yaml"]


def test_check_reports_every_problem_sorted_one_per_line(runner: CliRunner,
                                                         project: Callable[[dict[str, str]], Path]) -> None:
    project({"cards/all.yaml": ALL_KINDS_YAML, **BROKEN})
    result = invoke(runner, "check")
    assert result.exit_code == 1
    # Sorted by place: the cloze problem is found after the schema problems of c-schema.yaml but listed before them.
    assert result.stdout.splitlines() == BROKEN_LINES
    assert result.stderr == "4 errors, 0 warnings\n"


def test_check_with_cards_given_as_an_option(runner: CliRunner, make_project: Callable[[dict[str, str]], Path],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    renamed = {path.replace("cards/", "decks/"): text for path, text in BROKEN.items()}
    decks = make_project({"decks/deck.yaml": DECK_YAML, **renamed})
    monkeypatch.chdir(decks.parent)
    result = invoke(runner, "check", "--cards", "decks")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [line.replace("cards/", "decks/") for line in BROKEN_LINES]


def place_and_rule(line: str) -> str:
    """'path:line:col: error: message [rule]' -> 'path:line:col [rule]'."""
    return f"{line.split(': error: ')[0]} {line.rsplit(' ', 1)[1]}"


def test_check_never_shows_a_traceback_whatever_the_files_hold(runner: CliRunner,
                                                               project: Callable[[dict[str, str]], Path]) -> None:
    nasty = {
        "cards/apply.yaml": "cards: !!python/object/apply:os.system ['echo hacked']\n",
        "cards/deep.yaml": "cards: " + "[" * 50_000 + "\n",
        "cards/nul.yaml": "cards:\n  - id: a\x00\n",
        "cards/latin1.yaml": "cards:\n  - id: caf\xe9\n".encode("latin-1"),
        "cards/list.yaml": "- a\n- b\n",
        "cards/empty.yaml": "",
        "cards/alias.yaml": "cards: &a [*a]\n",
    }
    project(nasty)
    result = invoke(runner, "check")
    assert result.exit_code == 1
    assert [place_and_rule(line) for line in result.stdout.splitlines()] == [
        "cards/alias.yaml:1:12 [yaml-alias]",
        "cards/apply.yaml:1:8 [yaml-tag]",
        "cards/deep.yaml:1:1 [yaml-too-deep]",
        "cards/empty.yaml:1:1 [empty-file]",
        "cards/latin1.yaml:2:12 [encoding]",
        "cards/list.yaml:1:1 [not-a-mapping]",
        "cards/nul.yaml:2:10 [yaml-character]",
    ]


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_check_output_matches_the_golden_case(runner: CliRunner, case: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(case / "cards", tmp_path / "cards")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    expected = (case / "expected.txt").read_text(encoding="utf-8")
    result = invoke(runner, "check")
    assert result.stdout == expected
    assert result.exit_code == (1 if ": error: " in expected else 0)


def test_check_json_lists_the_problems(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    project({"cards/all.yaml": ALL_KINDS_YAML, **BROKEN, **RAW_HTML})
    result = invoke(runner, "check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"][1] == {
        "path": "cards/b-cloze.yaml", "line": 6, "column": 21, "severity": "error",
        "rule": "cloze-number", "message": "cloze numbers start at c1, not c0",
    }
    assert [(p["path"], p["line"], p["column"], p["severity"], p["rule"]) for p in report["problems"]] == [
        ("cards/a-syntax.yaml", 2, 1, "error", "yaml-syntax"),
        ("cards/b-cloze.yaml", 6, 21, "error", "cloze-number"),
        ("cards/c-schema.yaml", 4, 5, "error", "schema-required"),
        ("cards/c-schema.yaml", 7, 5, "error", "schema-additionalProperties"),
        ("cards/html.yaml", 6, 12, "warning", "raw-html"),
    ]
    assert report["decks"] == []  # the deck has errors, so there is no build plan to show


def test_check_json_on_a_clean_project(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    project({"cards/all.yaml": ALL_KINDS_YAML})
    result = invoke(runner, "check", "--format", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert (report["ok"], report["problems"]) == (True, [])
    assert [deck["deck"] for deck in report["decks"]] == ["test-deck"]


def test_a_warning_passes_unless_strict(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    project({"cards/all.yaml": ALL_KINDS_YAML, **RAW_HTML})
    warning = ("cards/html.yaml:6:12: warning: HTML in the text is shown as typed, not interpreted: use Markdown "
               "instead [raw-html]\n")
    relaxed = invoke(runner, "check")
    assert (relaxed.exit_code, relaxed.stdout) == (0, warning)
    strict = invoke(runner, "check", "--strict")
    assert (strict.exit_code, strict.stdout) == (1, warning)
    assert strict.stderr == "0 errors, 1 warning\n"
    assert json.loads(invoke(runner, "check", "--strict", "--format", "json").stdout)["ok"] is False


# --- build -------------------------------------------------------------------------------------------

def test_build_writes_the_deck_and_the_lock(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    result = invoke(runner, "build")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == ("wrote dist/test-deck.apkg: 6 new, 0 updated, 0 unchanged\n"
                             "updated cards/deck.lock.json: commit it with the sources\n")
    with zipfile.ZipFile(root / "dist" / "test-deck.apkg") as package:
        assert "collection.anki2" in package.namelist()
    lock = json.loads((root / "cards" / "deck.lock.json").read_text(encoding="utf-8"))
    assert lock["deck"]["key"] == "test-deck"
    assert sorted(lock["notes"]) == sorted(["value", "delivers-vs-co-creates", "email-example", "value-cloze",
                                            "value-mcq", "basic-card"])


def test_build_is_reproducible(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    invoke(runner, "build")
    first = (root / "dist" / "test-deck.apkg").read_bytes()
    (root / "cards" / "deck.lock.json").unlink()
    invoke(runner, "build")
    assert (root / "dist" / "test-deck.apkg").read_bytes() == first


def test_build_packages_a_present_image(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                        "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")
    root = project({"cards/pic.yaml": HEAD + "  - id: pic\n    kind: basic\n    front: '![c](img/chart.png)'\n    back: B\n"})
    (root / "cards" / "img").mkdir()
    (root / "cards" / "img" / "chart.png").write_bytes(png)
    assert invoke(runner, "build").exit_code == 0
    with zipfile.ZipFile(root / "dist" / "test-deck.apkg") as package:
        media = json.loads(package.read("media"))
        assert len(media) == 1
        (index, name), = media.items()
        assert name.startswith("ad-chart-") and name.endswith(".png")
        assert package.read(index) == png


def test_build_with_errors_writes_nothing(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML, **BROKEN})
    result = invoke(runner, "build")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == BROKEN_LINES
    assert not (root / "dist").exists()
    assert not (root / "cards" / "deck.lock.json").exists()


def test_build_with_errors_leaves_the_previous_deck_intact(runner: CliRunner,
                                                           project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    assert invoke(runner, "build").exit_code == 0
    package, lock = root / "dist" / "test-deck.apkg", root / "cards" / "deck.lock.json"
    before = package.read_bytes(), lock.read_bytes()
    edited = ALL_KINDS_YAML.replace("The consumer.", "The customer.")
    (root / "cards" / "all.yaml").write_text(edited + "  - id: broken\n    kind: basic\n    front: F\n",
                                              encoding="utf-8")
    result = invoke(runner, "build")
    assert result.exit_code == 1
    broken_line = edited.count("\n") + 1
    assert result.stdout == f"cards/all.yaml:{broken_line}:5: error: card 7: missing required field 'back' [schema-required]\n"
    assert (package.read_bytes(), lock.read_bytes()) == before
    assert sorted(p.name for p in (root / "dist").iterdir()) == ["test-deck.apkg"]  # no temporary files left


def test_build_strict_with_a_warning_writes_nothing(runner: CliRunner,
                                                    project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML, **RAW_HTML})
    result = invoke(runner, "build", "--strict")
    assert result.exit_code == 1
    assert result.stdout.endswith("[raw-html]\n")
    assert not (root / "dist").exists()
    assert not (root / "cards" / "deck.lock.json").exists()


def test_build_to_another_folder(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    assert invoke(runner, "build", "--out", "release/decks").exit_code == 0
    assert (root / "release" / "decks" / "test-deck.apkg").is_file()
    assert not (root / "dist").exists()


LOCK_OUTDATED = ("cards/deck.lock.json: error: the sources changed since the lock was written: run 'ankideck build' "
                 "and commit the lock with them [lock-outdated]\n")


def test_locked_build_fails_without_a_lock(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    result = invoke(runner, "build", "--locked")
    assert (result.exit_code, result.stdout) == (1, LOCK_OUTDATED)
    assert not (root / "dist").exists()
    assert not (root / "cards" / "deck.lock.json").exists()


def test_locked_build_fails_with_a_stale_lock(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    assert invoke(runner, "build").exit_code == 0
    lock = root / "cards" / "deck.lock.json"
    before = lock.read_bytes()
    (root / "cards" / "all.yaml").write_text(ALL_KINDS_YAML.replace("The consumer.", "The customer."), encoding="utf-8")
    result = invoke(runner, "build", "--locked")
    assert (result.exit_code, result.stdout) == (1, LOCK_OUTDATED)
    assert lock.read_bytes() == before
    assert json.loads(invoke(runner, "check", "--format", "json").stdout)["decks"][0]["updated"] == ["basic-card"]


def test_locked_build_passes_with_a_current_lock(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    assert invoke(runner, "build").exit_code == 0
    lock = root / "cards" / "deck.lock.json"
    before = lock.read_bytes()
    result = invoke(runner, "build", "--locked")
    assert result.exit_code == 0
    assert result.stderr == "wrote dist/test-deck.apkg: 0 new, 0 updated, 6 unchanged\n"
    assert lock.read_bytes() == before


# --- diff --------------------------------------------------------------------------------------------

NEW_CARD = "  - id: provider-value\n    kind: basic\n    front: Name a provider's value.\n    back: Reputation.\n"


def edited_sources() -> str:
    """The standard cards with one edited, one removed and one added."""
    text = ALL_KINDS_YAML.replace("The consumer.", "The customer.")
    text = text[:text.index("  - id: email-example")] + text[text.index("  - id: value-cloze"):]
    return text + NEW_CARD


def test_diff_counts_new_updated_and_retired(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    assert invoke(runner, "build").exit_code == 0
    (root / "cards" / "all.yaml").write_text(edited_sources(), encoding="utf-8")
    result = invoke(runner, "diff")
    assert result.exit_code == 0
    assert result.stdout == (
        "test-deck: importing this build over the last one\n"
        "  new: 1 (provider-value)\n"
        "  updated: 1 (basic-card)\n"
        "  unchanged: 4\n"
        "  retired: 1 (email-example; learners keep them, tagged test-deck::retired)\n"
    )


def test_diff_as_json(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    assert invoke(runner, "build").exit_code == 0
    (root / "cards" / "all.yaml").write_text(edited_sources(), encoding="utf-8")
    result = invoke(runner, "diff", "--format", "json")
    assert result.exit_code == 0
    (deck,) = json.loads(result.stdout)["decks"]
    assert (deck["new"], deck["updated"], deck["unchanged"], deck["retired"]) == (
        ["provider-value"], ["basic-card"], 4, ["email-example"])
    assert deck["lock_changed"] is True


def test_diff_before_the_first_build_shows_everything_new(runner: CliRunner,
                                                          project: Callable[[dict[str, str]], Path]) -> None:
    project({"cards/all.yaml": ALL_KINDS_YAML})
    result = invoke(runner, "diff")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:3] == [
        "test-deck: importing this build over the last one",
        "  new: 6 (value, delivers-vs-co-creates, email-example, value-cloze, value-mcq, basic-card)",
        "  updated: 0",
    ]
    assert "  note type mcq: new" in result.stdout.splitlines()


# --- usage errors and help -----------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "fragments"), [
    pytest.param(["check", "--bogus"], ["No such option", "--bogus"], id="unknown-option"),
    pytest.param(["check", "--format", "xml"], ["'xml' is not one of 'text', 'json'"], id="unknown-format"),
    pytest.param(["lint"], ["No such command 'lint'"], id="unknown-command"),
    pytest.param(["check", "--cards", "nowhere"], ["ankideck: no cards folder at nowhere\n"], id="missing-cards-folder"),
    pytest.param(["build", "--cards", "empty"], ["ankideck: no deck.yaml under empty: each deck needs a manifest\n"],
                 id="cards-folder-without-deck"),
    pytest.param(["diff", "--cards", "cards/all.yaml"], ["'cards/all.yaml' is a file"], id="cards-is-a-file"),
])
def test_usage_errors_exit_2(runner: CliRunner, project: Callable[[dict[str, str]], Path], args: list[str],
                             fragments: list[str]) -> None:
    root = project({"cards/all.yaml": ALL_KINDS_YAML})
    (root / "empty").mkdir()
    result = invoke(runner, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    for fragment in fragments:
        assert fragment in result.stderr
    assert not (root / "dist").exists()


@pytest.mark.parametrize(("args", "description"), [
    pytest.param([], "Compile YAML flashcards in cards/ into Anki decks in dist/.", id="ankideck"),
    pytest.param(["check"], "Check every card file and report every problem; write nothing.", id="check"),
    pytest.param(["build"], "Nothing is written when there is any error", id="build"),
    pytest.param(["diff"], "Show what importing a new build over the last one would do for learners.", id="diff"),
])
def test_help_explains_each_command(runner: CliRunner, args: list[str], description: str) -> None:
    for flag in ("--help", "-h"):
        result = invoke(runner, *args, flag)
        assert result.exit_code == 0
        assert description in " ".join(result.stdout.split())
        assert "Usage:" in result.stdout
    if args:
        assert "--cards DIRECTORY" in result.stdout


def test_top_level_help_lists_every_command_and_each_explains_itself(runner: CliRunner) -> None:
    result = invoke(runner, "--help")
    listed = result.stdout[result.stdout.index("Commands:"):].split()
    assert {"build", "check", "diff"} <= set(cli.commands)
    for name, command in cli.commands.items():
        assert name in listed
        own = invoke(runner, name, "--help")
        assert own.exit_code == 0
        assert own.stdout.startswith(f"Usage: cli {name} [OPTIONS]")
        assert command.help, f"{name} has no help text"
        assert command.help.split("\n")[0] in " ".join(own.stdout.split())


def test_version(runner: CliRunner) -> None:
    result = invoke(runner, "--version")
    assert (result.exit_code, result.stdout) == (0, f"ankideck, version {__version__}\n")


def test_python_dash_m_builder() -> None:
    result = subprocess.run([sys.executable, "-m", "builder", "--help"], cwd=REPO, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: ankideck [OPTIONS] COMMAND [ARGS]...")
    assert "check" in result.stdout and "build" in result.stdout


def test_python_dash_m_builder_checks_a_project(make_project: Callable[[dict[str, str]], Path]) -> None:
    cards = make_project({"cards/deck.yaml": DECK_YAML, **BROKEN})
    result = subprocess.run([sys.executable, "-m", "builder", "check", "--cards", str(cards)], cwd=cards.parent,
                            capture_output=True, text=True, timeout=60, check=False,
                            env={"PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": str(EPOCH), "PATH": ""})
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == BROKEN_LINES
    assert "Traceback" not in result.stderr


def test_check_as_github_annotations(runner: CliRunner, project: Callable[[dict[str, str]], Path]) -> None:
    project({"cards/all.yaml": ALL_KINDS_YAML.replace("kind: basic", "kind: basik")})
    result = invoke(runner, "check", "--format", "github")
    assert result.exit_code == 1
    line = ALL_KINDS_YAML.replace("kind: basic", "kind: basik").splitlines().index("    kind: basik") + 1
    assert result.stdout == (f"::error file=cards/all.yaml,line={line},col=11,title=unknown-kind::card 6, field 'kind': "
                             "unknown kind 'basik'; the kinds are definition, distinction, example, cloze, mcq, basic\n")
