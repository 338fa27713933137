"""``python -m forms.check FILE...``: check form definition files and say what is wrong.

For the provincial data officer editing a form: exit status 0 when every file loads, 1 otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from forms.errors import FormLoadError
from forms.loader import load_form


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m forms.check FILE.yaml [FILE.yaml ...]", file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        try:
            form = load_form(path)
        except FormLoadError as e:
            failed += 1
            print(f"ERROR {e}")
            continue
        generated = sum(r.id.startswith("auto.") for r in form.rules)
        print(
            f"OK    {path}: {form.id} version {form.version}, {len(form.sections)} sections, "
            f"{len(form.fields)} fields, {len(form.rules) - generated} rules "
            f"(+{generated} generated)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
