"""The JSON Schemas that define deck manifests and card files, and validation against them."""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any, Iterator

import jsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from builder.loader import Document
from builder.problems import Problem, error

DECK_SCHEMA = "deck.schema.json"
CARDS_SCHEMA = "cards.schema.json"


def schema_dir() -> Path:
    """The schemas folder: packaged inside the wheel, or at the project root in a source checkout."""
    packaged = Path(__file__).parent / "schemas"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "schemas"


@cache
def _validators() -> dict[str, Draft202012Validator]:
    directory = schema_dir()
    schemas: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        schema["$id"] = path.resolve().as_uri()  # so relative $refs resolve to sibling files
        schemas[path.name] = schema
    registry: Registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)) for schema in schemas.values()
    )
    return {name: Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()}


def kinds() -> tuple[str, ...]:
    """The card kinds the card-file schema knows."""
    schema = _validators()[CARDS_SCHEMA].schema
    return tuple(schema["$defs"]["card"]["properties"]["kind"]["enum"])


def validate_document(document: Document, schema_name: str) -> list[Problem]:
    """Every way the document breaks the schema, each at the place it concerns."""
    return validate_with_cards(document, schema_name)[0]


def validate_with_cards(document: Document, schema_name: str) -> tuple[list[Problem], set[int] | None]:
    """The problems, and the indexes of the cards they concern (None when one lies outside `cards`)."""
    errors = list(_leaves(_validators()[schema_name].iter_errors(document.data)))
    problems = sorted({_problem(document, e) for e in errors}, key=Problem.sort_key)
    paths = [tuple(e.absolute_path) for e in errors]
    if any(len(at) < 2 or at[0] != "cards" or not isinstance(at[1], int) for at in paths):
        return problems, None
    return problems, {int(at[1]) for at in paths}


def _leaves(errors: Iterator[jsonschema.ValidationError]) -> Iterator[jsonschema.ValidationError]:
    for e in errors:
        if e.context:  # anyOf/oneOf: report the alternatives' own errors
            yield from _leaves(iter(e.context))
        else:
            yield e


def _problem(document: Document, e: jsonschema.ValidationError) -> Problem:
    at = tuple(e.absolute_path)
    where = _describe_path(at)
    rule = f"schema-{e.validator}"
    position = document.position(at)
    schema = e.schema if isinstance(e.schema, dict) else {}
    if e.validator == "required":
        missing = e.message.split("'")[1] if "'" in e.message else e.message
        message = f"{where}: missing required field '{missing}'"
    elif e.validator == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extras = [key for key in e.instance if key not in known] if isinstance(e.instance, dict) else []
        key = extras[0] if extras else "?"
        position = document.key_position(at + (key,))
        hint = difflib.get_close_matches(key, known, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(known)})"
        message = f"{where}: unknown field '{key}'{suggestion}"
        if len(extras) > 1:
            message += f"; also {', '.join(repr(k) for k in extras[1:])}"
    elif e.validator == "type":
        expected = e.validator_value if isinstance(e.validator_value, str) else " or ".join(e.validator_value)
        message = f"{where}: expected {_article(expected)}, got {_json_type(e.instance)}"
        if expected == "string" and isinstance(e.instance, bool):
            message += " (put the text in quotes)"
        elif e.instance is None:
            message += " (write the value after the colon, or remove the key)"
        if expected == "boolean" and isinstance(e.instance, str):
            message += " (write true or false)"
    elif e.validator == "enum":
        message = f"{where}: {e.instance!r} is not one of {', '.join(map(str, e.validator_value))}"
        if at and at[-1] == "kind":
            rule = "unknown-kind"
            message = f"{where}: unknown kind {e.instance!r}; the kinds are {', '.join(e.validator_value)}"
    elif e.validator == "pattern":
        message = f"{where}: {e.instance!r} {schema.get('patternErrorMessage') or 'does not match ' + e.validator_value}"
    elif e.validator in ("minLength", "minItems", "minProperties") and not e.instance:
        message = f"{where}: must not be empty"
    else:
        message = f"{where}: {e.message}"
    return error(document.path, position, rule, message)


def _describe_path(at: tuple[Any, ...]) -> str:
    if not at:
        return "file"
    if at[0] == "cards" and len(at) > 1 and isinstance(at[1], int):
        rest = _dotted(at[2:])
        return f"card {at[1] + 1}" + (f", field '{rest}'" if rest else "")
    return f"'{_dotted(at)}'"


def _dotted(at: tuple[Any, ...]) -> str:
    text = ""
    for step in at:
        text += f"[{step + 1}]" if isinstance(step, int) else ("." if text else "") + str(step)
    return text


def _article(kind: str) -> str:
    names = {"string": "text", "boolean": "true or false", "array": "a list", "object": "a mapping", "integer": "a whole number"}
    return names.get(kind, kind)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
