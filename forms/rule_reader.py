"""Reads a form's ``rules:`` (expression and outlier rules) and adds the generated ones.

Every expression is compiled here, at load time, so a broken or unsafe rule stops the file
from loading instead of surprising an officer later.
"""

from __future__ import annotations

from collections.abc import Sequence

from forms.errors import ExprError
from forms.expr import compile_expr
from forms.messages import escape, placeholders, split_prev
from forms.model import Field, FieldType, Rule, Severity, Text
from forms.outlier import MIN_HISTORY
from forms.yaml_source import Node, Reader

RULE_ID_PATTERN = r"[a-z][a-z0-9_]*(-[a-z0-9_]+)*"
RULE_ID_RULE = "lower-case letters, digits, _ and -, starting with a letter (like oksigen-neraca)"
#: the placeholders an outlier rule's own message may use
OUTLIER_PLACEHOLDERS = ("label", "value", "low", "high", "days")
#: the message of an outlier rule that gives none
DEFAULT_OUTLIER_MESSAGE = Text(
    "{label}: {value} tidak biasa dibanding {days} hari terakhir (biasanya {low}–{high}). "
    "Periksa lagi angkanya.",
    "{label}: {value} is unusual compared with the last {days} days (usually {low}–{high}). "
    "Please check the figure.",
)
#: the longest history window an outlier rule may ask for
MAX_WINDOW = 366
#: prefix of generated rule ids (a dot can never appear in an authored id)
AUTO_PREFIX = "auto."

_KEYS = {
    "expr": ("id", "kind", "severity", "message", "fields", "expr", "when"),
    "outlier": ("id", "kind", "severity", "message", "fields", "window"),
}


def read_rules(r: Reader, node: Node | None, fields: Sequence[Field]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    items = [] if node is None else r.sequence(node, "rules", "rules", allow_empty=True)
    seen: set[str] = set()
    all_keys = tuple(dict.fromkeys(k for keys in _KEYS.values() for k in keys))
    for i, rule_node in enumerate(items):
        peeked = r.peek(rule_node, "id", RULE_ID_PATTERN)
        loc = f"rules.{peeked}" if peeked else f"rules[{i}]"
        keys = r.keys(rule_node, loc, all_keys, " for a rule")
        r.require(keys, rule_node, loc, ["id"])
        rule_id = r.code(
            keys["id"], f"{loc}.id", RULE_ID_PATTERN, "rule id", RULE_ID_RULE, max_len=60
        )
        if rule_id in seen:
            raise r.error(f"{loc}.id", keys["id"], f"duplicate rule id {rule_id!r}")
        seen.add(rule_id)
        kind = "expr"
        if "kind" in keys:
            kind = r.text(keys["kind"], f"{loc}.kind")
            if kind not in _KEYS:
                raise r.error(
                    f"{loc}.kind", keys["kind"], f"unknown kind {kind!r}; one of: expr, outlier"
                )
        for key, key_node in keys.items():
            if key not in _KEYS[kind]:
                other = "outlier" if kind == "expr" else "expr"
                raise r.error(
                    f"{loc}.{key}",
                    key_node,
                    f"{key!r} is only for kind: {other} rules; this rule is kind: {kind}",
                )
        if kind == "expr":
            rules.append(_read_expr_rule(r, rule_node, keys, loc, rule_id, fields))
        else:
            rules.append(_read_outlier_rule(r, rule_node, keys, loc, rule_id, fields))
    rules.extend(cumulative_rules(fields))
    return tuple(rules)


def _severity(r: Reader, keys: dict[str, Node], loc: str, default: Severity) -> Severity:
    if "severity" not in keys:
        return default
    raw = r.text(keys["severity"], f"{loc}.severity")
    if raw not in (Severity.ERROR.value, Severity.WARNING.value):
        raise r.error(
            f"{loc}.severity", keys["severity"], f"unknown severity {raw!r}; one of: error, warning"
        )
    return Severity(raw)


def _field_list(
    r: Reader, keys: dict[str, Node], loc: str, fields: Sequence[Field], allow_group: bool
) -> tuple[str, ...]:
    node = keys["fields"]
    known = {f.code: f for f in fields}
    if allow_group and getattr(node, "value", None) == "all_integer":
        codes = tuple(f.code for f in fields if f.type is FieldType.INTEGER and not f.cumulative)
        if not codes:
            raise r.error(f"{loc}.fields", node, "the form has no integer fields")
        return codes
    what = "field codes" + (" (or all_integer)" if allow_group else "")
    codes_list: list[str] = []
    for k, item in enumerate(r.sequence(node, f"{loc}.fields", what)):
        code = r.text(item, f"{loc}.fields[{k}]", "a field code")
        if code not in known:
            raise r.error(f"{loc}.fields[{k}]", item, f"unknown field {code!r}")
        if code in codes_list:
            raise r.error(f"{loc}.fields[{k}]", item, f"field {code!r} is listed twice")
        codes_list.append(code)
    return tuple(codes_list)


def _compile(r: Reader, node: Node, loc: str, fields: Sequence[Field]) -> tuple[str, ...]:
    text = r.text(node, loc, "an expression")
    try:
        expr = compile_expr(text, fields)
    except ExprError as e:
        raise r.error(loc, node, f"{e} in {text!r}") from None
    return expr.fields or expr.prev_fields


def _check_message(
    r: Reader, node: Node, loc: str, message: Text, allowed: Sequence[str], fields_ok: bool
) -> None:
    for lang in ("id", "en"):
        try:
            names = placeholders(message.get(lang))
        except ValueError as e:
            raise r.error(f"{loc}.{lang}", r.child(node, lang), str(e)) from None
        for name in names:
            code, _ = split_prev(name)
            if name in allowed or (fields_ok and code in allowed):
                continue
            what = "field code or prev(field code)" if fields_ok else "placeholder"
            raise r.error(
                f"{loc}.{lang}",
                r.child(node, lang),
                f"unknown placeholder {{{name}}}: not a {what} of this form; "
                f"write {{{{ and }}}} for literal braces",
            )


def _read_expr_rule(
    r: Reader,
    node: Node,
    keys: dict[str, Node],
    loc: str,
    rule_id: str,
    fields: Sequence[Field],
) -> Rule:
    r.require(keys, node, loc, ["expr", "message"])
    named = _compile(r, keys["expr"], f"{loc}.expr", fields)
    when = None
    if "when" in keys:
        _compile(r, keys["when"], f"{loc}.when", fields)
        when = r.text(keys["when"], f"{loc}.when")
    attached = _field_list(r, keys, loc, fields, False) if "fields" in keys else named
    message = r.bilingual(keys["message"], f"{loc}.message")
    _check_message(r, keys["message"], f"{loc}.message", message, [f.code for f in fields], True)
    return Rule(
        id=rule_id,
        kind="expr",
        severity=_severity(r, keys, loc, Severity.ERROR),
        message=message,
        fields=attached,
        expr=r.text(keys["expr"], f"{loc}.expr"),
        when=when,
    )


def _read_outlier_rule(
    r: Reader,
    node: Node,
    keys: dict[str, Node],
    loc: str,
    rule_id: str,
    fields: Sequence[Field],
) -> Rule:
    r.require(keys, node, loc, ["fields"])
    codes = _field_list(r, keys, loc, fields, True)
    for code in codes:
        f = next(f for f in fields if f.code == code)
        if f.type is not FieldType.INTEGER:
            raise r.error(
                f"{loc}.fields",
                keys["fields"],
                f"field {code!r} is {f.type}: outlier checks are for counts (integer fields)",
            )
    severity = _severity(r, keys, loc, Severity.WARNING)
    if severity is Severity.ERROR:
        raise r.error(
            f"{loc}.severity",
            keys["severity"],
            "an unusual figure can be true, so an outlier rule can only be a warning",
        )
    window = 28
    if "window" in keys:
        window = r.integer(keys["window"], f"{loc}.window", "a number of days")
        if not MIN_HISTORY <= window <= MAX_WINDOW:
            raise r.error(
                f"{loc}.window",
                keys["window"],
                f"the window must be {MIN_HISTORY} to {MAX_WINDOW} days, not {window}",
            )
    message = DEFAULT_OUTLIER_MESSAGE
    if "message" in keys:
        message = r.bilingual(keys["message"], f"{loc}.message")
        _check_message(r, keys["message"], f"{loc}.message", message, OUTLIER_PLACEHOLDERS, False)
    return Rule(
        id=rule_id,
        kind="outlier",
        severity=severity,
        message=message,
        fields=codes,
        window=window,
    )


def cumulative_rules(fields: Sequence[Field]) -> list[Rule]:
    """One generated "never falls" error rule per ``cumulative: true`` field."""
    rules = []
    for f in fields:
        if not f.cumulative:
            continue
        c = f.code
        rules.append(
            Rule(
                id=f"{AUTO_PREFIX}cumulative.{c}",
                kind="expr",
                severity=Severity.ERROR,
                message=Text(
                    f"{escape(f.label.id)} tidak boleh turun: hari ini {{{c}}}, kemarin "
                    f"{{prev({c})}}. Angka kumulatif hanya tetap atau naik; bila angka kemarin "
                    "salah, perbaiki data kemarin.",
                    f"{escape(f.label.en)} cannot fall: today {{{c}}}, yesterday {{prev({c})}}. "
                    "A running total only stays the same or rises; if yesterday's figure was "
                    "wrong, correct yesterday.",
                ),
                fields=(c,),
                expr=f"{c} >= prev({c})",
            )
        )
    return rules
