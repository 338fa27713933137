"""Every way a form file can be broken gives one FormLoadError naming file, place and problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.errors import FormLoadError
from forms.loader import load_form, load_form_text
from tests.forms.samples import BASE


def replace(old: str, new: str) -> str:
    assert BASE.count(old) == 1, f"sample text {old!r} must occur exactly once"
    return BASE.replace(old, new)


ISOLASI_TOTAL = "        label: {id: Tempat isolasi, en: Isolation beds}\n        type: integer\n"
TERISI = "      - code: isolasi_terisi\n"
RULE_EXPR = "    expr: isolasi_terisi <= isolasi_total\n"
RULE_MESSAGE_ID = '      id: "Terisi {isolasi_terisi} melebihi {isolasi_total}."\n'
CHOICES = (
    "        choices:\n"
    "          - code: buka\n"
    "            label: {id: Buka, en: Open}\n"
    "          - code: tutup\n"
    "            label: {id: Tutup, en: Closed}\n"
)


def rule(body: str) -> str:
    return BASE + body


# (case id, broken text, location, message fragment, text on the expected line or None)
CASES = [
    ("yaml-syntax", "id: [contoh\nversion: 1\n", "(yaml)", "YAML syntax error", None),
    (
        "yaml-bad-indent",
        replace("    title: {id: Kasus", "  title: {id: Kasus"),
        "(yaml)",
        "YAML syntax error",
        None,
    ),
    (
        "yaml-tab",
        replace("        type: integer\n        max: 100", "        type: integer\n\tmax: 100"),
        "(yaml)",
        "not tabs",
        None,
    ),
    ("yaml-two-documents", BASE + "---\nid: lain\n", "(yaml)", "expected a single document", "---"),
    ("yaml-too-deep", "id: " + "[" * 1200, "(yaml)", "", None),
    ("empty-file", "", "(root)", "the file is empty", None),
    ("only-comments", "# belum diisi\n", "(root)", "the file is empty", None),
    ("not-a-mapping-list", "- a\n- b\n", "(root)", "expected a mapping", "- a"),
    ("not-a-mapping-text", "formulir harian\n", "(root)", "expected a mapping", None),
    (
        "missing-top-key",
        replace("org_unit_level: puskesmas\n", ""),
        "(root)",
        "missing required key 'org_unit_level'",
        None,
    ),
    (
        "unknown-top-key",
        BASE.replace("version: 1\n", "version: 1\ntitel: x\n"),
        "(root)",
        "unknown key 'titel' (did you mean 'title'?)",
        "titel: x",
    ),
    (
        "typo-requird",
        replace("        required: true\n", "        requird: true\n"),
        "fields.isolasi_terisi",
        "unknown key 'requird' (did you mean 'required'?)",
        "requird",
    ),
    (
        "duplicate-yaml-key",
        replace(ISOLASI_TOTAL, ISOLASI_TOTAL + "        type: decimal\n"),
        "fields.isolasi_total.type",
        "duplicate key 'type' (first given on line",
        "type: decimal",
    ),
    (
        "required-yes",
        replace("        required: true\n", "        required: yes\n"),
        "fields.isolasi_terisi.required",
        "expected true or false, got the text 'yes'",
        "required: yes",
    ),
    (
        "required-quoted",
        replace("        required: true\n", '        required: "true"\n'),
        "fields.isolasi_terisi.required",
        "expected true or false",
        "required:",
    ),
    (
        "max-not-number",
        replace("        max: 100\n", "        max: banyak\n"),
        "fields.isolasi_total.max",
        "expected a number, got the text 'banyak'",
        "max: banyak",
    ),
    (
        "max-huge",
        replace("        max: 100\n", "        max: 1e400\n"),
        "fields.isolasi_total.max",
        "out of range",
        "max: 1e400",
    ),
    (
        "version-fraction",
        replace("version: 1\n", "version: 1.5\n"),
        "version",
        "expected a whole version number",
        "version",
    ),
    ("version-zero", replace("version: 1\n", "version: 0\n"), "version", "1 or more", "version"),
    (
        "version-text",
        replace("version: 1\n", 'version: "1"\n'),
        "version",
        "got the text '1'",
        "version",
    ),
    (
        "version-bool",
        replace("version: 1\n", "version: true\n"),
        "version",
        "expected a whole version number",
        "version",
    ),
    (
        "id-bad",
        replace("id: contoh\n", "id: Contoh Formulir\n"),
        "id",
        "not a valid form id",
        "id: Contoh",
    ),
    (
        "title-not-bilingual",
        replace("title: {id: Formulir contoh, en: Sample form}\n", "title: Formulir contoh\n"),
        "title",
        "expected the text in both languages",
        "title:",
    ),
    (
        "label-missing-en",
        replace("{id: Tempat isolasi, en: Isolation beds}", "{id: Tempat isolasi}"),
        "fields.isolasi_total.label",
        "missing required key 'en'",
        "Tempat isolasi",
    ),
    (
        "label-empty-en",
        replace("{id: Tempat isolasi, en: Isolation beds}", '{id: Tempat isolasi, en: ""}'),
        "fields.isolasi_total.label.en",
        "got an empty text",
        "Tempat isolasi",
    ),
    (
        "label-wrong-lang-key",
        replace(
            "{id: Tempat isolasi, en: Isolation beds}", "{id: Tempat isolasi, eng: Isolation beds}"
        ),
        "fields.isolasi_total.label",
        "unknown key 'eng' (did you mean 'en'?)",
        "Tempat isolasi",
    ),
    (
        "period-weekly",
        replace("org_unit_level", "period: weekly\norg_unit_level"),
        "period",
        "only 'daily'",
        "period",
    ),
    (
        "level-typo",
        replace("org_unit_level: puskesmas", "org_unit_level: puskesmass"),
        "org_unit_level",
        "did you mean 'puskesmas'?",
        "org_unit_level",
    ),
    (
        "no-sections",
        BASE[: BASE.index("sections:")] + "sections: []\n",
        "sections",
        "the list of sections is empty",
        "sections",
    ),
    (
        "sections-not-list",
        BASE[: BASE.index("sections:")] + "sections: kasus\n",
        "sections",
        "expected a list of sections",
        "sections",
    ),
    (
        "section-no-fields",
        BASE[: BASE.index("sections:")]
        + "sections:\n  - code: kasus\n    title: {id: Kasus, en: Cases}\n    fields: []\n",
        "sections.kasus.fields",
        "the list of fields is empty",
        "fields: []",
    ),
    (
        "section-missing-title",
        replace("    title: {id: Kasus, en: Cases}\n", ""),
        "sections.kasus",
        "missing required key 'title'",
        "- code: kasus",
    ),
    (
        "duplicate-section",
        replace("  - code: lain\n", "  - code: kasus\n"),
        "sections.kasus.code",
        "duplicate section code 'kasus'",
        "- code: kasus\n    title: {id: Lain",
    ),
    (
        "field-not-mapping",
        replace(TERISI, "      - isolasi_terisi\n      - code: isolasi_x\n"),
        "sections.kasus.fields[1]",
        "expected a mapping",
        "- isolasi_terisi",
    ),
    (
        "field-missing-type",
        replace("        type: yesno\n", ""),
        "fields.padam",
        "missing required key 'type'",
        "- code: padam",
    ),
    (
        "field-missing-code",
        replace("      - code: padam\n        label", "      - label"),
        "sections.lain.fields[0]",
        "missing required key 'code'",
        "Listrik padam",
    ),
    (
        "duplicate-field-code",
        replace("      - code: kumulatif\n", "      - code: isolasi_terisi\n"),
        "fields.isolasi_terisi.code",
        "duplicate field code 'isolasi_terisi'",
        "- code: isolasi_terisi\n        label: {id: Kumulatif",
    ),
    (
        "bad-field-code",
        replace("      - code: kumulatif\n", "      - code: Kumulatif-Total\n"),
        "sections.kasus.fields[2].code",
        "'Kumulatif-Total' is not a valid field code: lower-case letters, digits and _",
        "Kumulatif-Total",
    ),
    (
        "field-code-number",
        replace("      - code: kumulatif\n", "      - code: 12\n"),
        "sections.kasus.fields[2].code",
        "'12' is not a valid field code",
        "- code: 12",
    ),
    (
        "field-code-keyword",
        replace("      - code: kumulatif\n", "      - code: and\n"),
        "fields.and.code",
        "reserved word",
        "- code: and",
    ),
    (
        "field-code-function",
        replace("      - code: kumulatif\n", "      - code: prev\n"),
        "fields.prev.code",
        "reserved word",
        "- code: prev",
    ),
    (
        "duplicate-label",
        replace("{id: Kumulatif, en: Running total}", "{id: Tempat isolasi, en: Running total}"),
        "fields.kumulatif.label.id",
        "already used by field 'isolasi_total'",
        "{id: Tempat isolasi, en: Running total}",
    ),
    (
        "unknown-type",
        replace("        type: yesno\n", "        type: boolean\n"),
        "fields.padam.type",
        "unknown type 'boolean'",
        "type: boolean",
    ),
    (
        "type-typo",
        replace("        type: yesno\n", "        type: yesnoo\n"),
        "fields.padam.type",
        "did you mean 'yesno'?",
        "type: yesnoo",
    ),
    (
        "min-gt-max",
        replace("        max: 100\n", "        max: 100\n        min: 200\n"),
        "fields.isolasi_total.min",
        "min (200) is larger than max (100)",
        "min: 200",
    ),
    (
        "min-on-text",
        replace("        type: text\n", "        type: text\n        min: 1\n"),
        "fields.catatan.min",
        "only for integer or decimal fields, not text",
        "min: 1",
    ),
    (
        "max-on-yesno",
        replace("        type: yesno\n", "        type: yesno\n        max: 1\n"),
        "fields.padam.max",
        "only for integer or decimal",
        "max: 1\n",
    ),
    (
        "negative-min-integer",
        replace("        max: 100\n", "        max: 100\n        min: -1\n"),
        "fields.isolasi_total.min",
        "whole number 0 or more",
        "min: -1",
    ),
    (
        "fraction-max-integer",
        replace("        max: 100\n", "        max: 2.5\n"),
        "fields.isolasi_total.max",
        "whole number 0 or more",
        "max: 2.5",
    ),
    (
        "choice-without-choices",
        replace(CHOICES, ""),
        "fields.status",
        "needs 'choices'",
        "- code: status",
    ),
    (
        "choices-on-integer",
        replace(
            "        type: integer\n        required: true\n",
            "        type: integer\n        required: true\n        choices: []\n",
        ),
        "fields.isolasi_terisi.choices",
        "only for type choice",
        "choices: []",
    ),
    (
        "one-choice",
        replace(CHOICES, CHOICES.split("          - code: tutup")[0]),
        "fields.status.choices",
        "at least two choices",
        "- code: buka",
    ),
    (
        "duplicate-choice",
        replace("          - code: tutup\n", "          - code: buka\n"),
        "fields.status.choices[1].code",
        "duplicate choice code 'buka'",
        "- code: buka\n            label: {id: Tutup",
    ),
    (
        "duplicate-choice-label",
        replace("{id: Tutup, en: Closed}", "{id: buka, en: Closed}"),
        "fields.status.choices[1].label.id",
        "two choices have the label",
        "{id: buka, en: Closed}",
    ),
    (
        "choice-missing-label",
        replace("            label: {id: Tutup, en: Closed}\n", ""),
        "fields.status.choices[1]",
        "missing required key 'label'",
        "- code: tutup",
    ),
    (
        "stock-on-text",
        replace("        type: text\n", "        type: text\n        stock: true  # di sini\n"),
        "fields.catatan.stock",
        "only for integer or decimal",
        "# di sini",
    ),
    (
        "cumulative-on-yesno",
        replace(
            "        type: yesno\n", "        type: yesno\n        cumulative: true  # di sini\n"
        ),
        "fields.padam.cumulative",
        "only for integer or decimal",
        "# di sini",
    ),
    (
        "stock-from-without-stock",
        replace(
            "        type: integer\n        cumulative: true\n",
            "        type: integer\n        cumulative: true\n        stock_from: isolasi_total\n",
        ),
        "fields.kumulatif.stock_from",
        "add 'stock: true'",
        "stock_from",
    ),
    (
        "stock-from-unknown",
        replace("        stock: true\n", "        stock: true\n        stock_from: akhir\n"),
        "fields.isolasi_total.stock_from",
        "unknown field 'akhir'",
        "stock_from: akhir",
    ),
    (
        "stock-from-other-type",
        replace("        stock: true\n", "        stock: true\n        stock_from: suhu\n"),
        "fields.isolasi_total.stock_from",
        "same type",
        "stock_from: suhu",
    ),
    (
        "yaml-python-tag",
        replace(
            "title: {id: Formulir contoh, en: Sample form}\n",
            'title: !!python/object/apply:os.system ["echo hacked"]\n',
        ),
        "title",
        "expected the text in both languages",
        "title:",
    ),
    (
        "yaml-alias-wrong-shape",
        replace("title: {id: Formulir contoh, en: Sample form}\n", "x: &a [1, 2]\ntitle: *a\n"),
        "(root)",
        "unknown key 'x'",
        "x: &a",
    ),
    (
        "merge-key",
        replace(
            "title: {id: Formulir contoh, en: Sample form}\n", "title:\n  <<: {id: a}\n  en: b\n"
        ),
        "title",
        "unknown key '<<'",
        "<<",
    ),
    # rules
    (
        "rules-not-list",
        BASE[: BASE.index("rules:")] + "rules: terisi\n",
        "rules",
        "expected a list of rules",
        "rules:",
    ),
    (
        "rule-unknown-field",
        replace(RULE_EXPR, "    expr: isolasi_terisi <= tempat_total\n"),
        "rules.terisi-maks.expr",
        "unknown name 'tempat_total'",
        "tempat_total",
    ),
    (
        "rule-bad-syntax",
        replace(RULE_EXPR, '    expr: "isolasi_terisi <="\n'),
        "rules.terisi-maks.expr",
        "syntax error: the expression is incomplete",
        "expr:",
    ),
    (
        "rule-not-condition",
        replace(RULE_EXPR, "    expr: isolasi_terisi + 1\n"),
        "rules.terisi-maks.expr",
        "must be a condition",
        "expr:",
    ),
    (
        "rule-missing-expr",
        replace(RULE_EXPR, ""),
        "rules.terisi-maks",
        "missing required key 'expr'",
        "- id: terisi-maks",
    ),
    (
        "rule-missing-message",
        BASE[: BASE.index("    message:")],
        "rules.terisi-maks",
        "missing required key 'message'",
        "- id: terisi-maks",
    ),
    (
        "rule-missing-id",
        replace("  - id: terisi-maks\n    expr", "  - expr"),
        "rules[0]",
        "missing required key 'id'",
        "- expr",
    ),
    (
        "rule-bad-id",
        replace("  - id: terisi-maks\n", "  - id: Terisi Maks\n"),
        "rules[0].id",
        "not a valid rule id",
        "Terisi Maks",
    ),
    (
        "rule-duplicate-id",
        rule("  - id: terisi-maks\n    expr: isolasi_terisi >= 0\n    message: {id: a, en: b}\n"),
        "rules.terisi-maks.id",
        "duplicate rule id 'terisi-maks'",
        "- id: terisi-maks\n    expr: isolasi_terisi >= 0",
    ),
    (
        "rule-unknown-severity",
        replace(RULE_EXPR, RULE_EXPR + "    severity: fatal\n"),
        "rules.terisi-maks.severity",
        "unknown severity 'fatal'; one of: error, warning",
        "severity",
    ),
    (
        "rule-unknown-kind",
        replace(RULE_EXPR, RULE_EXPR + "    kind: range\n"),
        "rules.terisi-maks.kind",
        "unknown kind 'range'",
        "kind",
    ),
    (
        "rule-typo-key",
        replace(RULE_EXPR, RULE_EXPR + "    serverity: warning\n"),
        "rules.terisi-maks",
        "did you mean 'severity'?",
        "serverity",
    ),
    (
        "rule-window-on-expr",
        replace(RULE_EXPR, RULE_EXPR + "    window: 28\n"),
        "rules.terisi-maks.window",
        "only for kind: outlier rules",
        "window",
    ),
    (
        "rule-unknown-attached-field",
        replace(RULE_EXPR, RULE_EXPR + "    fields: [terisi]\n"),
        "rules.terisi-maks.fields[0]",
        "unknown field 'terisi'",
        "fields: [terisi]",
    ),
    (
        "rule-field-listed-twice",
        replace(RULE_EXPR, RULE_EXPR + "    fields: [isolasi_total, isolasi_total]\n"),
        "rules.terisi-maks.fields[1]",
        "listed twice",
        "fields: [",
    ),
    (
        "rule-bad-when",
        replace(RULE_EXPR, RULE_EXPR + "    when: padam +\n"),
        "rules.terisi-maks.when",
        "syntax error",
        "when",
    ),
    (
        "rule-when-not-condition",
        replace(RULE_EXPR, RULE_EXPR + "    when: suhu\n"),
        "rules.terisi-maks.when",
        "must be a condition",
        "when",
    ),
    (
        "message-unknown-placeholder",
        replace(RULE_MESSAGE_ID, '      id: "Terisi {tempat} melebihi."\n'),
        "rules.terisi-maks.message.id",
        "unknown placeholder {tempat}",
        'id: "Terisi {tempat}',
    ),
    (
        "message-stray-brace",
        replace(RULE_MESSAGE_ID, '      id: "Terisi {isolasi_terisi."\n'),
        "rules.terisi-maks.message.id",
        "unmatched '{'",
        'id: "Terisi {isolasi_terisi."',
    ),
    (
        "message-format-trick",
        replace(RULE_MESSAGE_ID, '      id: "{isolasi_terisi.__class__}"\n'),
        "rules.terisi-maks.message.id",
        "unknown placeholder",
        "__class__",
    ),
    (
        "message-plain-text",
        replace(
            RULE_MESSAGE_ID + '      en: "Occupied {isolasi_terisi} exceeds {isolasi_total}."\n', ""
        ).replace("    message:\n", '    message: "Terisi melebihi"\n'),
        "rules.terisi-maks.message",
        "expected the text in both languages",
        "message:",
    ),
    (
        "outlier-no-fields",
        rule("  - id: aneh\n    kind: outlier\n"),
        "rules.aneh",
        "missing required key 'fields'",
        "- id: aneh",
    ),
    (
        "outlier-error-severity",
        rule(
            "  - id: aneh\n    kind: outlier\n    severity: error\n    fields: [isolasi_terisi]\n"
        ),
        "rules.aneh.severity",
        "can only be a warning",
        "severity: error",
    ),
    (
        "outlier-decimal-field",
        rule("  - id: aneh\n    kind: outlier\n    fields: [suhu]\n"),
        "rules.aneh.fields",
        "outlier checks are for counts",
        "fields: [suhu]",
    ),
    (
        "outlier-window-small",
        rule("  - id: aneh\n    kind: outlier\n    fields: all_integer\n    window: 3\n"),
        "rules.aneh.window",
        "must be 7 to 366 days, not 3",
        "window: 3",
    ),
    (
        "outlier-fields-word",
        rule("  - id: aneh\n    kind: outlier\n    fields: semua\n"),
        "rules.aneh.fields",
        "expected a list of field codes (or all_integer)",
        "fields: semua",
    ),
    (
        "outlier-with-expr",
        rule(
            "  - id: aneh\n    kind: outlier\n    fields: all_integer\n"
            "    expr: isolasi_terisi > 0\n"
        ),
        "rules.aneh.expr",
        "only for kind: expr rules",
        "expr: isolasi_terisi > 0",
    ),
    (
        "outlier-bad-placeholder",
        rule(
            "  - id: aneh\n    kind: outlier\n    fields: all_integer\n"
            "    message: {id: '{isolasi_terisi}', en: x}\n"
        ),
        "rules.aneh.message.id",
        "unknown placeholder {isolasi_terisi}",
        "message: {id: '{",
    ),
]


@pytest.mark.parametrize(
    ("text", "location", "fragment", "line_text"),
    [pytest.param(*c[1:], id=c[0]) for c in CASES],
)
def test_broken_definition(text: str, location: str, fragment: str, line_text: str | None) -> None:
    with pytest.raises(FormLoadError) as info:
        load_form_text(text, "contoh.yaml")
    e = info.value
    assert e.file == "contoh.yaml"
    assert e.location == location
    assert fragment in e.message
    if line_text is not None:
        expected_line = text[: text.index(line_text)].count("\n") + 1
        assert e.line == expected_line, (e.line, expected_line, str(e))
    where = f"contoh.yaml:{e.line}" if e.line is not None else "contoh.yaml"
    assert str(e) == f"{where}: {location}: {e.message}"


def test_yaml_syntax_errors_carry_a_line() -> None:
    text = replace("        max: 100\n", "        max: [100\n")
    with pytest.raises(FormLoadError) as info:
        load_form_text(text, "contoh.yaml")
    assert info.value.line is not None and info.value.line > 10


HOSTILE_RULES = [
    "__import__('os').system('x')",
    "().__class__.__bases__",
    "open('/etc/passwd')",
    "9**9**9",
    "[x for x in ()]",
    "lambda: 0",
    "isolasi_terisi.__class__ == 1",
    "(isolasi_terisi := 1) == 1",
    "f'{isolasi_terisi}' == 'x'",
    "isolasi_terisi[0] == 1",
]


@pytest.mark.parametrize("expr", HOSTILE_RULES)
def test_unsafe_expressions_are_refused_at_load(expr: str) -> None:
    quoted = expr.replace("'", "''")
    text = replace(RULE_EXPR, f"    expr: '{quoted}'\n")
    with pytest.raises(FormLoadError) as info:
        load_form_text(text, "contoh.yaml")
    assert info.value.location == "rules.terisi-maks.expr"
    assert expr in info.value.message  # the message quotes the offending expression


def test_file_missing(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada.yaml"
    with pytest.raises(FormLoadError) as info:
        load_form(path)
    assert info.value.file == str(path)
    assert info.value.location == "(file)"
    assert "file not found" in info.value.message


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(FormLoadError, match="folder"):
        load_form(tmp_path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.replace("Catatan", "Catatan é").encode("latin-1"))
    with pytest.raises(FormLoadError) as info:
        load_form(path)
    e = info.value
    assert e.location == "(file)"
    assert "not UTF-8" in e.message and "0xe9" in e.message
    assert e.line == BASE[: BASE.index("Catatan")].count("\n") + 1


def test_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "besar.yaml"
    path.write_text(BASE + "#" * 1_100_000, encoding="utf-8")
    with pytest.raises(FormLoadError, match="too large"):
        load_form(path)
    with pytest.raises(FormLoadError, match="too large"):
        load_form_text(BASE + "#" * 1_100_000)


def test_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "gambar.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(FormLoadError):
        load_form(path)
