"""libyaml's C parser (used for speed) and PyYAML's pure parser must read forms identically."""

from __future__ import annotations

import pytest
import yaml

from forms.errors import FormLoadError
from forms.loader import DEFINITIONS_DIR
from forms.yaml_source import LOADERS, parse_yaml
from tests.forms.test_loader_errors import CASES

needs_libyaml = pytest.mark.skipif(
    not getattr(yaml, "__with_libyaml__", False), reason="PyYAML built without libyaml"
)


def _tree(node: yaml.Node) -> object:
    """A node tree as plain data, with the line of every node (what the loader reports)."""
    line = node.start_mark.line
    if isinstance(node, yaml.MappingNode):
        return (node.tag, line, [(_tree(k), _tree(v)) for k, v in node.value])
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, line, [_tree(v) for v in node.value])
    return (node.tag, line, node.value)


@needs_libyaml
@pytest.mark.parametrize("path", sorted(DEFINITIONS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_forms_compose_identically(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    c_tree, py_tree = (_tree(parse_yaml(text, path.name, loader)) for loader in LOADERS)
    assert c_tree == py_tree


@needs_libyaml
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_broken_files_fail_at_the_same_place(case) -> None:  # type: ignore[no-untyped-def]
    text = case[1]
    outcomes = []
    for loader in LOADERS:
        try:
            outcomes.append(("ok", _tree(parse_yaml(text, "contoh.yaml", loader))))
        except FormLoadError as exc:
            outcomes.append(("error", exc.location, exc.line))
    c_out, py_out = outcomes
    if c_out[0] == "error" and py_out[0] == "error" and None in (c_out[2], py_out[2]):
        # Nesting past Python's recursion limit has no line in the pure parser; libyaml gives one.
        assert c_out[1] == py_out[1]
    else:
        assert c_out == py_out
