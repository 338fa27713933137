"""The wire shapes of the sync protocol (docs/sync-protocol.md): typed dataclasses, encode/decode
with validation, typed values <-> JSON, compact cells, receipts and pull groups, reason messages.

Shared by the server (decodes pushes, encodes receipts and pulls) and the client (the reverse).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeAlias

from forms.model import Field, FieldType, Text, Value
from forms.numbers import MAX_FRACTION_DIGITS, MAX_INTEGER_DIGITS
from forms.types import TEXT_MAX_LENGTH, from_storage, to_storage

__all__ = [
    "KABAR_NAMESPACE",
    "MAX_PULL_LIMIT",
    "MAX_SUBMISSIONS",
    "PULL_LIMIT_DEFAULT",
    "REASONS",
    "Y_ABSENT",
    "CellEdit",
    "CellReceipt",
    "ConflictInfo",
    "DayReceipt",
    "FieldOrder",
    "JsonScalar",
    "ProtocolError",
    "PullCell",
    "PullGroup",
    "PullPage",
    "PushReply",
    "PushRequest",
    "Submission",
    "SubmissionReceipt",
    "day_checksum",
    "decode_conflict",
    "decode_day_receipt",
    "decode_pull_group",
    "decode_pull_page",
    "decode_push",
    "decode_push_reply",
    "decode_receipt",
    "decode_submission",
    "encode_conflict",
    "encode_day_receipt",
    "encode_pull_group",
    "encode_pull_page",
    "encode_push",
    "encode_receipt",
    "encode_submission",
    "format_time",
    "metadata_digest",
    "parse_time",
    "rejected_receipt",
    "storage_to_json",
    "submission_id",
    "submission_sha256",
    "value_from_json",
    "value_to_json",
]

#: the most submissions one push may carry
MAX_SUBMISSIONS = 500
#: cells per pull page when the client does not ask
PULL_LIMIT_DEFAULT = 5_000
#: the most cells one pull page may carry
MAX_PULL_LIMIT = 20_000
#: the longest identifier (org unit code, form id, indicator, device id) accepted
MAX_ID_LENGTH = 100

#: the namespace of short submission ids: ``uuid5(KABAR_NAMESPACE, f"{device_id}:{n}")``
KABAR_NAMESPACE = uuid.UUID("6f1d3c52-8a4e-5b7f-9c21-4b6e0d8a7f13")

#: a scalar as JSON carries it; typed by :func:`value_from_json` against a field
JsonScalar: TypeAlias = int | float | str | bool | None

#: every reason code (per submission or cell) and error code (whole request), in id and en
REASONS: dict[str, Text] = {
    # whole-request errors
    "bad_json": Text("Isi permintaan bukan JSON yang sah.", "The request body is not valid JSON."),
    "bad_encoding": Text(
        "Isi permintaan yang dimampatkan (gzip) rusak.",
        "The compressed (gzip) request body is damaged.",
    ),
    "bad_request": Text(
        "Bentuk permintaan tidak sesuai protokol.",
        "The request does not have the shape the protocol requires.",
    ),
    "bad_credentials": Text("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "token_invalid": Text(
        "Sesi tidak dikenal. Silakan masuk lagi.", "Unknown session. Please log in again."
    ),
    "token_expired": Text(
        "Sesi sudah berakhir. Silakan masuk lagi.", "The session has expired. Please log in again."
    ),
    "token_revoked": Text(
        "Akses perangkat ini sudah dicabut oleh admin. Silakan masuk lagi.",
        "An admin revoked this device's access. Please log in again.",
    ),
    "forbidden": Text(
        "Anda tidak berhak mengakses data ini.", "You are not allowed to access this data."
    ),
    "not_found": Text("Tidak ditemukan.", "Not found."),
    "too_large": Text("Kiriman terlalu besar.", "The request is too large."),
    "unsupported_encoding": Text(
        "Pemampatan ini tidak didukung (hanya gzip).",
        "This compression is not supported (gzip only).",
    ),
    "app_too_old": Text(
        "Versi aplikasi terlalu lama. Perbarui aplikasi; data tetap tersimpan dan akan "
        "dikirim setelah diperbarui.",
        "This app version is too old. Update the app; your data stays saved and is sent "
        "after the update.",
    ),
    "too_many_attempts": Text(
        "Terlalu banyak percobaan masuk. Coba lagi nanti.",
        "Too many login attempts. Try again later.",
    ),
    # one-time setup codes (POST /setup/redeem)
    "setup_code_invalid": Text(
        "Kode penyiapan tidak sah untuk server ini.", "The setup code is not valid for this server."
    ),
    "setup_code_expired": Text("Kode penyiapan sudah kedaluwarsa.", "The setup code has expired."),
    "setup_code_used": Text(
        "Kode penyiapan sudah pernah dipakai.", "The setup code has already been used."
    ),
    # per submission or per cell
    "unknown_org_unit": Text("Unit organisasi tidak dikenal.", "Unknown org unit."),
    "not_allowed": Text(
        "Unit organisasi ini di luar wilayah tugas Anda.",
        "This org unit is outside your assigned area.",
    ),
    "unknown_form": Text(
        "Formulir ini tidak dikenal di server.", "This form is not published on the server."
    ),
    "unknown_form_version": Text(
        "Versi formulir ini belum diterbitkan di server.",
        "This form version is not published on the server.",
    ),
    "unknown_indicator": Text(
        "Isian ini tidak ada di versi formulir tersebut.",
        "This form version has no such field.",
    ),
    "bad_type": Text("Jenis nilai tidak sesuai isian.", "The value has the wrong type."),
    "out_of_range": Text("Nilai di luar batas isian.", "The value is outside the field's range."),
    "bad_period": Text(
        "Tanggal laporan tidak sah atau lebih dari satu hari setelah tanggal server.",
        "The report date is invalid or more than one day after the server's date.",
    ),
    "id_reused": Text(
        "Nomor kiriman ini sudah dipakai untuk isi yang berbeda.",
        "This submission id was already used with different content.",
    ),
    "bad_conflict": Text(
        "Konflik yang dirujuk tidak terbuka untuk isian ini.",
        "The referenced conflict is not open for this field.",
    ),
    "bad_submission": Text(
        "Bentuk kiriman tidak sesuai protokol.",
        "The submission does not have the shape the protocol requires.",
    ),
}


class ProtocolError(ValueError):
    """Input that breaks the protocol: ``code`` is a key of :data:`REASONS`."""

    def __init__(self, code: str, message: Text | None = None, detail: str = "") -> None:
        if code not in REASONS:
            raise KeyError(f"unknown protocol code {code!r}")
        self.code = code
        self.message = message if message is not None else REASONS[code]
        #: for IT: what exactly was wrong (never shown as the main message)
        self.detail = detail
        super().__init__(f"{code}: {detail or self.message.en}")


# ---------------------------------------------------------------- values


def value_to_json(field: Field, value: Value) -> JsonScalar:
    """A typed value as the wire carries it (decimal as its canonical string)."""
    if value is None:
        return None
    text = to_storage(field.type, value)  # also checks the type (TypeError: a bug)
    if field.type is FieldType.DECIMAL or isinstance(value, Decimal):
        return text
    return value


def storage_to_json(type: FieldType, text: str | None) -> JsonScalar:
    """A canonical stored text (``forms.types.to_storage``) as the wire carries it."""
    value = from_storage(type, text)
    if isinstance(value, Decimal):
        return to_storage(type, value)
    return value


def _bad_type(field: Field, id_: str, en: str, raw: object) -> ProtocolError:
    return ProtocolError(
        "bad_type",
        Text(f"{field.label.id}: {id_}", f"{field.label.en}: {en}"),
        f"{field.code}: {raw!r}"[:200],
    )


_DEC_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")
_INT_LIMIT = 10**MAX_INTEGER_DIGITS


def value_from_json(field: Field, raw: object) -> Value:
    """The typed value of ``raw`` for ``field``; :class:`ProtocolError` ``bad_type`` otherwise.

    Range (min/max) is not judged here: that is ``forms.validate`` (``out_of_range``).
    """
    if raw is None:
        return None
    match field.type:
        case FieldType.INTEGER:
            if isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
                raw = int(raw)
            if not isinstance(raw, int) or isinstance(raw, bool):
                raise _bad_type(field, "harus bilangan bulat.", "must be a whole number.", raw)
            if abs(raw) >= _INT_LIMIT:
                raise _bad_type(field, "angka terlalu panjang.", "the number is too long.", raw)
            return raw
        case FieldType.DECIMAL:
            if (
                not isinstance(raw, str)
                or not _DEC_RE.fullmatch(raw)
                or raw == "-0"
                or len(raw.lstrip("-").partition(".")[0]) > MAX_INTEGER_DIGITS
                or len(raw.partition(".")[2]) > MAX_FRACTION_DIGITS
            ):
                raise _bad_type(
                    field,
                    'harus angka desimal kanonik dalam teks, misalnya "12.5".',
                    'must be a canonical decimal string such as "12.5".',
                    raw,
                )
            return Decimal(raw)
        case FieldType.YESNO:
            if not isinstance(raw, bool):
                raise _bad_type(field, "harus true atau false.", "must be true or false.", raw)
            return raw
        case FieldType.CHOICE:
            if not isinstance(raw, str) or raw not in {c.code for c in field.choices}:
                raise _bad_type(field, "pilihan tidak dikenal.", "unknown choice.", raw)
            return raw
        case FieldType.TEXT:
            if not isinstance(raw, str):
                raise _bad_type(field, "harus teks.", "must be text.", raw)
            if "\x00" in raw or len(raw) > TEXT_MAX_LENGTH:
                raise _bad_type(
                    field,
                    f"teks tidak sah atau lebih dari {TEXT_MAX_LENGTH} karakter.",
                    f"invalid text or longer than {TEXT_MAX_LENGTH} characters.",
                    raw,
                )
            return raw
    raise AssertionError(f"unhandled field type {field.type!r}")


# ---------------------------------------------------------------- small readers


def _bad(code: str, detail: str) -> ProtocolError:
    return ProtocolError(code, detail=detail[:300])


def _obj(raw: object, what: str, code: str) -> Mapping[str, Any]:
    if not isinstance(raw, dict):
        raise _bad(code, f"{what} must be an object")
    return raw


def _ident(raw: Mapping[str, Any], key: str, code: str, *, optional: bool = False) -> str:
    value = raw.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_LENGTH:
        raise _bad(code, f"{key!r} must be a non-empty string of at most {MAX_ID_LENGTH}")
    return value


def _int(raw: Mapping[str, Any], key: str, code: str, default: int | None = None) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63:
        raise _bad(code, f"{key!r} must be a non-negative integer")
    return value


def _flag(raw: Mapping[str, Any], key: str, code: str) -> bool:
    value = raw.get(key, 0)
    if value not in (0, 1) or isinstance(value, float):
        raise _bad(code, f"{key!r} must be 0 or 1")
    return bool(value)


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def format_time(at: datetime) -> str:
    """UTC ISO 8601 with a ``Z``, to the second (what the wire carries)."""
    if at.tzinfo is None:
        raise ValueError("naive datetime: times are UTC and must say so")
    return at.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: object, code: str = "bad_request", key: str = "t") -> datetime:
    """An ISO 8601 time with a zone (``Z`` or an offset) -> aware UTC datetime."""
    if not isinstance(text, str) or len(text) > 40:
        raise _bad(code, f"{key!r} must be an ISO 8601 time")
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(code, f"{key!r} is not an ISO 8601 time: {text!r}") from None
    if at.tzinfo is None:
        raise _bad(code, f"{key!r} must carry a time zone (UTC: 'Z')")
    return at.astimezone(UTC)


def _parse_period(text: object) -> date:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise _bad("bad_period", f"'p' must be an ISO date (YYYY-MM-DD), not {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _bad("bad_period", f"'p' is not a real date: {text!r}") from None


# ---------------------------------------------------------------- push


def submission_id(device_id: str, n: int) -> str:
    """The id of the device's ``n``-th submission: both sides compute it, so only the small
    number ``n`` crosses the link instead of a 36-character UUID."""
    return str(uuid.uuid5(KABAR_NAMESPACE, f"{device_id}:{n}"))


@dataclass(frozen=True)
class CellEdit:
    """One cell of a submission: the raw wire value, its base revision, a settled conflict."""

    indicator: str
    raw: JsonScalar
    base: int
    conflict_id: int | None = None


@dataclass(frozen=True)
class Submission:
    """The cells one person saved together: one org unit, form version and period."""

    id: str
    org_unit: str
    form_id: str
    form_version: int
    period: date
    client_at: datetime
    cells: tuple[CellEdit, ...]
    complete: bool = False
    #: the default base of the cells (cells stating their own base keep it)
    base: int = 0


@dataclass(frozen=True)
class PushRequest:
    device_id: str
    #: one entry per wire submission, in order: decoded, or why it cannot be (rejected)
    submissions: tuple[Submission | ProtocolError, ...]


_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")


def encode_submission(sub: Submission) -> dict[str, Any]:
    """The compact wire form; cells whose base equals ``sub.base`` go bare."""
    cells: dict[str, Any] = {}
    for cell in sub.cells:
        if cell.conflict_id is not None:
            cells[cell.indicator] = [cell.raw, cell.base, cell.conflict_id]
        elif cell.base != sub.base:
            cells[cell.indicator] = [cell.raw, cell.base]
        else:
            cells[cell.indicator] = cell.raw
    out: dict[str, Any] = {
        "id": sub.id,
        "ou": sub.org_unit,
        "f": sub.form_id,
        "v": sub.form_version,
        "p": sub.period.isoformat(),
        "t": format_time(sub.client_at),
    }
    if sub.complete:
        out["c"] = 1
    if sub.base:
        out["b"] = sub.base
    out["x"] = cells
    return out


#: the fields of a published form version, in definition order (for positional cells ``y``);
#: raises ProtocolError ``unknown_form`` / ``unknown_form_version`` when it is not published
FieldOrder = Callable[[str, int], Sequence[str]]

#: a position of ``y`` that holds no cell of this submission
Y_ABSENT: dict[str, Any] = {}


def decode_submission(
    raw: object, device_id: str | None = None, field_order: FieldOrder | None = None
) -> Submission:
    """One wire submission; :class:`ProtocolError` (``bad_submission``/``bad_period``, or the
    ``field_order`` lookup's own code).

    Its key is either ``id`` (a UUID) or ``n`` (the sending device's sequence number, turned
    into :func:`submission_id` with ``device_id``), never both. Its cells are ``x`` (by
    indicator) and/or ``y`` (by position in the form version's fields, ``{}`` for none;
    needs ``field_order``): ``y``'s cells come first, in field order, then ``x``'s.
    """
    code = "bad_submission"
    obj = _obj(raw, "a submission", code)
    if "n" in obj:
        if "id" in obj:
            raise _bad(code, "a submission carries 'id' or 'n', not both")
        if device_id is None:
            raise _bad(code, "'n' needs the device id of the push")
        n = _int(obj, "n", code)
        if n < 1:
            raise _bad(code, "'n' must be at least 1")
        sub_id = submission_id(device_id, n)
    else:
        sub_id = _ident(obj, "id", code)
    if not _UUID_RE.fullmatch(sub_id):
        raise _bad(code, f"'id' must be a UUID, not {sub_id!r}")
    base = _int(obj, "b", code, 0)
    version = _int(obj, "v", code)
    form_id = _ident(obj, "f", code)
    cells: list[CellEdit] = []
    if "y" in obj:
        positional = obj["y"]
        if not isinstance(positional, list):
            raise _bad(code, "'y' must be a list")
        if field_order is None:
            raise _bad(code, "'y' needs the form version's field order")
        codes = field_order(form_id, version)
        if len(positional) > len(codes):
            raise _bad(code, f"'y' has {len(positional)} cells, the form {len(codes)} fields")
        for indicator, cell in zip(codes, positional, strict=False):
            if cell != Y_ABSENT:
                cells.append(_decode_cell(indicator, cell, base))
    elif "x" not in obj:
        raise _bad(code, "a submission needs 'x' or 'y'")
    cells_raw = _obj(obj.get("x", {}), "'x'", code)
    seen = {c.indicator for c in cells}
    for indicator, cell in cells_raw.items():
        if not 0 < len(indicator) <= MAX_ID_LENGTH:
            raise _bad(code, f"indicator name {indicator[:40]!r} is empty or too long")
        if indicator in seen:
            raise _bad(code, f"cell {indicator!r} is in both 'y' and 'x'")
        cells.append(_decode_cell(indicator, cell, base))
    return Submission(
        id=sub_id.lower(),
        org_unit=_ident(obj, "ou", code),
        form_id=form_id,
        form_version=version,
        period=_parse_period(obj.get("p")),
        client_at=parse_time(obj.get("t"), code),
        cells=tuple(cells),
        complete=_flag(obj, "c", code),
        base=base,
    )


def _decode_cell(indicator: str, cell: object, base: int) -> CellEdit:
    if _scalar(cell):
        return CellEdit(indicator, cell, base)  # type: ignore[arg-type]
    if isinstance(cell, list) and len(cell) in (2, 3) and _scalar(cell[0]):
        tail = cell[1:]
        if all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n < 2**63 for n in tail):
            conflict_id = cell[2] if len(cell) == 3 else None
            return CellEdit(indicator, cell[0], cell[1], conflict_id)
    raise _bad(
        "bad_submission",
        f"cell {indicator!r} must be a value, [value, base] or [value, base, conflict_id]",
    )


def encode_push(device_id: str, submissions: Iterable[Submission]) -> dict[str, Any]:
    return {"d": device_id, "s": [encode_submission(s) for s in submissions]}


def decode_push(raw: object, field_order: FieldOrder | None = None) -> PushRequest:
    """A push body. The envelope must be right (``bad_request``); each submission is decoded on
    its own so one malformed submission is rejected alone. ``field_order`` expands positional
    cells (``y``)."""
    obj = _obj(raw, "the push body", "bad_request")
    device = _ident(obj, "d", "bad_request")
    subs = obj.get("s")
    if not isinstance(subs, list):
        raise _bad("bad_request", "'s' must be a list of submissions")
    if len(subs) > MAX_SUBMISSIONS:
        raise ProtocolError(
            "too_large",
            Text(
                f"Paling banyak {MAX_SUBMISSIONS} kiriman per permintaan.",
                f"At most {MAX_SUBMISSIONS} submissions per request.",
            ),
            f"{len(subs)} submissions",
        )
    decoded: list[Submission | ProtocolError] = []
    for item in subs:
        try:
            decoded.append(decode_submission(item, device, field_order))
        except ProtocolError as e:
            decoded.append(e)
    return PushRequest(device, tuple(decoded))


def submission_sha256(sub: Submission) -> str:
    """A fingerprint of what a submission means (not of its bytes): equal iff same content."""
    text = json.dumps(encode_submission(sub), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- receipts

CellStatus = Literal["applied", "unchanged", "conflict", "rejected"]
SubmissionStatus = Literal["applied", "duplicate", "rejected"]


@dataclass(frozen=True)
class CellReceipt:
    """What happened to one cell; ``rev`` is the new (applied) or current revision."""

    status: CellStatus
    rev: int | None = None
    #: conflict: the conflict id and the server's current value, its author and client time
    conflict_id: int | None = None
    value: JsonScalar = None
    by: str | None = None
    at: str | None = None
    reason: str | None = None
    message: Text | None = None


@dataclass(frozen=True)
class SubmissionReceipt:
    status: SubmissionStatus
    #: the first applied revision (applied cells take rev, rev+1, … in cell order)
    rev: int | None = None
    #: indicator -> receipt, in the submission's cell order (every cell, applied ones too)
    cells: dict[str, CellReceipt] = field(default_factory=dict)
    reason: str | None = None
    message: Text | None = None


def _text(t: Text) -> dict[str, str]:
    return {"id": t.id, "en": t.en}


def _read_text(raw: object, code: str) -> Text:
    obj = _obj(raw, "'message'", code)
    ids, ens = obj.get("id"), obj.get("en")
    if not isinstance(ids, str) or not isinstance(ens, str):
        raise _bad(code, "'message' must have 'id' and 'en' strings")
    return Text(ids, ens)


def rejected_receipt(error: ProtocolError) -> SubmissionReceipt:
    return SubmissionReceipt("rejected", reason=error.code, message=error.message)


def encode_receipt(receipt: SubmissionReceipt) -> dict[str, Any]:
    """The compact receipt: applied cells are implicit (consecutive revisions from ``rev``)."""
    if receipt.status == "rejected":
        assert receipt.reason is not None
        message = receipt.message or REASONS[receipt.reason]
        return {"s": "rejected", "reason": receipt.reason, "message": _text(message)}
    out: dict[str, Any] = {"s": receipt.status}
    listed: dict[str, Any] = {}
    expected = receipt.rev
    for indicator, cell in receipt.cells.items():
        if cell.status == "applied":
            if expected is None or cell.rev != expected:
                raise ValueError(
                    f"applied revisions must run consecutively from {receipt.rev}: "
                    f"{indicator} has {cell.rev}"
                )
            expected += 1
            continue
        listed[indicator] = _encode_cell_receipt(cell)
    if receipt.rev is not None:
        out["rev"] = receipt.rev
    if listed:
        out["c"] = listed
    return out


def _encode_cell_receipt(cell: CellReceipt) -> dict[str, Any]:
    if cell.status == "unchanged":
        return {"s": "unchanged", "rev": cell.rev}
    if cell.status == "conflict":
        return {
            "s": "conflict",
            "k": cell.conflict_id,
            "rev": cell.rev,
            "value": cell.value,
            "by": cell.by,
            "at": cell.at,
        }
    assert cell.status == "rejected" and cell.reason is not None
    return {
        "s": "rejected",
        "reason": cell.reason,
        "message": _text(cell.message or REASONS[cell.reason]),
    }


def decode_receipt(raw: object, order: Sequence[str]) -> SubmissionReceipt:
    """A receipt for a submission whose cells were ``order`` (its ``x`` keys, in order)."""
    code = "bad_request"
    obj = _obj(raw, "a receipt", code)
    status = obj.get("s")
    if status == "rejected":
        reason = obj.get("reason")
        if not isinstance(reason, str):
            raise _bad(code, "a rejected receipt needs a 'reason'")
        return SubmissionReceipt(
            "rejected", reason=reason, message=_read_text(obj.get("message"), code)
        )
    if status not in ("applied", "duplicate"):
        raise _bad(code, f"unknown receipt status {status!r}")
    rev = obj.get("rev")
    if rev is not None and (not isinstance(rev, int) or isinstance(rev, bool)):
        raise _bad(code, "'rev' must be an integer")
    listed = _obj(obj.get("c", {}), "'c'", code)
    unknown = set(listed) - set(order)
    if unknown:
        raise _bad(code, f"receipt names cells the submission did not have: {sorted(unknown)}")
    cells: dict[str, CellReceipt] = {}
    expected = rev
    for indicator in order:
        if indicator in listed:
            cells[indicator] = _decode_cell_receipt(listed[indicator])
        else:
            if expected is None:
                raise _bad(code, f"cell {indicator!r} applied but the receipt has no 'rev'")
            cells[indicator] = CellReceipt("applied", expected)
            expected += 1
    return SubmissionReceipt(status, rev, cells)


def _decode_cell_receipt(raw: object) -> CellReceipt:
    code = "bad_request"
    obj = _obj(raw, "a cell receipt", code)
    status = obj.get("s")
    if status == "unchanged":
        return CellReceipt("unchanged", _int(obj, "rev", code))
    if status == "conflict":
        by, at = obj.get("by"), obj.get("at")
        if not _scalar(obj.get("value")) or not isinstance(by, str | None):
            raise _bad(code, "bad conflict receipt")
        return CellReceipt(
            "conflict",
            _int(obj, "rev", code),
            conflict_id=_int(obj, "k", code),
            value=obj.get("value"),
            by=by,
            at=at if isinstance(at, str) else None,
        )
    if status == "rejected":
        reason = obj.get("reason")
        if not isinstance(reason, str):
            raise _bad(code, "a rejected cell needs a 'reason'")
        return CellReceipt("rejected", reason=reason, message=_read_text(obj.get("message"), code))
    raise _bad(code, f"unknown cell status {status!r}")


@dataclass(frozen=True)
class PushReply:
    """A push reply as the client reads it: one receipt per sent submission, in order."""

    server_time: str
    receipts: tuple[SubmissionReceipt, ...]
    #: the digest of the caller's metadata (``GET /metadata`` when it changed); None: absent
    metadata_digest: str | None = None


def decode_push_reply(raw: object, orders: Sequence[Sequence[str]]) -> PushReply:
    """A push reply for submissions whose cells were ``orders[i]`` (their ``x`` keys)."""
    code = "bad_request"
    obj = _obj(raw, "a push reply", code)
    receipts = obj.get("r")
    if not isinstance(receipts, list) or len(receipts) != len(orders):
        raise _bad(code, f"'r' must hold one receipt per submission ({len(orders)})")
    server_time = obj.get("server_time")
    digest = obj.get("m")
    return PushReply(
        server_time=server_time if isinstance(server_time, str) else "",
        receipts=tuple(decode_receipt(r, o) for r, o in zip(receipts, orders, strict=True)),
        metadata_digest=digest if isinstance(digest, str) else None,
    )


# ---------------------------------------------------------------- pull


@dataclass(frozen=True)
class PullCell:
    indicator: str
    value: JsonScalar
    rev: int


@dataclass(frozen=True)
class PullGroup:
    """The changed cells of one (org unit, form, period), at their current values."""

    org_unit: str
    form_id: str
    period: date
    cells: tuple[PullCell, ...]
    #: the last writer's name and client time, for display
    by: str | None = None
    at: str | None = None
    complete: bool = False


@dataclass(frozen=True)
class PullPage:
    to: int
    more: bool
    server_time: str
    groups: tuple[PullGroup, ...]
    #: the digest of the caller's metadata (see ``metadata_digest``); None: not sent
    metadata_digest: str | None = None


def encode_pull_group(group: PullGroup) -> dict[str, Any]:
    """Cells in revision order; bare ones take ``rev``, ``rev+1``, …; others ``[value, rev]``."""
    cells = sorted(group.cells, key=lambda c: c.rev)
    if not cells:
        raise ValueError("a pull group has at least one cell")
    first = cells[0].rev
    expected = first
    x: dict[str, Any] = {}
    for cell in cells:
        if cell.rev == expected:
            x[cell.indicator] = cell.value
            expected += 1
        else:
            x[cell.indicator] = [cell.value, cell.rev]
    out: dict[str, Any] = {
        "ou": group.org_unit,
        "f": group.form_id,
        "p": group.period.isoformat(),
        "rev": first,
    }
    if group.by is not None:
        out["by"] = group.by
    if group.at is not None:
        out["at"] = group.at
    out["c"] = 1 if group.complete else 0
    out["x"] = x
    return out


def decode_pull_group(raw: object) -> PullGroup:
    code = "bad_request"
    obj = _obj(raw, "a pull group", code)
    expected = _int(obj, "rev", code)
    cells: list[PullCell] = []
    for indicator, cell in _obj(obj.get("x"), "'x'", code).items():
        if _scalar(cell):
            cells.append(PullCell(indicator, cell, expected))
            expected += 1
        elif (
            isinstance(cell, list)
            and len(cell) == 2
            and _scalar(cell[0])
            and isinstance(cell[1], int)
            and not isinstance(cell[1], bool)
        ):
            cells.append(PullCell(indicator, cell[0], cell[1]))
        else:
            raise _bad(code, f"pull cell {indicator!r} must be a value or [value, rev]")
    by, at = obj.get("by"), obj.get("at")
    return PullGroup(
        org_unit=_ident(obj, "ou", code),
        form_id=_ident(obj, "f", code),
        period=_parse_period(obj.get("p")),
        cells=tuple(cells),
        by=by if isinstance(by, str) else None,
        at=at if isinstance(at, str) else None,
        complete=_flag(obj, "c", code),
    )


def encode_pull_page(page: PullPage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "to": page.to,
        "more": page.more,
        "server_time": page.server_time,
    }
    if page.metadata_digest is not None:
        out["m"] = page.metadata_digest
    out["g"] = [encode_pull_group(g) for g in page.groups]
    return out


def decode_pull_page(raw: object) -> PullPage:
    code = "bad_request"
    obj = _obj(raw, "a pull page", code)
    groups = obj.get("g")
    more = obj.get("more")
    server_time = obj.get("server_time")
    if not isinstance(groups, list) or not isinstance(more, bool):
        raise _bad(code, "a pull page needs 'g' (list) and 'more' (bool)")
    digest = obj.get("m")
    return PullPage(
        to=_int(obj, "to", code),
        more=more,
        server_time=server_time if isinstance(server_time, str) else "",
        groups=tuple(decode_pull_group(g) for g in groups),
        metadata_digest=digest if isinstance(digest, str) else None,
    )


def metadata_digest(metadata: Mapping[str, Any]) -> str:
    """The first 12 hex digits of the SHA-256 of a user's metadata without its ``server_time``
    (canonical JSON): replies carry it as ``m`` so a client fetches ``GET /metadata`` only when
    something in it changed."""
    kept = {k: v for k, v in metadata.items() if k not in ("server_time", "m")}
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------- conflicts and proofs


@dataclass(frozen=True)
class ConflictInfo:
    """An open conflict: the server's current value and the kept candidate."""

    conflict_id: int
    org_unit: str
    form_id: str
    period: date
    indicator: str
    server_value: JsonScalar
    server_rev: int
    server_by: str | None
    server_at: str | None
    candidate_value: JsonScalar
    candidate_by: str | None
    candidate_device: str | None
    candidate_at: str | None
    received_at: str | None
    submission: str


def encode_conflict(c: ConflictInfo) -> dict[str, Any]:
    return {
        "k": c.conflict_id,
        "ou": c.org_unit,
        "f": c.form_id,
        "p": c.period.isoformat(),
        "i": c.indicator,
        "server": {
            "value": c.server_value,
            "rev": c.server_rev,
            "by": c.server_by,
            "at": c.server_at,
        },
        "candidate": {
            "value": c.candidate_value,
            "by": c.candidate_by,
            "device": c.candidate_device,
            "at": c.candidate_at,
            "received_at": c.received_at,
            "submission": c.submission,
        },
    }


def decode_conflict(raw: object) -> ConflictInfo:
    code = "bad_request"
    obj = _obj(raw, "a conflict", code)
    server = _obj(obj.get("server"), "'server'", code)
    cand = _obj(obj.get("candidate"), "'candidate'", code)

    def opt(o: Mapping[str, Any], key: str) -> str | None:
        v = o.get(key)
        return v if isinstance(v, str) else None

    return ConflictInfo(
        conflict_id=_int(obj, "k", code),
        org_unit=_ident(obj, "ou", code),
        form_id=_ident(obj, "f", code),
        period=_parse_period(obj.get("p")),
        indicator=_ident(obj, "i", code),
        server_value=server.get("value"),
        server_rev=_int(server, "rev", code),
        server_by=opt(server, "by"),
        server_at=opt(server, "at"),
        candidate_value=cand.get("value"),
        candidate_by=opt(cand, "by"),
        candidate_device=opt(cand, "device"),
        candidate_at=opt(cand, "at"),
        received_at=opt(cand, "received_at"),
        submission=_ident(cand, "submission", code),
    )


@dataclass(frozen=True)
class DayReceipt:
    """The server's proof of one (org unit, form, period): see :func:`day_checksum`."""

    form_id: str
    period: date
    n: int
    rev: int
    sum: str
    complete: bool
    org_unit: str = ""


def encode_day_receipt(d: DayReceipt) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if d.org_unit:
        out["ou"] = d.org_unit
    out.update(
        {
            "f": d.form_id,
            "p": d.period.isoformat(),
            "n": d.n,
            "rev": d.rev,
            "sum": d.sum,
            "c": 1 if d.complete else 0,
        }
    )
    return out


def decode_day_receipt(raw: object) -> DayReceipt:
    code = "bad_request"
    obj = _obj(raw, "a day receipt", code)
    total = obj.get("sum")
    if not isinstance(total, str):
        raise _bad(code, "'sum' must be a string")
    ou = obj.get("ou")
    return DayReceipt(
        form_id=_ident(obj, "f", code),
        period=_parse_period(obj.get("p")),
        n=_int(obj, "n", code),
        rev=_int(obj, "rev", code),
        sum=total,
        complete=_flag(obj, "c", code),
        org_unit=ou if isinstance(ou, str) else "",
    )


def day_checksum(cells: Mapping[str, str | None]) -> tuple[int, str]:
    """(count, checksum) of one day's cells given as indicator -> canonical stored text.

    Cells without a value (``None``) are left out; the checksum is the first 16 hex digits of
    the SHA-256 of ``indicator=value\\n`` lines sorted by indicator.
    """
    lines = [f"{k}={v}\n" for k, v in sorted(cells.items()) if v is not None]
    digest = hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()
    return len(lines), digest[:16]
