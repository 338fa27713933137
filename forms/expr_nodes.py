"""The rule language's runtime: small typed nodes evaluated with Decimal and three-valued logic.

``forms.expr`` builds these from a checked syntax tree; nothing here ever sees source text.
An empty figure makes its part of a rule unknown (``None``), and unknown is never a failure.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow
from enum import Enum

from forms.model import FieldType, Value

# Arithmetic context: 34 significant digits (IEEE decimal128), far above any count's needs.
# Explicit context methods are used so the thread's global context is never touched.
_CTX = Context(prec=34, traps=[InvalidOperation, DivisionByZero, Overflow])


class Kind(Enum):
    """The static type of a sub-expression, checked when the rule is loaded."""

    NUMBER = "a number"
    BOOL = "a yes/no condition"
    TEXT = "a text"


FIELD_KINDS = {
    FieldType.INTEGER: Kind.NUMBER,
    FieldType.DECIMAL: Kind.NUMBER,
    FieldType.YESNO: Kind.BOOL,
    FieldType.CHOICE: Kind.TEXT,
    FieldType.TEXT: Kind.TEXT,
}

Result = Decimal | bool | str | None


@dataclass(frozen=True)
class Env:
    today: Mapping[str, Value]
    prev: Mapping[str, Value]


class Node:
    kind: Kind

    def eval(self, env: Env) -> Result:
        raise NotImplementedError


class Const(Node):
    def __init__(self, value: Decimal | bool | str, kind: Kind) -> None:
        self.value, self.kind = value, kind

    def eval(self, env: Env) -> Result:
        return self.value


class FieldRef(Node):
    def __init__(self, code: str, kind: Kind, from_prev: bool) -> None:
        self.code, self.kind, self.from_prev = code, kind, from_prev

    def eval(self, env: Env) -> Result:
        value = (env.prev if self.from_prev else env.today).get(self.code)
        if value is None:
            return None
        if self.kind is Kind.NUMBER:
            if isinstance(value, int | Decimal) and not isinstance(value, bool):
                return Decimal(value)
        elif isinstance(value, bool if self.kind is Kind.BOOL else str):
            return value
        raise TypeError(f"value of {self.code!r} should be {self.kind.value}, got {value!r}")


class IsEmpty(Node):
    kind = Kind.BOOL

    def __init__(self, ref: FieldRef) -> None:
        self.ref = ref

    def eval(self, env: Env) -> Result:
        return self.ref.eval(env) is None


class Neg(Node):
    kind = Kind.NUMBER

    def __init__(self, operand: Node) -> None:
        self.operand = operand

    def eval(self, env: Env) -> Result:
        value = self.operand.eval(env)
        return None if value is None else _CTX.minus(_num(value))


def _num(value: Result) -> Decimal:
    assert isinstance(value, Decimal), value  # guaranteed by the load-time type check
    return value


ARITH: dict[type[ast.operator], Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: _CTX.add,
    ast.Sub: _CTX.subtract,
    ast.Mult: _CTX.multiply,
    ast.Div: _CTX.divide,
}


class Arith(Node):
    kind = Kind.NUMBER

    def __init__(self, op: type[ast.operator], left: Node, right: Node) -> None:
        self.op, self.left, self.right = op, left, right

    def eval(self, env: Env) -> Result:
        a, b = self.left.eval(env), self.right.eval(env)
        if a is None or b is None:
            return None
        if self.op is ast.Div and _num(b).is_zero():
            return None  # a ratio of nothing cannot be judged
        return ARITH[self.op](_num(a), _num(b))


class Call(Node):
    kind = Kind.NUMBER

    def __init__(self, name: str, args: Sequence[Node]) -> None:
        self.name, self.args = name, tuple(args)

    def eval(self, env: Env) -> Result:
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


COMPARE: dict[type[ast.cmpop], Callable[[object, object], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: _num(a) < _num(b),  # type: ignore[arg-type]
    ast.LtE: lambda a, b: _num(a) <= _num(b),  # type: ignore[arg-type]
    ast.Gt: lambda a, b: _num(a) > _num(b),  # type: ignore[arg-type]
    ast.GtE: lambda a, b: _num(a) >= _num(b),  # type: ignore[arg-type]
}


CMP_SYMBOLS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


class Compare(Node):
    kind = Kind.BOOL

    def __init__(self, operands: Sequence[Node], ops: Sequence[type[ast.cmpop]]) -> None:
        self.operands, self.ops = tuple(operands), tuple(ops)

    def eval(self, env: Env) -> Result:
        values = [o.eval(env) for o in self.operands]
        unknown = False
        for op, a, b in zip(self.ops, values, values[1:], strict=False):
            if a is None or b is None:
                unknown = True
            elif not COMPARE[op](a, b):
                return False
        return None if unknown else True


class BoolOp(Node):
    """``and``/``or`` with three-valued logic: an empty figure makes a part unknown (None)."""

    kind = Kind.BOOL

    def __init__(self, is_and: bool, items: Sequence[Node]) -> None:
        self.is_and, self.items = is_and, tuple(items)

    def eval(self, env: Env) -> Result:
        decisive = not self.is_and  # False decides an "and", True decides an "or"
        unknown = False
        for item in self.items:
            value = item.eval(env)
            if value is None:
                unknown = True
            elif value is decisive:
                return decisive
        return None if unknown else not decisive


class Not(Node):
    kind = Kind.BOOL

    def __init__(self, operand: Node) -> None:
        self.operand = operand

    def eval(self, env: Env) -> Result:
        value = self.operand.eval(env)
        return None if value is None else not value
