"""A quick "surely valid" for JSON Schema, so that most instances skip jsonschema.

jsonschema walks the schema again for every instance: about 200 µs for one events.csv
row, and a national folder has half a million rows. :func:`quick_check` turns a
schema that uses only simple keywords (types, required and known properties,
patterns, lengths, bounds, item schemas) into a plain Python predicate that answers
``True`` only when jsonschema would find no error. Every instance it does not pass
still goes through jsonschema, so the findings, their order and their messages are
jsonschema's, unchanged. A schema with any other keyword (``$ref``, ``enum``,
``format``, ``prefixItems``...) gets no quick check and is always walked in full.

Examples
--------
>>> from jsonschema import Draft202012Validator
>>> schema = {"type": "object", "required": ["id"],
...           "properties": {"id": {"type": "string", "pattern": "^[a-z]+$"}}}
>>> checker = SchemaChecker(Draft202012Validator(schema))
>>> list(checker.iter_errors({"id": "abc"}))
[]
>>> [e.message for e in checker.iter_errors({"id": "ABC"})]
["'ABC' does not match '^[a-z]+$'"]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import chain, compress, repeat
from operator import itemgetter, not_

__all__ = ["SchemaChecker", "ecma_regex", "make_validator", "quick_check"]

Predicate = Callable[[object], bool]

#: Keywords that never make an instance invalid (annotations).
ANNOTATIONS = frozenset(
    ("$schema", "$id", "$comment", "title", "description", "examples", "default", "deprecated")
)
#: JSON type name -> test that is True only for values jsonschema surely counts as that type.
_TYPE_TESTS: dict[str, Predicate] = {
    "string": lambda v: type(v) is str,
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
    "number": lambda v: type(v) is int or type(v) is float,
    "integer": lambda v: type(v) is int,  # 1.0 counts too in 2020-12: left to jsonschema
}
_SUPPORTED = ANNOTATIONS | {
    "type",
    "required",
    "properties",
    "additionalProperties",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "items",
}


class _Unsupported(Exception):
    """The schema uses a keyword the quick check does not know."""


def ecma_regex(pattern: str) -> str:
    r"""Translate a JSON Schema (ECMA-262) pattern for Python's ``re``.

        In ECMA-262 an unescaped ``$`` outside a character class matches only at the very
        end; in Python it also matches before a final newline, so ``"cat-ba
    "`` would pass
        ``^[a-z-]+$``. Such a ``$`` becomes ``\Z``.

        Examples
        --------
        >>> ecma_regex("^[a-z$]+(-x)?$")
        '^[a-z$]+(-x)?\\Z'
        >>> import re
        >>> re.search(ecma_regex("^[a-z]+$"), "abc\n") is None
        True
    """
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            out.append("\\Z")
            continue
        out.append(char)
    return "".join(out)


def make_validator(schema):
    """A Draft 2020-12 validator whose ``pattern`` keyword follows ECMA-262's ``$``."""
    import jsonschema
    from jsonschema import Draft202012Validator

    def pattern(validator, patrn, instance, schema):
        if validator.is_type(instance, "string") and not re.search(ecma_regex(patrn), instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")

    cls = jsonschema.validators.extend(Draft202012Validator, {"pattern": pattern})
    return cls(schema)


class SchemaChecker:
    """A jsonschema validator with a quick pass for instances that surely conform.

    ``iter_errors`` yields exactly what ``validator.iter_errors`` yields.
    """

    def __init__(self, validator):
        self.validator = validator
        self.schema = validator.schema
        self._quick = quick_check(validator.schema)

    def surely_valid(self, instance) -> bool:
        """True only when jsonschema would find no error in ``instance``; False says
        only that :meth:`iter_errors` must be asked."""
        return self._quick is not None and self._quick(instance)

    def iter_errors(self, instance):
        if self._quick is not None and self._quick(instance):
            return iter(())
        return self.validator.iter_errors(instance)

    def all_valid(self, instances: list) -> bool:
        """True only when jsonschema would find no error in any of ``instances``.

        Checked a keyword at a time over all instances (a column of values per
        property), which is several times faster than one instance at a time; False
        says only that some instance needs :meth:`iter_errors`.
        """
        if self._quick is None:
            return False
        return _all_pass(self.schema, instances, self._quick)

    def suspects(
        self,
        columns: Mapping[str, Sequence],
        count: int,
        *,
        strings: bool = False,
        distinct: Mapping[str, Collection[str]] | None = None,
    ) -> set[int]:
        """The positions of the objects that may not conform, given as columns.

        Object ``i`` is ``{name: values[i] for name, values in columns.items()}``, for
        ``i`` in ``range(count)``. Every object whose position is not in the answer
        surely conforms (:meth:`surely_valid` would say so); those in it need
        :meth:`iter_errors`. Each property's column is checked at once as in
        :meth:`all_valid`, and only a column that fails is looked at value by value. A
        schema that cannot be checked this way answers every position. ``strings``
        says that every value is a ``str`` (the cells of a CSV file): their types are
        then not looked at again, and ``distinct`` may give, for some columns, the set
        of their distinct values (which the caller has at hand): such a column is
        checked on those alone (a ``site_ids`` column of 500,000 cells holds about
        130,000 distinct ones), and looked at value by value only if one fails. Only
        for strings: in a set, ``True`` stands for ``1`` and ``1`` for ``1.0``.

        Examples
        --------
        >>> from jsonschema import Draft202012Validator
        >>> schema = {"type": "object", "properties": {"id": {"pattern": "^[a-z]+$"}}}
        >>> checker = SchemaChecker(Draft202012Validator(schema))
        >>> checker.suspects({"id": ["a", "B", "c"]}, 3)
        {1}
        >>> checker.suspects({"id": ["a", "B", "a"]}, 3, strings=True, distinct={"id": {"a", "B"}})
        {1}
        """
        if self._quick is None:
            return set(range(count))
        return _column_suspects(self.schema, columns, count, strings, distinct or {})


def quick_check(schema) -> Predicate | None:
    """A predicate that is True only for instances valid against ``schema``, or None.

    None when the schema uses a keyword outside the simple set this module knows.
    """
    try:
        return _compile(schema)
    except _Unsupported:
        return None


def _compile(schema) -> Predicate:
    if schema is True:
        return lambda value: True
    if not isinstance(schema, dict) or not set(schema) <= _SUPPORTED:
        raise _Unsupported
    checks: list[Predicate] = []
    if "type" in schema:
        checks.append(_type_check(schema["type"]))
    checks.extend(_object_checks(schema))
    checks.extend(_string_checks(schema))
    checks.extend(_number_checks(schema))
    checks.extend(_array_checks(schema))
    return _all(checks)


def _all(checks: list[Predicate]) -> Predicate:
    """One predicate for all of ``checks``, without a loop for the usual one to three."""
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda value: a(value) and b(value)
    if len(checks) == 3:
        a, b, c = checks
        return lambda value: a(value) and b(value) and c(value)
    return lambda value: all(check(value) for check in checks)


def _type_check(types) -> Predicate:
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list) or not all(n in _TYPE_TESTS for n in names):
        raise _Unsupported
    tests = [_TYPE_TESTS[n] for n in names]
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _object_checks(schema) -> list[Predicate]:
    checks: list[Predicate] = []
    required = schema.get("required", [])
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    if not (isinstance(required, list) and all(isinstance(k, str) for k in required)):
        raise _Unsupported
    if not isinstance(properties, dict) or extra not in (True, False):
        raise _Unsupported
    compiled = {key: _compile(sub) for key, sub in properties.items()}
    known = frozenset(properties)

    def check(value) -> bool:
        if type(value) is not dict:
            return not isinstance(value, dict)  # not an object: these keywords do not apply
        for key in required:
            if key not in value:
                return False
        for key, sub in compiled.items():
            if key in value and not sub(value[key]):
                return False
        return extra or known.issuperset(value)

    if required or compiled or extra is False:
        checks.append(check)
    return checks


def _string_checks(schema) -> list[Predicate]:
    checks: list[Predicate] = []
    pattern = schema.get("pattern")
    low, high = schema.get("minLength"), schema.get("maxLength")
    if pattern is not None:
        if not isinstance(pattern, str):
            raise _Unsupported
        search = re.compile(ecma_regex(pattern)).search
        checks.append(lambda v: search(v) is not None if type(v) is str else not isinstance(v, str))
    if low is not None or high is not None:
        low_n, high_n = _count(low, 0), _count(high, None)
        checks.append(
            lambda v: (
                (low_n <= len(v) and (high_n is None or len(v) <= high_n))
                if type(v) is str
                else not isinstance(v, str)
            )
        )
    return checks


def _number_checks(schema) -> list[Predicate]:
    bounds = {
        key: schema[key]
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        if key in schema
    }
    for bound in bounds.values():
        if type(bound) not in (int, float):
            raise _Unsupported
    if not bounds:
        return []
    low, high = bounds.get("minimum"), bounds.get("maximum")
    xlow, xhigh = bounds.get("exclusiveMinimum"), bounds.get("exclusiveMaximum")

    def check(value) -> bool:
        if type(value) is not int and type(value) is not float:
            return isinstance(value, str | dict | list | bool) or value is None
        return (
            (low is None or value >= low)
            and (high is None or value <= high)
            and (xlow is None or value > xlow)
            and (xhigh is None or value < xhigh)
        )

    return [check]


def _array_checks(schema) -> list[Predicate]:
    checks: list[Predicate] = []
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None or high is not None:
        low_n, high_n = _count(low, 0), _count(high, None)
        checks.append(
            lambda v: (
                (low_n <= len(v) and (high_n is None or len(v) <= high_n))
                if type(v) is list
                else not isinstance(v, list)
            )
        )
    if "items" in schema:
        item = _compile(schema["items"])
        checks.append(
            lambda v: all(item(x) for x in v) if type(v) is list else not isinstance(v, list)
        )
    return checks


def _count(value, default):
    if value is None:
        return default
    if type(value) is not int or value < 0:
        raise _Unsupported
    return value


def _all_pass(schema, values: list, quick: Predicate) -> bool:
    """True only when every value is valid against ``schema`` (already known compilable).

    Object schemas of plain types, patterns, lengths, bounds and item schemas are
    checked column by column with C-level loops (``map``, ``all``, ``min``); anything
    else value by value.
    """
    if schema is True or not values:
        return True
    kinds = set(map(type, values))
    if kinds == {dict} and schema.get("type", "object") == "object":
        return _objects_pass(schema, values)
    if kinds == {str} and schema.get("type", "string") == "string":
        return _strings_pass(schema, values)
    if kinds <= {int, float} and schema.get("type") in ("number", "integer"):
        return _numbers_pass(schema, values, kinds, quick)
    if kinds == {list} and schema.get("type", "array") == "array":
        return _arrays_pass(schema, values, quick)
    return all(map(quick, values))


_NUMBER_KEYWORDS = ANNOTATIONS | {
    "type",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
}
_ARRAY_KEYWORDS = ANNOTATIONS | {"type", "minItems", "maxItems", "items"}


def _numbers_pass(schema, numbers: list, kinds: set, quick: Predicate) -> bool:
    """A column of JSON numbers against type and bounds: its least and greatest value
    stand for all (a NaN, which compares with nothing, is checked value by value)."""
    if not set(schema) <= _NUMBER_KEYWORDS or (schema["type"] == "integer" and float in kinds):
        return all(map(quick, numbers))
    if float in kinds and any(n != n for n in numbers if type(n) is float):
        return all(map(quick, numbers))  # NaN
    low, high = min(numbers), max(numbers)
    return (
        ("minimum" not in schema or low >= schema["minimum"])
        and ("maximum" not in schema or high <= schema["maximum"])
        and ("exclusiveMinimum" not in schema or low > schema["exclusiveMinimum"])
        and ("exclusiveMaximum" not in schema or high < schema["exclusiveMaximum"])
    )


def _arrays_pass(schema, arrays: list[list], quick: Predicate) -> bool:
    """A column of arrays against their lengths and item schema: the items of all the
    arrays are one column of their own."""
    if not set(schema) <= _ARRAY_KEYWORDS:
        return all(map(quick, arrays))
    low, high = schema.get("minItems"), schema.get("maxItems")
    if low is not None and min(map(len, arrays)) < low:
        return False
    if high is not None and max(map(len, arrays)) > high:
        return False
    if "items" not in schema:
        return True
    items = list(chain.from_iterable(arrays))
    return _all_pass(schema["items"], items, _compile(schema["items"]))


_OBJECT_KEYWORDS = ANNOTATIONS | {"type", "required", "properties", "additionalProperties"}


def _column_suspects(
    schema,
    columns: Mapping[str, Sequence],
    count: int,
    strings: bool,
    distinct: Mapping[str, Collection[str]],
) -> set[int]:
    """:meth:`SchemaChecker.suspects` for a schema already known to compile."""
    if schema is True or not count:
        return set()
    every = set(range(count))
    if not set(schema) <= _OBJECT_KEYWORDS or schema.get("type", "object") != "object":
        return every
    if any(key not in columns for key in schema.get("required", ())):
        return every
    properties = schema.get("properties", {})
    if schema.get("additionalProperties", True) is False and not set(columns) <= set(properties):
        return every
    found: set[int] = set()
    for key, sub in properties.items():
        values = columns.get(key)
        if values is None:
            continue
        check = _compile(sub)
        if strings and _string_schema(sub):
            passed = _strings_pass(sub, distinct.get(key, values))
        else:
            passed = _all_pass(sub, values, check)
        if not passed:  # then the failing values, in C loops
            found.update(compress(range(count), map(not_, map(check, values))))
    return found


_STRING_KEYWORDS = ANNOTATIONS | {"type", "pattern", "minLength", "maxLength"}


def _objects_pass(schema, objects: list[dict]) -> bool:
    if not set(schema) <= _OBJECT_KEYWORDS:
        return all(map(_compile(schema), objects))
    # map over dict methods and itemgetter: C-level loops, no Python frame per object
    # (half a million events rows: 1.8 s with generator expressions, about half now)
    required = schema.get("required", ())
    for key in required:
        if not all(map(dict.__contains__, objects, repeat(key))):
            return False
    properties = schema.get("properties", {})
    if schema.get("additionalProperties", True) is False:
        known = frozenset(properties)
        if not all(map(known.issuperset, objects)):
            return False
    for key, sub in properties.items():
        if key in required or all(map(dict.__contains__, objects, repeat(key))):
            column = list(map(itemgetter(key), objects))
        else:
            column = [o[key] for o in objects if key in o]
        if not _all_pass(sub, column, _compile(sub)):
            return False
    return True


def _string_schema(schema) -> bool:
    """Whether ``schema`` is a dict of string keywords that lets every string type pass."""
    return isinstance(schema, dict) and schema.get("type", "string") == "string"


def _strings_pass(schema, strings: Collection[str]) -> bool:
    if not set(schema) <= _STRING_KEYWORDS:
        return all(map(_compile(schema), strings))
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low == 1 and not all(strings):  # the usual "not empty": no len() a value
        return False
    if low is not None and low > 1 and min(map(len, strings)) < low:
        return False
    if high is not None and max(map(len, strings)) > high:
        return False
    pattern = schema.get("pattern")
    return pattern is None or all(map(re.compile(ecma_regex(pattern)).search, strings))
