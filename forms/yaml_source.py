"""Strict YAML reading for form files: positions for every value, no YAML 1.1 surprises.

``yes``/``no``/``on``/``off`` stay text (only ``true``/``false`` are booleans), dates stay text,
numbers are read from their exact digits, duplicate keys and unknown keys are errors.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from decimal import Decimal, InvalidOperation

import yaml

from forms.errors import FormLoadError
from forms.model import Text

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader whose implicit types follow the YAML 1.2 core schema."""


# libyaml's C parser composes a form about ten times faster than the pure-Python one (it is the
# largest single cost of the app's start-up); the pure one stays as the fallback and the reference.
_CBase: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)


class _StrictCLoader(_CBase or yaml.SafeLoader):  # type: ignore[misc]
    """The same strict schema on libyaml's parser, where PyYAML was built with it."""


# Replace YAML 1.1's implicit resolvers (yes/no booleans, sexagesimal and 0x integers,
# timestamps, "=" values) with the small YAML 1.2 core set.
for _loader in (_StrictLoader, _StrictCLoader):
    _loader.yaml_implicit_resolvers = {}
    for _tag, _pattern, _first in (
        (_BOOL, r"true|True|TRUE|false|False|FALSE", "tTfF"),
        (_INT, r"[-+]?[0-9]+", "-+0123456789"),
        (_FLOAT, r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?", "-+.0123456789"),
        (_NULL, r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ):
        _loader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))

#: the loader used; tests run the suite's loader checks against both
LOADERS: tuple[type[yaml.SafeLoader], ...] = (_StrictCLoader, _StrictLoader)


Node = yaml.Node


def parse_yaml(text: str, file: str, loader: type[yaml.SafeLoader] = _StrictCLoader) -> Node:
    """Compose ``text`` into one YAML node tree, or raise FormLoadError with a line number."""
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = ", ".join(p for p in (e.context, e.problem) if p) or "invalid YAML"
        if mark is not None:
            problem = f"{problem} (column {mark.column + 1})"
        if "\t" in problem or "'\\t'" in problem or "tab character" in problem:
            problem += "; indent with spaces, not tabs"
        raise FormLoadError(file, "(yaml)", f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as e:
        raise FormLoadError(file, "(yaml)", f"YAML error: {e}") from None
    except RecursionError:
        raise FormLoadError(file, "(yaml)", "the YAML is nested too deeply") from None
    if node is None:
        raise FormLoadError(file, "(root)", "the file is empty; a form definition is expected")
    return node


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _describe(node: Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping (key: value lines)"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return {
        _STR: f"the text {node.value!r}",
        _INT: f"the number {node.value}",
        _FLOAT: f"the number {node.value}",
        _BOOL: f"{node.value}",
        _NULL: "nothing (an empty value)",
    }.get(node.tag, f"a value tagged {node.tag}")


class Reader:
    """Typed access to YAML nodes; every problem becomes a FormLoadError with its place."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, loc: str, node: Node | None, message: str) -> FormLoadError:
        return FormLoadError(self.file, loc, message, _line(node) if node is not None else None)

    def mapping(
        self,
        node: Node,
        loc: str,
        required: Collection[str],
        optional: Collection[str] = (),
        what: str = "",
    ) -> dict[str, Node]:
        """Keys -> value nodes, refusing duplicates, unknown keys and missing required keys."""
        out = self.keys(node, loc, [*required, *optional], what)
        self.require(out, node, loc, required)
        return out

    def require(self, keys: dict[str, Node], node: Node, loc: str, names: Iterable[str]) -> None:
        for key in names:
            if key not in keys:
                raise self.error(loc, node, f"missing required key {key!r}")

    def keys(
        self, node: Node, loc: str, allowed: Collection[str], what: str = ""
    ) -> dict[str, Node]:
        """Keys -> value nodes, refusing duplicate and unknown keys (not checking missing ones)."""
        if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
            raise self.error(loc, node, f"expected a mapping of keys, got {_describe(node)}")
        out: dict[str, Node] = {}
        keys: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                raise self.error(loc, key_node, f"a key must be a word, got {_describe(key_node)}")
            key = str(key_node.value)
            if key in keys:
                raise self.error(
                    f"{loc}.{key}" if loc != "(root)" else key,
                    key_node,
                    f"duplicate key {key!r} (first given on line {_line(keys[key])})",
                )
            if key not in allowed:
                import difflib  # only for a hint in an error message

                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.error(
                    loc,
                    key_node,
                    f"unknown key {key!r}{hint}; allowed keys{what}: {', '.join(allowed)}",
                )
            keys[key] = key_node
            out[key] = value_node
        return out

    def peek(self, node: Node, key: str, pattern: str) -> str | None:
        """The plain-text value of ``key`` in mapping ``node`` if it matches ``pattern``."""
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if (
                    isinstance(key_node, yaml.ScalarNode)
                    and key_node.value == key
                    and isinstance(value_node, yaml.ScalarNode)
                    and re.fullmatch(pattern, str(value_node.value))
                ):
                    return str(value_node.value)
        return None

    def child(self, node: Node, key: str) -> Node:
        """The value node of ``key`` in an already checked mapping ``node`` (else ``node``)."""
        for key_node, value_node in getattr(node, "value", ()):
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node  # type: ignore[no-any-return]
        return node

    def sequence(self, node: Node, loc: str, what: str, allow_empty: bool = False) -> list[Node]:
        if not isinstance(node, yaml.SequenceNode) or node.tag != _SEQ:
            raise self.error(loc, node, f"expected a list of {what}, got {_describe(node)}")
        items: list[Node] = list(node.value)
        if not items and not allow_empty:
            raise self.error(loc, node, f"the list of {what} is empty")
        return items

    def _scalar(self, node: Node, loc: str, tags: Iterable[str], expected: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag not in tags:
            got = _describe(node)
            hint = ""
            if isinstance(node, yaml.ScalarNode) and _STR in tags and node.tag != _NULL:
                hint = ' (put it in quotes, e.g. "1", to make it text)'
            raise self.error(loc, node, f"expected {expected}, got {got}{hint}")
        return str(node.value)

    def text(self, node: Node, loc: str, what: str = "a text") -> str:
        value = self._scalar(node, loc, [_STR], what).strip()
        if not value:
            raise self.error(loc, node, f"expected {what}, got an empty text")
        return value

    def boolean(self, node: Node, loc: str) -> bool:
        return self._scalar(node, loc, [_BOOL], "true or false").lower() == "true"

    def integer(self, node: Node, loc: str, what: str = "a whole number") -> int:
        raw = self._scalar(node, loc, [_INT], what)
        if len(raw) > 18:
            raise self.error(loc, node, f"the number {raw} is too large")
        return int(raw)

    def number(self, node: Node, loc: str) -> Decimal:
        raw = self._scalar(node, loc, [_INT, _FLOAT], "a number")
        if len(raw.lstrip("+-").replace(".", "")) > 21:
            raise self.error(loc, node, f"the number {raw} has too many digits")
        try:
            value = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the resolver only lets numbers through
            raise self.error(loc, node, f"{raw!r} is not a number") from None
        if not value.is_finite() or abs(value.adjusted()) > 18:
            raise self.error(loc, node, f"the number {raw} is out of range")
        return value

    def code(
        self, node: Node, loc: str, pattern: str, what: str, rule: str, max_len: int = 40
    ) -> str:
        """A code matching ``pattern``; ``rule`` explains the pattern in words."""
        value = self._scalar(node, loc, [_STR, _INT, _BOOL], what)
        if not re.fullmatch(pattern, value) or len(value) > max_len:
            raise self.error(
                loc,
                node,
                f"{value!r} is not a valid {what}: {rule}, at most {max_len} characters",
            )
        return value

    def bilingual(self, node: Node, loc: str) -> Text:
        """A person-facing text: ``{id: "Bahasa Indonesia", en: "English"}``."""
        if not isinstance(node, yaml.MappingNode):
            raise self.error(
                loc,
                node,
                f"expected the text in both languages, like {{id: Teks, en: Text}}, "
                f"got {_describe(node)}",
            )
        keys = self.mapping(node, loc, ["id", "en"])
        return Text(
            self.text(keys["id"], f"{loc}.id", "Indonesian text"),
            self.text(keys["en"], f"{loc}.en", "English text"),
        )
