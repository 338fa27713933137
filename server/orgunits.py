"""The org-unit hierarchy: Kemendagri codes from a ``kode,nama`` CSV (``import-wilayah``).

The level and parent come from the dotted code (``64`` provinsi, ``64.08`` kabupaten,
``64.08.04`` kecamatan, ``64.08.04.2001`` desa); paths are computed here, and the rows go in
with bulk ``INSERT … ON CONFLICT DO UPDATE`` in one transaction: all or nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from server import audit
from server.accounts import AdminError
from server.models import OrgUnit

LEVEL_BY_PARTS = {1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}
CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
BATCH = 5_000
MAX_NAME = 200


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    line: int

    @property
    def level(self) -> str:
        return LEVEL_BY_PARTS[self.code.count(".") + 1]

    @property
    def parent(self) -> str | None:
        return self.code.rpartition(".")[0] or None

    @property
    def path(self) -> str:
        parts = self.code.split(".")
        return "/" + "".join(".".join(parts[: i + 1]) + "/" for i in range(len(parts)))


@dataclass
class ImportSummary:
    added: Counter[str] = field(default_factory=Counter)
    renamed: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0

    def lines(self) -> list[str]:
        out = []
        for title, counts in (("added", self.added), ("renamed", self.renamed)):
            parts = [
                f"{counts[level]} {level}" for level in LEVEL_BY_PARTS.values() if counts[level]
            ]
            out.append(
                f"{title}: {sum(counts.values())}" + (f" ({', '.join(parts)})" if parts else "")
            )
        out.append(f"unchanged: {self.unchanged}")
        return out


def read_wilayah(path: Path) -> list[RegionRow]:
    """Parse and check the whole file; the first bad row stops it with its line number."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise AdminError(f"{path}: cannot read ({e.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise AdminError(f"{path}:{line}: not UTF-8 text; save the file as UTF-8") from None
    return parse_wilayah(text, str(path))


def parse_wilayah(text: str, source: str = "<text>") -> list[RegionRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header[:2]] != ["kode", "nama"]:
        raise AdminError(f"{source}:1: the first line must be the header 'kode,nama'")
    rows: list[RegionRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != 2:
            raise AdminError(
                f"{source}:{line}: expected 2 columns (kode,nama), found {len(record)}"
            )
        code, name = record[0].strip(), " ".join(record[1].split())
        if not CODE_RE.match(code):
            raise AdminError(
                f"{source}:{line}: {code!r} is not a Kemendagri code "
                "(like 64, 64.08, 64.08.04 or 64.08.04.2001)"
            )
        if not name:
            raise AdminError(f"{source}:{line}: the name of {code} is empty")
        if len(name) > MAX_NAME:
            raise AdminError(f"{source}:{line}: the name of {code} is over {MAX_NAME} characters")
        if code in seen:
            raise AdminError(f"{source}:{line}: code {code} appears twice (also line {seen[code]})")
        seen[code] = line
        rows.append(RegionRow(code, name, line))
    return rows


def select_under(rows: list[RegionRow], under: str) -> list[RegionRow]:
    """The subtree of ``under`` plus its ancestors (so the subtree hangs on something)."""
    if not CODE_RE.match(under):
        raise AdminError(f"--under {under!r} is not a Kemendagri code")
    ancestors = {r.code for r in rows if under.startswith(r.code + ".")}
    chosen = [
        r for r in rows if r.code == under or r.code.startswith(under + ".") or r.code in ancestors
    ]
    if not any(r.code == under for r in chosen):
        raise AdminError(f"--under {under}: no such code in the file")
    return chosen


def import_wilayah(
    session: Session, rows: list[RegionRow], actor: str, source: str = ""
) -> ImportSummary:
    """Insert new regions and rename changed ones; never duplicates, never deletes."""
    rows = sorted(rows, key=lambda r: (r.code.count("."), r.code))
    existing: dict[str, tuple[str, str]] = {
        code: (name, level)
        for code, name, level in session.execute(select(OrgUnit.code, OrgUnit.name, OrgUnit.level))
    }
    in_file = {r.code for r in rows}
    summary = ImportSummary()
    changed: list[dict[str, object]] = []
    for r in rows:
        parent = r.parent
        if parent is not None and parent not in in_file and parent not in existing:
            raise AdminError(
                f"{source}:{r.line}: the parent {parent} of {r.code} is neither in the file "
                "nor on the server"
            )
        old = existing.get(r.code)
        if old is not None and old[1] != r.level:
            raise AdminError(f"{source}:{r.line}: {r.code} is already on the server as a {old[1]}")
        if old is None:
            summary.added[r.level] += 1
        elif old[0] != r.name:
            summary.renamed[r.level] += 1
        else:
            summary.unchanged += 1
            continue
        changed.append(
            {
                "code": r.code,
                "name": r.name,
                "level": r.level,
                "parent_code": parent,
                "type": None,
                "path": r.path,
            }
        )
    _upsert(session, changed)
    audit.record(
        session,
        actor,
        "import-wilayah",
        source=source,
        added=sum(summary.added.values()),
        renamed=sum(summary.renamed.values()),
        unchanged=summary.unchanged,
    )
    return summary


def _upsert(session: Session, rows: list[dict[str, object]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = insert(OrgUnit)
    statement = statement.on_conflict_do_update(
        index_elements=[OrgUnit.code], set_={"name": statement.excluded.name}
    )
    for start in range(0, len(rows), BATCH):
        session.execute(statement, rows[start : start + BATCH])


def add_units(session: Session, units: list[tuple[str, str, str, str | None, str | None]]) -> None:
    """Add ``(code, name, level, parent, type)`` rows, parents first (demo data, tests)."""
    paths: dict[str, str] = {
        code: path for code, path in session.execute(select(OrgUnit.code, OrgUnit.path))
    }
    for code, name, level, parent, type_ in units:
        if parent is not None and parent not in paths:
            raise AdminError(f"org unit {code}: parent {parent} does not exist")
        paths[code] = f"{paths[parent] if parent else '/'}{code}/"
        if session.get(OrgUnit, code) is None:
            session.add(
                OrgUnit(
                    code=code,
                    name=name,
                    level=level,
                    parent_code=parent,
                    type=type_,
                    path=paths[code],
                )
            )
    session.flush()
