"""The safe rule language: a small, typed subset of Python expressions evaluated with Decimal.

Text is parsed with ``ast.parse(mode="eval")``, every node is checked against a whitelist and
rebuilt as our own small node objects; nothing from a form file is ever eval'ed or compiled.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from forms.errors import ExprError
from forms.expr_nodes import (
    ARITH,
    CMP_SYMBOLS,
    COMPARE,
    FIELD_KINDS,
    Arith,
    BoolOp,
    Call,
    Compare,
    Const,
    Env,
    FieldRef,
    IsEmpty,
    Kind,
    Neg,
    Node,
    Not,
)
from forms.model import Field, FieldType, Value

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "Expr",
    "ExprError",
    "compile_expr",
]

#: the functions a rule may call, with what each does (also shown in error messages)
FUNCTIONS: dict[str, str] = {
    "prev": "prev(field): the same field on the previous day",
    "abs": "abs(x): the size of x without its sign",
    "min": "min(a, b, ...): the smallest of two or more numbers",
    "max": "max(a, b, ...): the largest of two or more numbers",
    "sum": "sum(a, b, ...): a + b + ... (not judged if any is empty)",
    "is_empty": "is_empty(field) or is_empty(prev(field)): true when the figure is not filled",
}
#: longest expression text accepted
MAX_LENGTH = 500
#: most syntax-tree nodes accepted (roughly: names, numbers and operators)
MAX_NODES = 200
#: deepest nesting accepted
MAX_DEPTH = 40


# Characters people paste from word processors, with what to write instead.
_UNICODE_HINTS = {"≤": "<=", "≥": ">=", "≠": "!=", "×": "*", "÷": "/", "−": "-", "–": "-"}
# Words people reasonably try, with the spelling the language uses.
_WORD_HINTS = {
    "dan": "and",
    "atau": "or",
    "bukan": "not",
    "tidak": "not",
    "true": "True",
    "false": "False",
    "benar": "True",
    "salah": "False",
    "null": "is_empty(field)",
    "none": "is_empty(field)",
    "kosong": "is_empty(field)",
}


@dataclass(frozen=True)
class Expr:
    """A checked condition, ready to evaluate against a day's values (and the previous day's)."""

    text: str
    #: fields read from the day being judged, in order of first appearance
    fields: tuple[str, ...]
    #: fields read from the previous day through ``prev()``, in order of first appearance
    prev_fields: tuple[str, ...]
    _root: Node = field(repr=False, compare=False)

    @property
    def uses_prev(self) -> bool:
        return bool(self.prev_fields)

    def evaluate(
        self, values: Mapping[str, Value], prev: Mapping[str, Value] | None = None
    ) -> bool | None:
        """True (holds), False (broken) or None (not judged: a needed figure is empty).

        A rule using ``prev()`` is not judged when ``prev`` is None (no previous day known).
        Values must have their field's Python type; anything else is a bug (``TypeError``).
        """
        if self.prev_fields and prev is None:
            return None
        result = self._root.eval(Env(values, prev or {}))
        assert result is None or isinstance(result, bool)
        return result


def compile_expr(text: str, fields: Iterable[Field]) -> Expr:
    """Check ``text`` against the whitelist and the form's ``fields``; raise ExprError if unfit.

    The result must be a condition (true/false). Strings may only appear compared with ``==`` or
    ``!=`` to a choice/text field (and must then be one of the choice codes).
    """
    if not isinstance(text, str):
        raise ExprError(f"the expression must be text, not {type(text).__name__}")
    source = re.sub(r"[\t\r\n]", " ", text).strip()
    if not source:
        raise ExprError("the expression is empty")
    if len(source) > MAX_LENGTH:
        raise ExprError(
            f"the expression is {len(source)} characters long, at most {MAX_LENGTH} are allowed; "
            "split it into several rules"
        )
    for i, ch in enumerate(source):
        if not ch.isascii() or (not ch.isprintable()):
            hint = f"; write {_UNICODE_HINTS[ch]!r} instead" if ch in _UNICODE_HINTS else ""
            raise ExprError(f"character {ch!r} is not allowed{hint}", i + 1)
    _refuse_warning_triggers(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        column = e.offset if e.offset is not None and 1 <= e.offset <= len(source) else None
        raise ExprError(_syntax_message(source, e, column is None), column) from None
    except (ValueError, RecursionError, MemoryError) as e:
        raise ExprError(f"the expression cannot be read ({type(e).__name__})") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExprError(
            f"the expression is too complex ({count} parts, at most {MAX_NODES}); "
            "split it into several rules"
        )
    builder = _Builder(source, {f.code: f for f in fields})
    root = builder.build(tree.body, 0)
    if root.kind is not Kind.BOOL:
        raise ExprError(
            f"the rule must be a condition that is true or false (e.g. a <= b), "
            f"but this is {root.kind.value}"
        )
    if not builder.today and not builder.prev:
        raise ExprError("the expression uses no field, so its answer never changes")
    return Expr(source, tuple(builder.today), tuple(builder.prev), root)


def _refuse_warning_triggers(source: str) -> None:
    """Refuse what would make Python's parser print a warning ("1and", "\\d") before parsing."""
    if "\\" in source:
        raise ExprError("backslashes are not allowed", source.index("\\") + 1)
    masked = re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: "'" + " " * (len(m[0]) - 2) + "'", source)
    glued = re.search(r"(?<![A-Za-z0-9_])[0-9][0-9_.]*[A-Za-z_]", masked)
    if glued:
        raise ExprError(
            "write numbers as plain digits like 12 or 0.5, with a space before any word",
            glued.start() + 1,
        )


def _syntax_message(source: str, e: SyntaxError, at_end: bool) -> str:
    if re.search(r"(?<![=<>!])=(?!=)", source):
        return "syntax error: to compare use '==' (a single '=' is not allowed)"
    msg = (e.msg or "invalid syntax").split(". Maybe")[0]
    if at_end and msg == "invalid syntax":
        msg = "the expression is incomplete (something is missing at the end)"
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source):
        if word.lower() in _WORD_HINTS:
            return f"syntax error: {msg}; write {_WORD_HINTS[word.lower()]!r} instead of {word!r}"
    return f"syntax error: {msg}"


_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access ('.' as in x.y) is not allowed",
    ast.Subscript: "indexing ('[...]') is not allowed",
    ast.Lambda: "'lambda' is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples (a, b) are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.IfExp: "'x if c else y' is not allowed; put the condition in the rule's 'when:'",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.Slice: "slices are not allowed",
}
_BAD_OPS: dict[type[ast.AST], str] = {
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Invert: "~",
    ast.UAdd: "unary +",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
_NUMBER_RE = re.compile(r"[0-9]{1,15}(\.[0-9]{1,6})?")


class _Builder:
    """Walks the parsed tree top-down, refusing anything not whitelisted, typing as it goes."""

    def __init__(self, source: str, fields: Mapping[str, Field]) -> None:
        self.source = source
        self.fields = fields
        self.today: dict[str, None] = {}  # insertion-ordered sets
        self.prev: dict[str, None] = {}

    def fail(self, node: ast.AST, message: str) -> ExprError:
        col = getattr(node, "col_offset", None)
        return ExprError(message, None if col is None else col + 1)

    def build(self, node: ast.expr, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.fail(node, f"the expression is nested too deeply (over {MAX_DEPTH} levels)")
        d = depth + 1
        if type(node) in _REFUSED:
            raise self.fail(node, _REFUSED[type(node)])
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node, from_prev=False)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, d)
        if isinstance(node, ast.BinOp):
            if type(node.op) not in ARITH:
                raise self.fail(node, self.bad_op(node.op))
            left, right = self.build(node.left, d), self.build(node.right, d)
            symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}[type(node.op)]
            self.need(node, left, Kind.NUMBER, f"the left side of '{symbol}'")
            self.need(node, right, Kind.NUMBER, f"the right side of '{symbol}'")
            return Arith(type(node.op), left, right)
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            items = [self.build(v, d) for v in node.values]
            for item, value in zip(items, node.values, strict=True):
                self.need(value, item, Kind.BOOL, f"each side of '{word}'")
            return BoolOp(isinstance(node.op, ast.And), items)
        if isinstance(node, ast.Compare):
            return self.compare(node, d)
        if isinstance(node, ast.Call):
            return self.call(node, d)
        raise self.fail(node, f"'{type(node).__name__}' is not allowed in a rule")

    def bad_op(self, op: ast.AST) -> str:
        symbol = _BAD_OPS.get(type(op), type(op).__name__)
        return f"'{symbol}' is not allowed; the operators are + - * / == != < <= > >= and or not"

    def need(self, node: ast.AST, built: Node, kind: Kind, what: str) -> None:
        if built.kind is not kind:
            raise self.fail(node, f"{what} must be {kind.value}, not {built.kind.value}")

    def constant(self, node: ast.Constant) -> Node:
        value = node.value
        if isinstance(value, bool):
            return Const(value, Kind.BOOL)
        if isinstance(value, int | float):
            segment = ast.get_source_segment(self.source, node) or ""
            if not _NUMBER_RE.fullmatch(segment):
                raise self.fail(
                    node,
                    f"write numbers as plain digits with at most 15 before and 6 after a '.', "
                    f"like 12 or 0.5 (not {segment!r})",
                )
            return Const(Decimal(segment), Kind.NUMBER)
        if isinstance(value, str):
            raise self.fail(
                node,
                "text in quotes is only allowed when comparing a choice or text field with "
                "== or != (e.g. status == 'tutup')",
            )
        if value is None:
            raise self.fail(node, "None is not allowed; to test for an empty figure use is_empty()")
        raise self.fail(node, f"the constant {value!r} is not allowed")

    def name(self, node: ast.Name, from_prev: bool) -> FieldRef:
        code = node.id
        if code.startswith("__"):
            raise self.fail(node, f"names with '__' are not allowed ({code!r})")
        if code in self.fields:
            f = self.fields[code]
            (self.prev if from_prev else self.today)[code] = None
            return FieldRef(code, FIELD_KINDS[f.type], from_prev)
        if code in FUNCTIONS:
            raise self.fail(node, f"'{code}' is a function: write {FUNCTIONS[code].split(':')[0]}")
        raise self.fail(node, f"unknown name {code!r}: not a field of this form{self.hint(code)}")

    def hint(self, code: str) -> str:
        if code.lower() in _WORD_HINTS:
            return f"; write {_WORD_HINTS[code.lower()]!r}"
        import difflib  # only for a hint in an error message

        close = difflib.get_close_matches(code, [*self.fields, *FUNCTIONS], n=1, cutoff=0.75)
        return f" (did you mean {close[0]!r}?)" if close else ""

    def unary(self, node: ast.UnaryOp, d: int) -> Node:
        operand = self.build(node.operand, d)
        if isinstance(node.op, ast.USub):
            self.need(node, operand, Kind.NUMBER, "the value after '-'")
            return Neg(operand)
        if isinstance(node.op, ast.Not):
            self.need(node, operand, Kind.BOOL, "the value after 'not'")
            return Not(operand)
        raise self.fail(node, self.bad_op(node.op))

    def compare(self, node: ast.Compare, d: int) -> Node:
        for op in node.ops:
            if type(op) not in COMPARE:
                raise self.fail(node, self.bad_op(op))
        raw = [node.left, *node.comparators]
        built: list[Node | None] = [None if _is_str(r) else self.build(r, d) for r in raw]
        for i, op in enumerate(node.ops):
            a, b = built[i], built[i + 1]
            symbol = CMP_SYMBOLS[type(op)]
            if a is None and b is None:
                raise self.fail(node, "comparing two quoted texts always gives the same answer")
            if a is None or b is None:
                other = a if a is not None else b
                literal = raw[i] if a is None else raw[i + 1]
                assert other is not None and isinstance(literal, ast.Constant)
                if type(op) not in (ast.Eq, ast.NotEq) or other.kind is not Kind.TEXT:
                    raise self.fail(
                        literal,
                        "text in quotes can only be compared with == or != to a choice "
                        "or text field",
                    )
                self.check_choice(other, literal)
                continue
            if type(op) in (ast.Eq, ast.NotEq):
                if a.kind is not b.kind:
                    raise self.fail(node, f"'{symbol}' compares {a.kind.value} with {b.kind.value}")
            else:
                self.need(node, a, Kind.NUMBER, f"the left side of '{symbol}'")
                self.need(node, b, Kind.NUMBER, f"the right side of '{symbol}'")
        operands = [
            b if b is not None else Const(_str(r), Kind.TEXT)
            for b, r in zip(built, raw, strict=True)
        ]
        return Compare(operands, [type(op) for op in node.ops])

    def check_choice(self, other: Node, literal: ast.Constant) -> None:
        if not isinstance(other, FieldRef):
            return
        f = self.fields[other.code]
        codes = [c.code for c in f.choices]
        if f.type is FieldType.CHOICE and literal.value not in codes:
            raise self.fail(
                literal,
                f"{literal.value!r} is not a choice of {other.code!r} "
                f"(its choice codes: {', '.join(codes)})",
            )

    def call(self, node: ast.Call, d: int) -> Node:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.fail(
                node, "only the functions prev, abs, min, max, sum, is_empty can be called"
            )
        name = func.id
        if name.startswith("__"):
            raise self.fail(node, f"names with '__' are not allowed ({name!r})")
        if name not in FUNCTIONS:
            known = ", ".join(FUNCTIONS)
            what = "a field, not a function" if name in self.fields else "not an allowed function"
            raise self.fail(node, f"{name!r} is {what} (functions: {known}){self.hint(name)}")
        if node.keywords:
            raise self.fail(node, f"{name}() takes no keyword arguments")
        args = node.args
        usage = FUNCTIONS[name].split(":")[0]
        if name == "prev":
            if len(args) != 1 or not isinstance(args[0], ast.Name):
                raise self.fail(node, "prev() takes exactly one field code, e.g. prev(stok_akhir)")
            return self.name(args[0], from_prev=True)
        if name == "is_empty":
            if len(args) != 1:
                raise self.fail(node, f"is_empty() takes exactly one field: {usage}")
            arg = args[0]
            if isinstance(arg, ast.Name):
                return IsEmpty(self.name(arg, from_prev=False))
            if (
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Name)
                and arg.func.id == "prev"
            ):
                ref = self.call(arg, d)
                assert isinstance(ref, FieldRef)
                return IsEmpty(ref)
            raise self.fail(node, f"is_empty() takes a field code: {usage}")
        if any(isinstance(a, ast.Starred) for a in args):
            raise self.fail(node, _REFUSED[ast.Starred])
        wanted = {"abs": (1, 1), "min": (2, None), "max": (2, None), "sum": (1, None)}[name]
        lo, hi = wanted
        if len(args) < lo or (hi is not None and len(args) > hi):
            raise self.fail(node, f"wrong number of arguments: {usage}")
        built = [self.build(a, d) for a in args]
        for a, b in zip(args, built, strict=True):
            self.need(a, b, Kind.NUMBER, f"each argument of {name}()")
        return Call(name, built)


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _str(node: ast.expr) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str)
    return node.value
