"""The JSON Schemas editors use: every field explained, every example valid."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest
from conftest import REPO
from jsonschema import Draft202012Validator

from builder.schemas import _validators

SCHEMAS = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted((REPO / "schemas").glob("*.schema.json"))}


def resolve(node: dict[str, Any], base: str) -> tuple[dict[str, Any], str]:
    """Follow a $ref (local or to a sibling file), keeping the referring node's own keywords."""
    if "$ref" not in node:
        return node, base
    file, _, fragment = node["$ref"].partition("#")
    target: Any = SCHEMAS[file or base]
    for part in filter(None, fragment.split("/")):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}, file or base


def properties(node: dict[str, Any], base: str, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    node, base = resolve(node, base)
    for name, child in node.get("properties", {}).items():
        resolved, child_base = resolve(child, base)
        yield f"{path}{name}", resolved
        yield from properties(child, base, f"{path}{name}.")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from properties(node[key], base, f"{path}{key}.")


@pytest.mark.parametrize("name", [n for n in SCHEMAS if n != "common.schema.json"])
def test_every_field_has_a_description_and_an_example(name: str) -> None:
    lacking = [(path, missing) for path, node in properties(SCHEMAS[name], name)
               for missing in ("description", "examples") if missing not in node]
    assert lacking == []


@pytest.mark.parametrize("name", [n for n in SCHEMAS if n != "common.schema.json"])
def test_the_schema_is_valid_and_its_examples_validate(name: str) -> None:
    Draft202012Validator.check_schema(SCHEMAS[name])
    validator = _validators()[name]
    assert SCHEMAS[name]["examples"]
    for example in SCHEMAS[name]["examples"]:
        assert list(validator.iter_errors(example)) == []


def test_card_files_name_their_schema_on_the_first_line() -> None:
    for path in sorted((REPO / "cards").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = "deck.schema.json" if path.name == "deck.yaml" else "cards.schema.json"
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("=", 1)[1]).resolve()
        assert schema == (REPO / "schemas" / target).resolve(), path
