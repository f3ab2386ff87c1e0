"""Find the decks in a cards folder: every deck.yaml and the card files below it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MANIFEST = "deck.yaml"
LOCK = "deck.lock.json"
CARD_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class DeckSources:
    manifest: Path
    card_files: tuple[Path, ...]

    @property
    def root(self) -> Path:
        return self.manifest.parent

    @property
    def lock(self) -> Path:
        return self.root / LOCK


@dataclass(frozen=True)
class Discovery:
    decks: tuple[DeckSources, ...]
    orphans: tuple[Path, ...]  # card files with no deck.yaml above them


def discover(cards_dir: Path) -> Discovery:
    """List each deck.yaml under `cards_dir` with the card files that belong to it (nearest manifest wins)."""
    files = sorted(
        path for path in cards_dir.rglob("*")
        if path.is_file() and path.suffix in CARD_SUFFIXES and not any(part.startswith(".") for part in path.relative_to(cards_dir).parts)
    )
    manifests = [path for path in files if path.name == MANIFEST]
    roots = {manifest.parent: manifest for manifest in manifests}
    members: dict[Path, list[Path]] = {manifest: [] for manifest in manifests}
    orphans: list[Path] = []
    for path in files:
        if path.name == MANIFEST:
            continue
        owner = next((roots[parent] for parent in path.parents if parent in roots), None)
        if owner is None:
            orphans.append(path)
        else:
            members[owner].append(path)
    decks = tuple(DeckSources(manifest, tuple(members[manifest])) for manifest in manifests)
    return Discovery(decks, tuple(orphans))
