"""The safe rule language: a small, typed subset of Python expressions evaluated with Decimal.

Text is parsed with ``ast.parse(mode="eval")``, every node is checked against a whitelist and
rebuilt as our own small node objects; nothing from a form file is ever eval'ed or compiled.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from enum import Enum

from forms.errors import ExprError
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

# Arithmetic context: 34 significant digits (IEEE decimal128), far above any count's needs.
# Explicit context methods are used so the thread's global context is never touched.
_CTX = Context(prec=34, traps=[InvalidOperation, DivisionByZero, Overflow])

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


class Kind(Enum):
    """The static type of a sub-expression, checked when the rule is loaded."""

    NUMBER = "a number"
    BOOL = "a yes/no condition"
    TEXT = "a text"


_FIELD_KINDS = {
    FieldType.INTEGER: Kind.NUMBER,
    FieldType.DECIMAL: Kind.NUMBER,
    FieldType.YESNO: Kind.BOOL,
    FieldType.CHOICE: Kind.TEXT,
    FieldType.TEXT: Kind.TEXT,
}

Result = Decimal | bool | str | None


@dataclass(frozen=True)
class _Env:
    today: Mapping[str, Value]
    prev: Mapping[str, Value]


class _Node:
    kind: Kind

    def eval(self, env: _Env) -> Result:
        raise NotImplementedError


class _Const(_Node):
    def __init__(self, value: Decimal | bool | str, kind: Kind) -> None:
        self.value, self.kind = value, kind

    def eval(self, env: _Env) -> Result:
        return self.value


class _FieldRef(_Node):
    def __init__(self, code: str, kind: Kind, from_prev: bool) -> None:
        self.code, self.kind, self.from_prev = code, kind, from_prev

    def eval(self, env: _Env) -> Result:
        value = (env.prev if self.from_prev else env.today).get(self.code)
        if value is None:
            return None
        if self.kind is Kind.NUMBER:
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                return Decimal(value)
        elif isinstance(value, bool if self.kind is Kind.BOOL else str):
            return value
        raise TypeError(f"value of {self.code!r} should be {self.kind.value}, got {value!r}")


class _IsEmpty(_Node):
    kind = Kind.BOOL

    def __init__(self, ref: _FieldRef) -> None:
        self.ref = ref

    def eval(self, env: _Env) -> Result:
        return self.ref.eval(env) is None


class _Neg(_Node):
    kind = Kind.NUMBER

    def __init__(self, operand: _Node) -> None:
        self.operand = operand

    def eval(self, env: _Env) -> Result:
        value = self.operand.eval(env)
        return None if value is None else _CTX.minus(_num(value))


def _num(value: Result) -> Decimal:
    assert isinstance(value, Decimal), value  # guaranteed by the load-time type check
    return value


_ARITH: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: _CTX.add,
    ast.Sub: _CTX.subtract,
    ast.Mult: _CTX.multiply,
    ast.Div: _CTX.divide,
}


class _Arith(_Node):
    kind = Kind.NUMBER

    def __init__(self, op: type[ast.operator], left: _Node, right: _Node) -> None:
        self.op, self.left, self.right = op, left, right

    def eval(self, env: _Env) -> Result:
        a, b = self.left.eval(env), self.right.eval(env)
        if a is None or b is None:
            return None
        if self.op is ast.Div and _num(b).is_zero():
            return None  # a ratio of nothing cannot be judged
        return _ARITH[self.op](_num(a), _num(b))


class _Call(_Node):
    kind = Kind.NUMBER

    def __init__(self, name: str, args: Sequence[_Node]) -> None:
        self.name, self.args = name, tuple(args)

    def eval(self, env: _Env) -> Result:
        values = [a.eval(env) for a in self.args]
        if any(v is None for v in values):
            return None
        nums = [_num(v) for v in values]
        if self.name == "abs":
            return _CTX.abs(nums[0])
        if self.name == "min":
            return min(nums)
        if self.name == "max":
            return max(nums)
        total = Decimal(0)
        for n in nums:
            total = _CTX.add(total, n)
        return total


_COMPARE: dict[type[ast.cmpop], Callable[[object, object], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: _num(a) < _num(b),  # type: ignore[arg-type]
    ast.LtE: lambda a, b: _num(a) <= _num(b),  # type: ignore[arg-type]
    ast.Gt: lambda a, b: _num(a) > _num(b),  # type: ignore[arg-type]
    ast.GtE: lambda a, b: _num(a) >= _num(b),  # type: ignore[arg-type]
}


_CMP_SYMBOLS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


class _Compare(_Node):
    kind = Kind.BOOL

    def __init__(self, operands: Sequence[_Node], ops: Sequence[type[ast.cmpop]]) -> None:
        self.operands, self.ops = tuple(operands), tuple(ops)

    def eval(self, env: _Env) -> Result:
        values = [o.eval(env) for o in self.operands]
        unknown = False
        for op, a, b in zip(self.ops, values, values[1:], strict=False):
            if a is None or b is None:
                unknown = True
            elif not _COMPARE[op](a, b):
                return False
        return None if unknown else True


class _BoolOp(_Node):
    """``and``/``or`` with three-valued logic: an empty figure makes a part unknown (None)."""

    kind = Kind.BOOL

    def __init__(self, is_and: bool, items: Sequence[_Node]) -> None:
        self.is_and, self.items = is_and, tuple(items)

    def eval(self, env: _Env) -> Result:
        decisive = not self.is_and  # False decides an "and", True decides an "or"
        unknown = False
        for item in self.items:
            value = item.eval(env)
            if value is None:
                unknown = True
            elif value is decisive:
                return decisive
        return None if unknown else not decisive


class _Not(_Node):
    kind = Kind.BOOL

    def __init__(self, operand: _Node) -> None:
        self.operand = operand

    def eval(self, env: _Env) -> Result:
        value = self.operand.eval(env)
        return None if value is None else not value


@dataclass(frozen=True)
class Expr:
    """A checked condition, ready to evaluate against a day's values (and the previous day's)."""

    text: str
    #: fields read from the day being judged, in order of first appearance
    fields: tuple[str, ...]
    #: fields read from the previous day through ``prev()``, in order of first appearance
    prev_fields: tuple[str, ...]
    _root: _Node = field(repr=False, compare=False)

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
        result = self._root.eval(_Env(values, prev or {}))
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
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        raise ExprError(_syntax_message(source, e), e.offset) from None
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


def _syntax_message(source: str, e: SyntaxError) -> str:
    if re.search(r"(?<![=<>!])=(?!=)", source):
        return "syntax error: to compare use '==' (a single '=' is not allowed)"
    msg = (e.msg or "invalid syntax").split(". Maybe")[0]
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

    def build(self, node: ast.expr, depth: int) -> _Node:
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
            if type(node.op) not in _ARITH:
                raise self.fail(node, self.bad_op(node.op))
            left, right = self.build(node.left, d), self.build(node.right, d)
            symbol = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}[type(node.op)]
            self.need(node, left, Kind.NUMBER, f"the left side of '{symbol}'")
            self.need(node, right, Kind.NUMBER, f"the right side of '{symbol}'")
            return _Arith(type(node.op), left, right)
        if isinstance(node, ast.BoolOp):
            word = "and" if isinstance(node.op, ast.And) else "or"
            items = [self.build(v, d) for v in node.values]
            for item, value in zip(items, node.values, strict=True):
                self.need(value, item, Kind.BOOL, f"each side of '{word}'")
            return _BoolOp(isinstance(node.op, ast.And), items)
        if isinstance(node, ast.Compare):
            return self.compare(node, d)
        if isinstance(node, ast.Call):
            return self.call(node, d)
        raise self.fail(node, f"'{type(node).__name__}' is not allowed in a rule")

    def bad_op(self, op: ast.AST) -> str:
        symbol = _BAD_OPS.get(type(op), type(op).__name__)
        return f"'{symbol}' is not allowed; the operators are + - * / == != < <= > >= and or not"

    def need(self, node: ast.AST, built: _Node, kind: Kind, what: str) -> None:
        if built.kind is not kind:
            raise self.fail(node, f"{what} must be {kind.value}, not {built.kind.value}")

    def constant(self, node: ast.Constant) -> _Node:
        value = node.value
        if isinstance(value, bool):
            return _Const(value, Kind.BOOL)
        if isinstance(value, int | float):
            segment = ast.get_source_segment(self.source, node) or ""
            if not _NUMBER_RE.fullmatch(segment):
                raise self.fail(
                    node,
                    f"write numbers as plain digits with at most 15 before and 6 after a '.', "
                    f"like 12 or 0.5 (not {segment!r})",
                )
            return _Const(Decimal(segment), Kind.NUMBER)
        if isinstance(value, str):
            raise self.fail(
                node,
                "text in quotes is only allowed when comparing a choice or text field with "
                "== or != (e.g. status == 'tutup')",
            )
        if value is None:
            raise self.fail(node, "None is not allowed; to test for an empty figure use is_empty()")
        raise self.fail(node, f"the constant {value!r} is not allowed")

    def name(self, node: ast.Name, from_prev: bool) -> _FieldRef:
        code = node.id
        if code.startswith("__"):
            raise self.fail(node, f"names with '__' are not allowed ({code!r})")
        if code in self.fields:
            f = self.fields[code]
            (self.prev if from_prev else self.today)[code] = None
            return _FieldRef(code, _FIELD_KINDS[f.type], from_prev)
        if code in FUNCTIONS:
            raise self.fail(node, f"'{code}' is a function: write {FUNCTIONS[code].split(':')[0]}")
        raise self.fail(node, f"unknown name {code!r}: not a field of this form{self.hint(code)}")

    def hint(self, code: str) -> str:
        if code.lower() in _WORD_HINTS:
            return f"; write {_WORD_HINTS[code.lower()]!r}"
        close = difflib.get_close_matches(code, [*self.fields, *FUNCTIONS], n=1, cutoff=0.75)
        return f" (did you mean {close[0]!r}?)" if close else ""

    def unary(self, node: ast.UnaryOp, d: int) -> _Node:
        operand = self.build(node.operand, d)
        if isinstance(node.op, ast.USub):
            self.need(node, operand, Kind.NUMBER, "the value after '-'")
            return _Neg(operand)
        if isinstance(node.op, ast.Not):
            self.need(node, operand, Kind.BOOL, "the value after 'not'")
            return _Not(operand)
        raise self.fail(node, self.bad_op(node.op))

    def compare(self, node: ast.Compare, d: int) -> _Node:
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.fail(node, self.bad_op(op))
        raw = [node.left, *node.comparators]
        built: list[_Node | None] = [None if _is_str(r) else self.build(r, d) for r in raw]
        for i, op in enumerate(node.ops):
            a, b = built[i], built[i + 1]
            symbol = _CMP_SYMBOLS[type(op)]
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
            b if b is not None else _Const(_str(r), Kind.TEXT)
            for b, r in zip(built, raw, strict=True)
        ]
        return _Compare(operands, [type(op) for op in node.ops])

    def check_choice(self, other: _Node, literal: ast.Constant) -> None:
        if not isinstance(other, _FieldRef):
            return
        f = self.fields[other.code]
        codes = [c.code for c in f.choices]
        if f.type is FieldType.CHOICE and literal.value not in codes:
            raise self.fail(
                literal,
                f"{literal.value!r} is not a choice of {other.code!r} "
                f"(its choice codes: {', '.join(codes)})",
            )

    def call(self, node: ast.Call, d: int) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.fail(
                node, "only the functions prev, abs, min, max, sum, is_empty can be called"
            )
        name = func.id
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
                return _IsEmpty(self.name(arg, from_prev=False))
            if (
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Name)
                and arg.func.id == "prev"
            ):
                ref = self.call(arg, d)
                assert isinstance(ref, _FieldRef)
                return _IsEmpty(ref)
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
        return _Call(name, built)


def _is_str(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _str(node: ast.expr) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str)
    return node.value
