"""A compiled yes/no check of the vendored schemas, so a valid event costs microseconds, not a millisecond.

``jsonschema`` walks the schema anew for every instance (measured: 0.6 ms for a run event with a parent
facet and two datasets, 1.2 ms with the facet schemas), which alone would take more than a core at the
2,000 events/s ``serve`` is built for. The vendored schemas use a dozen keywords; this module turns each
schema node into a closure once. It only ever says "valid" early: whenever it says no (or meets a keyword
it does not know, which makes the schema uncompilable), ``jsonschema`` judges the event and names the
failing field, so an error here can cost speed but never accept what the schema refuses, and a test
compares the two verdicts over many broken events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that assert nothing (annotations); "format" is one in draft 2020-12 unless a checker is asked for.
_ANNOTATIONS = frozenset({"description", "example", "examples", "$schema", "$id", "$defs", "format", "title"})
_ASSERTIONS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "allOf", "anyOf", "oneOf", "not"}
    | {"enum", "minimum", "$ref"}
)


class UnsupportedSchemaError(ValueError):
    """The schema uses a keyword this compiler does not implement."""


def _is_integer(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())


_TYPES: dict[str, Check] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "integer": _is_integer,
}


# Loops rather than all()/any() over a generator: these run a few hundred times an event, and the
# generator's frame costs more than the checks themselves.
def _all(checks: list[Check]) -> Check:
    def check(value: Any) -> bool:
        for c in checks:  # noqa: SIM110
            if not c(value):
                return False
        return True

    return check


def _any(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(value: Any) -> bool:
        for c in checks:  # noqa: SIM110
            if c(value):
                return True
        return False

    return check


class Compiler:
    """Compiles schemas held by their ``$id``; a ``$ref`` resolves among them and nowhere else."""

    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        self._documents = documents
        self._compiled: dict[tuple[str, str], Check] = {}

    def compile(self, base: str, fragment: str = "") -> Check:
        """The check of the schema at ``base#fragment`` (a JSON pointer), compiled once."""
        key = (base, fragment)
        if key not in self._compiled:
            # Refs may be recursive: the slot is filled before the body is compiled and read at call time.
            slot: list[Check] = []
            self._compiled[key] = lambda v: slot[0](v)
            slot.append(self._node(base, self._resolve(base, fragment)))
            self._compiled[key] = slot[0]
        return self._compiled[key]

    def _resolve(self, base: str, fragment: str) -> Any:
        node: Any = self._documents[base]
        for part in filter(None, fragment.split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def _ref(self, base: str, ref: str) -> Check:
        target, _, fragment = ref.partition("#")
        target = target or base
        if target not in self._documents:
            raise UnsupportedSchemaError(f"$ref to a schema not vendored: {ref}")
        # Compiled already: the check itself; being compiled (a recursive ref): the slot that will hold it.
        return self.compile(target, fragment)

    def _node(self, base: str, schema: Any) -> Check:
        if schema is True or schema == {}:
            return lambda v: True
        if schema is False:
            return lambda v: False
        unknown = set(schema) - _ANNOTATIONS - _ASSERTIONS
        if unknown:
            raise UnsupportedSchemaError(f"keywords not compiled: {sorted(unknown)}")
        checks: list[Check] = []
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            types = [_TYPES[n] for n in names]
            checks.append(types[0] if len(types) == 1 else _any(types))
        if "enum" in schema:
            values = schema["enum"]
            checks.append(lambda v: any(v == e and type(v) is type(e) for e in values))
        if "minimum" in schema:
            low = schema["minimum"]
            checks.append(lambda v: not _TYPES["number"](v) or v >= low)
        if "required" in schema:
            required = tuple(schema["required"])
            checks.append(lambda v: not isinstance(v, dict) or all(k in v for k in required))
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self._object(base, schema))
        if "items" in schema:
            item = self._node(base, schema["items"])
            checks.append(lambda v: not isinstance(v, list) or all(item(i) for i in v))
        if "allOf" in schema:
            checks.extend(self._node(base, s) for s in schema["allOf"])
        if "anyOf" in schema:
            checks.append(_any([self._node(base, s) for s in schema["anyOf"]]))
        if "oneOf" in schema:
            options = [self._node(base, s) for s in schema["oneOf"]]
            checks.append(lambda v: sum(1 for o in options if o(v)) == 1)
        if "not" in schema:
            negated = self._node(base, schema["not"])
            checks.append(lambda v: not negated(v))
        if "$ref" in schema:
            checks.append(self._ref(base, schema["$ref"]))
        return checks[0] if len(checks) == 1 else _all(checks)

    def _object(self, base: str, schema: dict[str, Any]) -> Check:
        properties = {k: self._node(base, s) for k, s in schema.get("properties", {}).items()}
        extra = schema.get("additionalProperties", True)
        additional = None if extra is True else self._node(base, extra)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for key, item in value.items():
                prop = properties.get(key)
                if prop is not None:
                    if not prop(item):
                        return False
                elif additional is not None and not additional(item):
                    return False
            return True

        return check
