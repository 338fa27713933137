"""Turns a form file's YAML tree into a checked FormDefinition (form, sections, fields, choices)."""

from __future__ import annotations

import keyword
from decimal import Decimal

from forms.expr import FUNCTIONS
from forms.model import Choice, Field, FieldType, FormDefinition, Section
from forms.rule_reader import read_rules
from forms.yaml_source import Node, Reader

#: a field, section or choice code: also a name usable in rule expressions
CODE_PATTERN = r"[a-z][a-z0-9_]*"
CODE_RULE = "lower-case letters, digits and _, starting with a letter (like isolasi_terisi)"
#: a form id, as in ``covid19-harian``
FORM_ID_PATTERN = r"[a-z][a-z0-9]*(-[a-z0-9]+)*"
FORM_ID_RULE = "lower-case letters and digits in words joined by -, starting with a letter"
#: the org-unit levels a form can be filled at (the Kemendagri hierarchy plus facilities)
ORG_UNIT_LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa", "puskesmas", "rumah_sakit")
#: codes that would clash with the rule language (keywords, functions, the all_integer group)
RESERVED_CODES = frozenset(
    {k for k in keyword.kwlist if k.islower()} | set(FUNCTIONS) | {"all_integer"}
)

_FORM_REQUIRED = ("id", "version", "title", "org_unit_level", "sections")
_FORM_OPTIONAL = ("period", "rules")
_SECTION_KEYS = ("code", "title", "fields")
_FIELD_REQUIRED = ("code", "label", "type")
_FIELD_OPTIONAL = (
    "help",
    "unit",
    "required",
    "min",
    "max",
    "choices",
    "stock",
    "stock_from",
    "cumulative",
)
_NUMERIC = (FieldType.INTEGER, FieldType.DECIMAL)


def read_definition(root: Node, reader: Reader, source: str, text: str) -> FormDefinition:
    r = reader
    keys = r.mapping(root, "(root)", _FORM_REQUIRED, _FORM_OPTIONAL, " at the top of a form")
    form_id = r.code(keys["id"], "id", FORM_ID_PATTERN, "form id", FORM_ID_RULE, max_len=60)
    version = r.integer(keys["version"], "version", "a whole version number like 1")
    if version < 1:
        raise r.error("version", keys["version"], "the version must be 1 or more")
    title = r.bilingual(keys["title"], "title")
    if "period" in keys:
        period = r.text(keys["period"], "period")
        if period != "daily":
            raise r.error("period", keys["period"], f"unknown period {period!r}; only 'daily'")
    level = r.text(keys["org_unit_level"], "org_unit_level")
    if level not in ORG_UNIT_LEVELS:
        import difflib  # only for a hint in an error message

        close = difflib.get_close_matches(level, ORG_UNIT_LEVELS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise r.error(
            "org_unit_level",
            keys["org_unit_level"],
            f"unknown level {level!r}{hint}; one of: {', '.join(ORG_UNIT_LEVELS)}",
        )
    sections = _read_sections(r, keys["sections"])
    all_fields = [f for s in sections for f in s.fields]
    rules_node = keys.get("rules")
    rules = read_rules(r, rules_node, all_fields)
    return FormDefinition(
        id=form_id,
        version=version,
        title=title,
        period="daily",
        org_unit_level=level,
        sections=tuple(sections),
        rules=rules,
        source=source,
        source_text=text,
    )


def _read_sections(r: Reader, node: Node) -> list[Section]:
    sections: list[Section] = []
    seen_sections: dict[str, int] = {}
    seen_fields: dict[str, str] = {}  # code -> section code
    seen_labels: dict[tuple[str, str], str] = {}  # (lang, label) -> field code
    nodes: dict[str, Node] = {}  # field code -> its YAML node
    for i, s_node in enumerate(r.sequence(node, "sections", "sections")):
        peeked = r.peek(s_node, "code", CODE_PATTERN)
        loc = f"sections.{peeked}" if peeked else f"sections[{i}]"
        keys = r.mapping(s_node, loc, _SECTION_KEYS, what=" for a section")
        code = r.code(keys["code"], f"{loc}.code", CODE_PATTERN, "section code", CODE_RULE)
        if code in seen_sections:
            raise r.error(
                f"{loc}.code",
                keys["code"],
                f"duplicate section code {code!r} (also sections[{seen_sections[code]}])",
            )
        seen_sections[code] = i
        title = r.bilingual(keys["title"], f"{loc}.title")
        fields = []
        for j, f_node in enumerate(r.sequence(keys["fields"], f"{loc}.fields", "fields")):
            f = _read_field(r, f_node, f"{loc}.fields[{j}]")
            floc = f"fields.{f.code}"
            if f.code in seen_fields:
                raise r.error(
                    f"{floc}.code",
                    r.child(f_node, "code"),
                    f"duplicate field code {f.code!r} (already in section {seen_fields[f.code]!r})",
                )
            seen_fields[f.code] = code
            nodes[f.code] = f_node
            for lang, label in (("id", f.label.id), ("en", f.label.en)):
                other = seen_labels.get((lang, label.casefold()))
                if other is not None:
                    raise r.error(
                        f"{floc}.label.{lang}",
                        r.child(r.child(f_node, "label"), lang),
                        f"the label {label!r} is already used by field {other!r}; "
                        "officers tell fields apart by their labels",
                    )
                seen_labels[(lang, label.casefold())] = f.code
            fields.append(f)
        sections.append(Section(code, title, tuple(fields)))
    _check_stock_from(r, nodes, sections)
    return sections


def _check_stock_from(r: Reader, nodes: dict[str, Node], sections: list[Section]) -> None:
    fields = {f.code: f for s in sections for f in s.fields}
    for f in fields.values():
        if f.stock_from is None:
            continue
        source = fields.get(f.stock_from)
        loc = f"fields.{f.code}.stock_from"
        node = r.child(nodes[f.code], "stock_from")
        if source is None:
            raise r.error(loc, node, f"unknown field {f.stock_from!r}")
        if source.type is not f.type:
            raise r.error(
                loc,
                node,
                f"{f.stock_from!r} is {source.type} but {f.code!r} is {f.type}: "
                "a copied value must have the same type",
            )


def _read_field(r: Reader, node: Node, fallback_loc: str) -> Field:
    peeked = r.peek(node, "code", CODE_PATTERN)
    loc = f"fields.{peeked}" if peeked else fallback_loc
    keys = r.keys(node, loc, [*_FIELD_REQUIRED, *_FIELD_OPTIONAL], " for a field")
    r.require(keys, node, loc, ["code"])
    code = r.code(keys["code"], f"{loc}.code", CODE_PATTERN, "field code", CODE_RULE)
    if code in RESERVED_CODES:
        raise r.error(
            f"{loc}.code",
            keys["code"],
            f"{code!r} cannot be a field code: it is a reserved word of the rule language",
        )
    r.require(keys, node, loc, _FIELD_REQUIRED)
    label = r.bilingual(keys["label"], f"{loc}.label")
    ftype = _read_type(r, keys["type"], f"{loc}.type")
    help_text = r.bilingual(keys["help"], f"{loc}.help") if "help" in keys else None
    unit = r.bilingual(keys["unit"], f"{loc}.unit") if "unit" in keys else None
    flags = {
        name: r.boolean(keys[name], f"{loc}.{name}") if name in keys else False
        for name in ("required", "stock", "cumulative")
    }
    for name in ("stock", "cumulative"):
        if flags[name] and ftype not in _NUMERIC:
            raise r.error(
                f"{loc}.{name}",
                keys[name],
                f"'{name}: true' is only for integer or decimal fields, not {ftype}",
            )
    stock_from = None
    if "stock_from" in keys:
        stock_from = r.code(
            keys["stock_from"], f"{loc}.stock_from", CODE_PATTERN, "field code", CODE_RULE
        )
        if not flags["stock"]:
            raise r.error(
                f"{loc}.stock_from",
                keys["stock_from"],
                "'stock_from' is for stock fields: add 'stock: true'",
            )
    bounds: dict[str, Decimal | None] = {"min": None, "max": None}
    for name in ("min", "max"):
        if name not in keys:
            continue
        if ftype not in _NUMERIC:
            raise r.error(
                f"{loc}.{name}",
                keys[name],
                f"'{name}' is only for integer or decimal fields, not {ftype}",
            )
        value = r.number(keys[name], f"{loc}.{name}")
        if ftype is FieldType.INTEGER and (value != value.to_integral_value() or value < 0):
            raise r.error(
                f"{loc}.{name}",
                keys[name],
                f"an integer field counts from 0 upwards: '{name}' must be a whole number "
                f"0 or more, not {keys[name].value}",
            )
        bounds[name] = value
    lo, hi = bounds["min"], bounds["max"]
    if lo is not None and hi is not None and lo > hi:
        raise r.error(f"{loc}.min", keys["min"], f"min ({lo}) is larger than max ({hi})")
    choices: tuple[Choice, ...] = ()
    if "choices" in keys:
        if ftype is not FieldType.CHOICE:
            raise r.error(
                f"{loc}.choices", keys["choices"], f"'choices' is only for type choice, not {ftype}"
            )
        choices = _read_choices(r, keys["choices"], f"{loc}.choices")
    elif ftype is FieldType.CHOICE:
        raise r.error(loc, node, "a field of type choice needs 'choices' (a list of code + label)")
    return Field(
        code=code,
        label=label,
        type=ftype,
        help=help_text,
        unit=unit,
        required=flags["required"],
        min=lo,
        max=hi,
        choices=choices,
        stock=flags["stock"],
        cumulative=flags["cumulative"],
        stock_from=stock_from,
    )


def _read_type(r: Reader, node: Node, loc: str) -> FieldType:
    raw = r.text(node, loc, "a field type")
    names = [t.value for t in FieldType]
    if raw not in names:
        import difflib  # only for a hint in an error message

        close = difflib.get_close_matches(raw.lower(), names, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise r.error(loc, node, f"unknown type {raw!r}{hint}; one of: {', '.join(names)}")
    return FieldType(raw)


def _read_choices(r: Reader, node: Node, loc: str) -> tuple[Choice, ...]:
    items = r.sequence(node, loc, "choices")
    if len(items) < 2:
        raise r.error(loc, node, "a choice field needs at least two choices")
    choices: list[Choice] = []
    for k, c_node in enumerate(items):
        cloc = f"{loc}[{k}]"
        keys = r.mapping(c_node, cloc, ("code", "label"), what=" for a choice")
        code = r.code(keys["code"], f"{cloc}.code", CODE_PATTERN, "choice code", CODE_RULE)
        label = r.bilingual(keys["label"], f"{cloc}.label")
        for other in choices:
            if other.code == code:
                raise r.error(f"{cloc}.code", keys["code"], f"duplicate choice code {code!r}")
            for lang in ("id", "en"):
                if _same(other.label.get(lang), label.get(lang)):
                    raise r.error(
                        f"{cloc}.label.{lang}",
                        keys["label"],
                        f"two choices have the label {label.get(lang)!r}",
                    )
        choices.append(Choice(code, label))
    return tuple(choices)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
