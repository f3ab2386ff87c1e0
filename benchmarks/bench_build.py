"""Time `check` and `build` on the shipped deck and on synthetic decks, and report package sizes.

    python benchmarks/bench_build.py [--cards 500 2000] [--repeat 3]

Prints one row per deck: cards, notes, seconds for check, first build (no lock) and rebuild
(unchanged, with lock), and the .apkg size. Best of --repeat runs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from builder.pipeline import build_project, check_project  # noqa: E402

DECK = """\
key: bench
name: Benchmark
sources:
  doc: {title: A document}
"""


def synthetic_cards(count: int) -> str:
    """A card file with `count` cards cycling through every kind."""
    lines = ["defaults:", "  source: {ref: doc, section: One}", "  tags: [bench::synthetic]", "cards:"]
    for i in range(count):
        kind = ("definition", "distinction", "example", "cloze", "mcq", "basic")[i % 6]
        lines.append(f"  - id: card-{i}\n    kind: {kind}")
        if kind == "definition":
            lines.append(f"    term: Term {i}\n    definition: The *meaning* of term {i}, in a sentence.\n    reverse: true")
        elif kind == "distinction":
            lines.append(f"    a: {{label: Idea {i}a, meaning: One way to see {i}.}}\n    b: {{label: Idea {i}b, meaning: Another way.}}\n    difference: Which way round {i} goes.")
        elif kind == "example":
            lines.append(f"    scenario: Something happens to {i}.\n    question: What does it show?\n    answer: Term {i - 2}.\n    concept: card-{i - 2}")
        elif kind == "cloze":
            lines.append(f'    text: "Fact {i} has a {{{{c1::first}}}} and a {{{{c2::second}}}} part."')
        elif kind == "mcq":
            lines.append(f"    question: Which is right for {i}?\n    answer: This one\n    distractors: [Not this, Nor this, Nor that]\n    explanation: Because {i}.")
        else:
            lines.append(f"    front: Question {i}?\n    back: Answer {i}.")
    return "\n".join(lines) + "\n"


def best_of(repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(cards_dir: Path, repeat: int) -> tuple[int, float, float, float, int]:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch) / "cards"
        shutil.copytree(cards_dir, work, ignore=shutil.ignore_patterns("deck.lock.json"))
        out = Path(scratch) / "dist"
        check_seconds = best_of(repeat, lambda: check_project(work, now=1_700_000_000))

        def first_build() -> None:
            (work / "deck.lock.json").unlink(missing_ok=True)
            assert not build_project(work, out, now=1_700_000_000).errors

        first_seconds = best_of(repeat, first_build)
        rebuild_seconds = best_of(repeat, lambda: build_project(work, out, now=1_700_000_100))
        result = check_project(work, now=1_700_000_200)
        notes = sum(len(d.plan.notes) for d in result.decks if d.plan)
        size = sum(p.stat().st_size for p in out.glob("*.apkg"))
        return notes, check_seconds, first_seconds, rebuild_seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, nargs="*", default=[500, 2000], help="sizes of the synthetic decks")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'deck':<22}{'notes':>7}{'check s':>10}{'build s':>10}{'rebuild s':>11}{'apkg KiB':>10}")
    rows = [("shipped (cards/)", REPO / "cards")]
    with tempfile.TemporaryDirectory() as scratch:
        for count in args.cards:
            folder = Path(scratch) / f"synthetic-{count}"
            folder.mkdir()
            (folder / "deck.yaml").write_text(DECK)
            (folder / "cards.yaml").write_text(synthetic_cards(count))
            rows.append((f"synthetic {count}", folder))
        for name, folder in rows:
            notes, check_s, build_s, rebuild_s, size = measure(folder, args.repeat)
            print(f"{name:<22}{notes:>7}{check_s:>10.2f}{build_s:>10.2f}{rebuild_s:>11.2f}{size / 1024:>10.1f}")


if __name__ == "__main__":
    main()
