"""A JSON copy of each loaded form definition, so the app's start-up skips PyYAML.

Importing PyYAML and reading the shipped forms costs ~20 ms of a ~300 ms start on the
development machine. The copy is keyed by the exact YAML bytes and by a fingerprint of the
loader (its model's shape and its source files), so any change to either reads the YAML again.
Anything unexpected in a copy (unreadable, edited, from another version) also falls back to the
YAML. A copy holds data only: it is decoded into whitelisted dataclasses, and rule expressions in
it are still compiled by the safe evaluator when a form is validated, so an edited copy cannot
run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import os
import sys
import zlib
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from forms import model
from forms.model import FormDefinition

log = logging.getLogger(__name__)

#: bump when the meaning of a definition changes without its shape changing
CACHE_FORMAT = 1

_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (model.Text, model.Choice, model.Field, model.Section, model.Rule, FormDefinition)
}
_ENUMS: dict[str, type[Enum]] = {cls.__name__: cls for cls in (model.FieldType, model.Severity)}


def encode(obj: Any) -> Any:
    """A form definition (or any part of one) as plain JSON data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        name = type(obj).__name__
        if name not in _CLASSES:
            raise TypeError(f"cannot encode {name}")
        out: dict[str, Any] = {"@": name}
        for f in dataclasses.fields(obj):
            out[f.name] = encode(getattr(obj, f.name))
        return out
    if isinstance(obj, Enum):
        return {"@e": type(obj).__name__, "v": obj.value}
    if isinstance(obj, Decimal):
        return {"@d": str(obj)}
    if isinstance(obj, tuple | list):
        return [encode(v) for v in obj]
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    raise TypeError(f"cannot encode {type(obj).__name__}")


def decode(data: Any) -> Any:
    """The inverse of ``encode``; only the model's own classes can come out of it."""
    if isinstance(data, list):
        return tuple(decode(v) for v in data)  # every sequence in the model is a tuple
    if isinstance(data, dict):
        if "@d" in data:
            return Decimal(str(data["@d"]))
        if "@e" in data:
            return _ENUMS[str(data["@e"])](data["v"])
        cls = _CLASSES[str(data["@"])]
        return cls(**{k: decode(v) for k, v in data.items() if k != "@"})
    if data is None or isinstance(data, bool | int | str):
        return data
    raise TypeError(f"unexpected {type(data).__name__} in a cached form")


@functools.cache  # the loader's files cannot change under a running process
def _fingerprint() -> bytes:
    """Changes whenever the loader could read the same YAML differently."""
    parts = [f"format {CACHE_FORMAT}"]
    for cls in _CLASSES.values():
        parts.append(cls.__name__ + ":" + ",".join(f.name for f in dataclasses.fields(cls)))
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")):  # absent in a frozen bundle: then the executable
        stat = path.stat()
        parts.append(f"{path.name} {stat.st_size} {stat.st_mtime_ns}")
    with contextlib.suppress(OSError):
        parts.append(f"exe {Path(sys.executable).stat().st_mtime_ns}")
    return "\n".join(parts).encode("utf-8")


def cache_path(cache_dir: Path, yaml_path: Path, data: bytes) -> Path:
    """The copy's name changes whenever the YAML or the loader does. A 64-bit checksum (CRC-32
    and Adler-32) is enough for that: what a copy holds is checked against the YAML text on
    every read (``load_cached``), and it spares start-up the OpenSSL that hashlib loads."""
    key = _fingerprint() + b"\0" + data
    digest = f"{zlib.crc32(key):08x}{zlib.adler32(key):08x}"
    return cache_dir / f"{yaml_path.stem}-{digest}.json"


def load_cached(yaml_path: Path, cache_dir: Path) -> FormDefinition:
    """The form in ``yaml_path``, from its JSON copy in ``cache_dir`` when a valid one exists."""
    data = yaml_path.read_bytes()
    copy = cache_path(cache_dir, yaml_path, data)
    try:
        form = decode(json.loads(copy.read_text(encoding="utf-8")))
        if isinstance(form, FormDefinition) and form.source_text.encode("utf-8") in (
            data,
            data.removeprefix(b"\xef\xbb\xbf"),
        ):
            return form
        log.warning("form cache %s does not match its definition; reading the YAML", copy)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, TypeError, KeyError) as exc:
        log.warning("form cache %s unusable (%s); reading the YAML", copy, exc)
    from forms.loader import load_form

    form = load_form(yaml_path)
    _write(copy, form)
    return form


def _write(copy: Path, form: FormDefinition) -> None:
    """Best effort: a cache that cannot be written only costs the next start some time."""
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        for old in copy.parent.glob(copy.name.rsplit("-", 1)[0] + "-*.json"):
            old.unlink(missing_ok=True)  # copies for earlier versions of this form
        tmp = copy.with_suffix(".tmp")
        tmp.write_text(json.dumps(encode(form), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, copy)
    except OSError as exc:
        log.info("form cache not written to %s: %s", copy, exc)
