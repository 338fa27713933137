"""The safe rule language: what it accepts, what it refuses, and how it judges values."""

from __future__ import annotations

import ast
import warnings
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.errors import ExprError
from forms.expr import FUNCTIONS, MAX_LENGTH, compile_expr
from forms.model import Choice, Field, FieldType, Text, Value

T = Text("x", "x")
FIELDS = [
    Field("a", T, FieldType.INTEGER),
    Field("b", T, FieldType.INTEGER),
    Field("c", T, FieldType.INTEGER),
    Field("d", T, FieldType.DECIMAL),
    Field("padam", T, FieldType.YESNO),
    Field("status", T, FieldType.CHOICE, choices=(Choice("buka", T), Choice("tutup", T))),
    Field("catatan", T, FieldType.TEXT),
]


def judge(text: str, values: dict[str, Value], prev: dict[str, Value] | None = None) -> object:
    return compile_expr(text, FIELDS).evaluate(values, prev)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a <= b", {"a": 1, "b": 2}, True),
        ("a <= b", {"a": 3, "b": 2}, False),
        ("a < b < c", {"a": 1, "b": 2, "c": 3}, True),
        ("a < b < c", {"a": 1, "b": 5, "c": 3}, False),
        ("a == b + c", {"a": 5, "b": 2, "c": 3}, True),
        ("a == b - c", {"a": 0, "b": 3, "c": 3}, True),
        ("a * 2 == b", {"a": 4, "b": 8}, True),
        ("a / b == 0.5", {"a": 1, "b": 2}, True),
        # Decimal, not float: 0.1 + 0.2 == 0.3 holds
        ("d + 0.2 == 0.3", {"d": Decimal("0.1")}, True),
        ("d * 3 == 0.3", {"d": Decimal("0.1")}, True),
        ("-a < 0", {"a": 2}, True),
        ("(a + b) * c == 9", {"a": 1, "b": 2, "c": 3}, True),
        ("abs(a - b) <= 1", {"a": 5, "b": 6}, True),
        ("min(a, b, c) == 1", {"a": 3, "b": 1, "c": 2}, True),
        ("max(a, b) == 3", {"a": 3, "b": 1}, True),
        ("sum(a, b, c) == 6", {"a": 1, "b": 2, "c": 3}, True),
        ("padam", {"padam": True}, True),
        ("not padam", {"padam": True}, False),
        ("padam == False", {"padam": False}, True),
        ("status == 'tutup'", {"status": "tutup"}, True),
        ("status != 'tutup'", {"status": "tutup"}, False),
        ("'buka' == status", {"status": "buka"}, True),
        ("catatan == 'genset rusak'", {"catatan": "genset rusak"}, True),
        ("a > 1 and b > 1", {"a": 2, "b": 2}, True),
        ("a > 1 or b > 1", {"a": 0, "b": 0}, False),
        ("is_empty(a)", {}, True),
        ("is_empty(a)", {"a": 0}, False),
        ("is_empty(a) or a == 0", {}, True),
        ("a ==\n  b", {"a": 1, "b": 1}, True),  # YAML folding may bring newlines
    ],
)
def test_evaluation(text: str, values: dict[str, Value], expected: bool) -> None:
    assert judge(text, values) is expected


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("a <= b", {"a": 1}),  # b missing
        ("a <= b", {"a": None, "b": 2}),
        ("a == b + c", {"a": 1, "b": 1}),
        ("a / b == 1", {"a": 1, "b": 0}),  # division by zero: not judged
        ("sum(a, b) > 0", {"a": 1}),
        ("not padam", {}),
        ("a > 1 and b > 1", {"a": 2}),  # true and unknown -> unknown
        ("a > 1 or b > 1", {"a": 0}),  # false or unknown -> unknown
    ],
)
def test_missing_values_are_not_judged(text: str, values: dict[str, Value]) -> None:
    assert judge(text, values) is None


def test_three_valued_logic_still_decides_when_it_can() -> None:
    assert judge("a > 1 and b > 1", {"a": 0}) is False  # false and unknown -> false
    assert judge("a > 1 or b > 1", {"a": 5}) is True  # true or unknown -> true


def test_prev_reads_the_previous_day() -> None:
    expr = compile_expr(
        "awal == prev(akhir)",
        [*FIELDS, Field("awal", T, FieldType.INTEGER), Field("akhir", T, FieldType.INTEGER)],
    )
    assert expr.fields == ("awal",)
    assert expr.prev_fields == ("akhir",)
    assert expr.uses_prev
    assert expr.evaluate({"awal": 5}, {"akhir": 5}) is True
    assert expr.evaluate({"awal": 5}, {"akhir": 4}) is False
    assert expr.evaluate({"awal": 5}, None) is None  # no previous day known: not judged
    assert expr.evaluate({"awal": 5}, {}) is None  # previous day without that figure


def test_is_empty_of_prev() -> None:
    expr = compile_expr("is_empty(prev(a)) or a >= prev(a)", FIELDS)
    assert expr.evaluate({"a": 1}, {}) is True
    assert expr.evaluate({"a": 1}, {"a": 2}) is False


def test_fields_are_listed_in_order_of_appearance() -> None:
    expr = compile_expr("c + a <= b + c", FIELDS)
    assert expr.fields == ("c", "a", "b")


def test_wrongly_typed_values_are_bugs() -> None:
    expr = compile_expr("a <= b", FIELDS)
    with pytest.raises(TypeError):
        expr.evaluate({"a": "1", "b": 2})
    with pytest.raises(TypeError):
        expr.evaluate({"a": True, "b": 2})


HOSTILE = [
    "__import__('os').system('x')",
    "().__class__.__bases__",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd')",
    "open('/etc/passwd').read() == ''",
    "9**9**9",
    "a ** 2 > 1",
    "[x for x in ()]",
    "lambda: 0",
    "(lambda: 0)() == 0",
    "__builtins__",
    "a.__class__ == 1",
    "eval('1') == 1",
    "exec('x')",
    "getattr(a, 'x')",
    "(x := 1) == 1",
    "f'{a}' == 'x'",
    "a[0] == 1",
    "{a: 1} == 1",
    "{a} == 1",
    "(a, b) == 1",
    "a if padam else b",
    "a in (1, 2)",
    "a is None",
    "a // 2 == 1",
    "a % 2 == 0",
    "~a == 1",
    "a << 1 == 2",
    "a | b == 1",
    "max(*a) == 1",
    "max(a, b, key=a) == 1",
    "prev(prev(a)) == 1",
    "prev(a + 1) == 1",
    "prev('a') == 1",
    "b'x' == 1",
    "1j == a",
    "a == None",
    "a == ...",
    "1e400 < a",
    "0x10 == a",
    "1_000 == a",
    "await a",
    "a\x00 == 1",
    "a ≤ b",
    "(" * 300 + "a" + ")" * 300 + " > 1",
    "-" * 100 + "a > 1",
    " + ".join(["a"] * 120) + " > 1",
    "a" + " " * MAX_LENGTH + " > 1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_expressions_are_refused(text: str) -> None:
    with pytest.raises(ExprError):
        compile_expr(text, FIELDS)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a", "must be a condition"),
        ("a + b", "must be a condition"),
        ("1 < 2", "uses no field"),
        ("x > 1", "unknown name 'x'"),
        ("isolasi > 1", "unknown name 'isolasi'"),
        ("statsu == 'buka'", "did you mean 'status'"),
        ("catatn == 'x'", "did you mean 'catatan'"),
        ("a < 1 dan b < 1", "write 'and' instead of 'dan'"),
        ("a = b", "use '=='"),
        ("a ≤ b", "write '<='"),
        ("prev > 1", "'prev' is a function"),
        ("a(1) > 1", "'a' is a field, not a function"),
        ("open(a) > 1", "'open' is not an allowed function"),
        ("status == 'rusak'", "'rusak' is not a choice of 'status'"),
        ("status < 'tutup'", "only be compared with == or !="),
        ("a == 'x'", "only be compared with == or !="),
        ("'x' == 'y'", "two quoted texts"),
        ("a == padam", "compares a number with a yes/no condition"),
        ("padam > 1", "must be a number"),
        ("not a", "after 'not' must be a yes/no"),
        ("a and b", "each side of 'and'"),
        ("status + 1 > 2", "must be a number"),
        ("min(a) > 1", "wrong number of arguments"),
        ("abs(a, b) > 1", "wrong number of arguments"),
        ("is_empty(a + 1)", "is_empty() takes a field"),
        ("a > 1.5e3", "plain digits"),
        ("a > 1.1234567", "plain digits"),
        ("a ** 2 > 1", "'**' is not allowed"),
        ("__import__('os')", "names with '__'"),
        ("open(a) == 1", "'open' is not an allowed function"),
        ("__builtins__ == 1", "names with '__'"),
        ("a.real > 1", "attribute access"),
        ("[a] == 1", "lists are not allowed"),
        ("a if padam else b", "put the condition in the rule's 'when:'"),
        ("a is None", "'is' is not allowed"),
        ("a == None", "use is_empty()"),
    ],
)
def test_refusal_messages_say_what_is_wrong(text: str, needle: str) -> None:
    with pytest.raises(ExprError) as info:
        compile_expr(text, FIELDS)
    assert needle in str(info.value)


def test_refusal_carries_a_column() -> None:
    with pytest.raises(ExprError) as info:
        compile_expr("a <= b and x > 1", FIELDS)
    assert info.value.column == 12
    assert str(info.value).endswith("(column 12)")


def test_too_long_and_too_deep_are_refused_with_advice() -> None:
    with pytest.raises(ExprError, match="split it into several rules"):
        compile_expr(" + ".join(["a"] * 120) + " > 1", FIELDS)
    with pytest.raises(ExprError, match="nested too deeply"):
        compile_expr("-" * 60 + "a > 1", FIELDS)


def test_no_eval_exec_or_compile_in_the_forms_package() -> None:
    # The promise is structural: nothing in forms/ ever hands text to Python to run.
    import forms

    root = __import__("pathlib").Path(forms.__file__).parent
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile", "__import__"}, path


# Node types a compiled expression may contain (checked on the Python parse of accepted text).
ALLOWED_NODES = {
    ast.Expression,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.UnaryOp,
    ast.USub,
    ast.Not,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Call,
}
NAMES = {f.code for f in FIELDS} | set(FUNCTIONS)

# Expressions grown from the language's own grammar (most compile), then sometimes corrupted
# with a hostile fragment spliced in anywhere (most of those must be refused).
NUM_LEAVES = st.sampled_from(["a", "b", "c", "d", "0", "1", "2.5", "prev(a)", "prev(d)"])
NUMS = st.recursive(
    NUM_LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda x: f"-{x}"),
        inner.map(lambda x: f"abs({x})"),
        st.lists(inner, min_size=2, max_size=3).map(lambda xs: f"min({', '.join(xs)})"),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: f"sum({', '.join(xs)})"),
    ),
    max_leaves=6,
)
BOOL_LEAVES = st.one_of(
    st.tuples(NUMS, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), NUMS).map(" ".join),
    st.sampled_from(
        [
            "padam",
            "prev(padam)",
            "is_empty(a)",
            "is_empty(prev(b))",
            "status == 'buka'",
            "'tutup' != prev(status)",
            "catatan != 'x'",
        ]
    ),
)
BOOLS = st.recursive(
    BOOL_LEAVES,
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda x: f"not {x}"),
    ),
    max_leaves=5,
)
HOSTILE_BITS = st.sampled_from(
    [
        "__class__",
        ".__bases__",
        "[0]",
        "**9",
        "open(",
        "lambda: ",
        "__import__('os')",
        "'x'",
        " if padam else ",
        " for x in a",
        ":=",
        "@",
        "%",
        "~",
        "None",
        "f'{a}'",
        "*a",
        "{",
        ")",
        "(",
        "prev",
        "x",
        "True",
        "a.real",
        ",",
        "=",
        "\\",
        "1e9",
        "0x1",
    ]
)


@st.composite
def corrupted(draw: st.DrawFn) -> str:
    text = draw(BOOLS)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(HOSTILE_BITS) + text[at:]
    return text


def _check_whitelisted(text: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # the suite turns warnings into errors; look at them
        try:
            expr = compile_expr(text, FIELDS)
        except ExprError:
            expr = None
    assert not caught, (text, [str(w.message) for w in caught])
    if expr is None:
        return
    tree = ast.parse(expr.text, mode="eval")
    for node in ast.walk(tree):
        assert type(node) in ALLOWED_NODES, (text, type(node).__name__)
        if isinstance(node, ast.Name):
            assert node.id in NAMES
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
            assert not node.keywords
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float | str)  # bool is an int
    # Evaluating with any well-typed values never raises.
    values: dict[str, Value] = {
        "a": 1,
        "b": 0,
        "c": 7,
        "d": Decimal("2.5"),
        "padam": True,
        "status": "buka",
        "catatan": "x",
    }
    assert expr.evaluate(values, values) in (True, False, None)
    assert expr.evaluate({}, {}) in (True, False, None)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=80))
def test_random_ascii_compiles_to_whitelisted_nodes_or_raises_expr_error(text: str) -> None:
    _check_whitelisted(text)


@settings(max_examples=300)
@given(BOOLS)
def test_grammar_grown_expressions_compile_and_evaluate(text: str) -> None:
    try:
        compile_expr(text, FIELDS)
    except ExprError as e:  # the grammar grows valid rules, but may leave out every field
        assert "uses no field" in str(e), text
    _check_whitelisted(text)


@settings(max_examples=500)
@given(corrupted())
def test_corrupted_expressions_compile_to_whitelisted_nodes_or_raise_expr_error(
    text: str,
) -> None:
    _check_whitelisted(text)


@pytest.mark.parametrize("text", ["a > 1and b > 1", "'\\d' == catatan", "a > 1if padam else 2"])
def test_refused_without_python_printing_warnings(text: str) -> None:
    # The parser warns (SyntaxWarning/DeprecationWarning) on these; the app must stay quiet.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ExprError):
            compile_expr(text, FIELDS)
    assert not caught, [str(w.message) for w in caught]
