"""Loads form definition files; every way a file can be broken becomes one FormLoadError.

``str(error)`` reads ``file:line: location: what is wrong`` (``file: location: …`` when no line
is known), for the provincial data officer who edits the file and for IT.
"""

from __future__ import annotations

import functools
from pathlib import Path

from forms.errors import FormLoadError
from forms.model import FormDefinition

__all__ = ["DEFINITIONS_DIR", "FormLoadError", "builtin_forms", "load_form", "load_form_text"]

#: where the shipped form files live
DEFINITIONS_DIR = Path(__file__).parent / "definitions"

#: the largest definition file read (a form is a few kilobytes; this stops accidents)
MAX_FILE_BYTES = 1_000_000


def load_form_text(text: str, source: str = "<text>") -> FormDefinition:
    """Check and load one form from its YAML ``text``; ``source`` names it in messages."""
    # Imported here: the app's start-up reads cached copies (forms.cache) without PyYAML.
    from forms.definition_reader import read_definition
    from forms.yaml_source import Reader, parse_yaml

    if len(text) > MAX_FILE_BYTES:
        raise FormLoadError(
            source,
            "(file)",
            f"the text is too large ({len(text)} characters, at most "
            f"{MAX_FILE_BYTES}); a form definition is a few kilobytes",
        )
    root = parse_yaml(text, source)
    return read_definition(root, Reader(source), source, text)


def load_form(path: str | Path) -> FormDefinition:
    """Read, check and load one form definition file (UTF-8, with or without a BOM)."""
    name = str(path)
    data = _read_bytes(Path(path), name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise FormLoadError(
            name,
            "(file)",
            f"not UTF-8 text: byte 0x{data[e.start]:02x} at position {e.start} cannot be read; "
            "save the file as UTF-8",
            line,
        ) from None
    return load_form_text(text, name)


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise FormLoadError(name, "(file)", "this is a folder, not a form definition file")
        if size > MAX_FILE_BYTES:
            raise FormLoadError(
                name,
                "(file)",
                f"the file is too large ({size} bytes, at most {MAX_FILE_BYTES}); "
                "a form definition is a few kilobytes",
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise FormLoadError(name, "(file)", "file not found") from None
    except PermissionError:
        raise FormLoadError(name, "(file)", "no permission to read the file") from None
    except OSError as e:
        raise FormLoadError(name, "(file)", f"cannot read the file: {e.strerror or e}") from None


@functools.cache
def _builtin(cache_dir: Path | None) -> tuple[FormDefinition, ...]:
    paths = sorted(DEFINITIONS_DIR.glob("*.yaml"))
    if cache_dir is None:
        forms = [load_form(p) for p in paths]
    else:
        from forms.cache import load_cached

        forms = [load_cached(p, cache_dir) for p in paths]
    by_id: dict[str, FormDefinition] = {}
    for form in forms:
        if form.id in by_id:
            raise FormLoadError(
                form.source, "id", f"form id {form.id!r} is also used by {by_id[form.id].source}"
            )
        by_id[form.id] = form
    return tuple(sorted(forms, key=lambda f: f.id))


def builtin_forms(cache_dir: Path | None = None) -> list[FormDefinition]:
    """The forms shipped in ``forms/definitions/``, sorted by id (loaded once per process).

    With ``cache_dir``, JSON copies kept there spare the YAML parsing (see ``forms.cache``).
    """
    return list(_builtin(cache_dir))
