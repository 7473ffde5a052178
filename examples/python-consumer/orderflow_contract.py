"""The order events' JSON Schemas, loaded for validation with the jsonschema package.

Every schema is registered under its $id (https://schemas.orderflow.example/events/...), so the
$refs between them resolve from the files and nothing is fetched from the network. Works with
jsonschema 4.10 (Debian 12's, RefResolver) and 4.18 or later (the referencing registry).
"""

import json
from decimal import Decimal
from pathlib import Path

import jsonschema

ID_BASE = "https://schemas.orderflow.example/events/"
ANY_EVENT = ID_BASE + "event.schema.json"


def parse(body):
    """A message body as Python values, amounts as Decimal: money is never a binary float."""
    return json.loads(body, parse_float=Decimal)


class Contract:
    """Validators for every schema in a folder, by $id. Thread-safe once built."""

    def __init__(self, schema_dir):
        schemas = [json.loads(p.read_text("utf-8")) for p in sorted(Path(schema_dir).glob("*.schema.json"))]
        if not schemas:
            raise ValueError(f"no *.schema.json in {schema_dir}")
        for schema in schemas:
            jsonschema.Draft7Validator.check_schema(schema)
        self._validators = {s["$id"]: _validator(s, schemas) for s in schemas}

    def schema_for(self, message):
        """The $id of the schema a message claims by its eventType and version; any event's else."""
        if isinstance(message, dict):
            if "eventType" in message:
                metadata = message.get("metadata")
                version = metadata.get("version") if isinstance(metadata, dict) else None
                claimed = f"{ID_BASE}{message['eventType']}.v{version}.schema.json"
                if claimed in self._validators:
                    return claimed
            elif message.get("type") == "OrderCreated":
                return ID_BASE + "OrderCreated.v1.schema.json"
        return ANY_EVENT

    def errors(self, message, schema_id=ANY_EVENT):
        """What is wrong with a parsed message, as one line; empty when it is valid."""
        error = jsonschema.exceptions.best_match(self._validators[schema_id].iter_errors(message))
        if error is None:
            return []
        return [f"/{'/'.join(map(str, error.absolute_path))}: {_short(error.message)}"]


def _validator(schema, schemas):
    checker = jsonschema.FormatChecker()
    try:
        from referencing import Registry, Resource
    except ImportError:  # jsonschema before 4.18
        store = {s["$id"]: s for s in schemas}
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return jsonschema.Draft7Validator(schema, resolver=resolver, format_checker=checker)
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in schemas)
    return jsonschema.Draft7Validator(schema, registry=registry, format_checker=checker)


def _short(text, limit=160):
    return text if len(text) <= limit else text[: limit - 3] + "..."
