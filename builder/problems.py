"""Problems found in the sources: plain data, sorted and rendered once by the CLI."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the sources; line and column are 1-based, 0 when unknown."""

    path: str
    line: int
    column: int
    severity: Severity
    rule: str
    message: str

    def sort_key(self) -> tuple[str, int, int, bool, str, str]:
        """Order by place, then errors before warnings."""
        return (self.path, self.line, self.column, self.severity is Severity.WARNING, self.rule, self.message)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass(frozen=True)
class Position:
    """Where something starts in a source file (1-based)."""

    line: int
    column: int


UNKNOWN = Position(0, 0)


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def error(path: Path | str, at: Position, rule: str, message: str) -> Problem:
    return Problem(_path(path), at.line, at.column, Severity.ERROR, rule, message)


def warning(path: Path | str, at: Position, rule: str, message: str) -> Problem:
    return Problem(_path(path), at.line, at.column, Severity.WARNING, rule, message)


def _path(path: Path | str) -> str:
    return display_path(path) if isinstance(path, Path) else path
