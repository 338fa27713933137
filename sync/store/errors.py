"""Problems a person can act on (disk full, damaged file, read-only folder), with their messages.

Anything else that goes wrong in the store is a bug and propagates unchanged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from forms.model import Text


class StoreError(Exception):
    """A known, user-facing problem with the local data; ``message`` says what to do."""

    def __init__(self, message: Text) -> None:
        super().__init__(message.en)
        self.message = message

    def __str__(self) -> str:
        return self.message.en


class StoreDamagedError(StoreError):
    """``kabar.db`` is not a healthy SQLite database; ``backups`` lists what can be restored."""

    def __init__(
        self, path: Path, backups: list[Path], detail: str = "", *, during_use: bool = False
    ) -> None:
        self.path = path
        self.backups = backups
        self.detail = detail
        self.during_use = during_use
        if during_use:
            message = Text(
                id=(
                    f"Sebagian berkas data Kabar rusak ({path}); nilai terakhir belum tersimpan. "
                    "Tutup Kabar lalu buka lagi: Kabar akan memeriksa berkas dan menawarkan "
                    "pemulihan dari cadangan."
                ),
                en=(
                    f"Part of the Kabar data file is damaged ({path}); the last change was not "
                    "saved. Close Kabar and open it again: Kabar will check the file and offer "
                    "to restore a backup."
                ),
            )
            super().__init__(message)
            return
        if backups:
            message = Text(
                id=(
                    f"Berkas data Kabar rusak dan tidak dapat dibuka ({path}). "
                    f"Ada {len(backups)} cadangan; pilih «Pulihkan cadangan terakhir» untuk "
                    "memakai cadangan terbaru. Berkas yang rusak disimpan di sampingnya, "
                    "tidak dihapus."
                ),
                en=(
                    f"The Kabar data file is damaged and cannot be opened ({path}). "
                    f"{len(backups)} backup(s) exist; choose “Restore latest backup” to use the "
                    "newest one. The damaged file is kept aside, never deleted."
                ),
            )
        else:
            message = Text(
                id=(
                    f"Berkas data Kabar rusak dan tidak dapat dibuka ({path}), dan belum ada "
                    "cadangan. Pilih «Mulai dengan data kosong» (berkas yang rusak disimpan di "
                    "sampingnya) lalu hubungi petugas data kabupaten; data yang sudah terkirim "
                    "dapat diambil lagi dari server."
                ),
                en=(
                    f"The Kabar data file is damaged and cannot be opened ({path}), and there is "
                    "no backup yet. Choose “Start with empty data” (the damaged file is kept "
                    "aside) and contact the district data officer; data already sent can be "
                    "fetched again from the server."
                ),
            )
        super().__init__(message)


def store_error(text_id: str, text_en: str) -> StoreError:
    return StoreError(Text(id=text_id, en=text_en))


def translate_sqlite_error(exc: sqlite3.Error, path: Path) -> StoreError | None:
    """The user-facing error for a known SQLite failure, or None when it is a bug."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name == "SQLITE_FULL" or "disk is full" in text:
        return store_error(
            "Disk penuh: data belum tersimpan. Kosongkan ruang disk (hapus berkas yang tidak "
            "perlu), lalu simpan lagi. Angka yang sudah diketik masih ada di layar.",
            "The disk is full: nothing was saved. Free some disk space, then save again. "
            "The figures you typed are still on screen.",
        )
    if name.startswith("SQLITE_READONLY") or "readonly database" in text:
        return store_error(
            f"Folder data Kabar tidak dapat ditulisi ({path.parent}). Periksa izin folder atau "
            "jalankan Kabar dengan pengguna yang biasa dipakai.",
            f"The Kabar data folder is not writable ({path.parent}). Check the folder's "
            "permissions or run Kabar as the usual user.",
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return store_error(
            "Data sedang dipakai oleh jendela Kabar lain. Tutup jendela Kabar yang lain, lalu "
            "coba lagi.",
            "The data is in use by another Kabar window. Close the other Kabar window, then "
            "try again.",
        )
    if name.startswith("SQLITE_IOERR") or name == "SQLITE_CANTOPEN" or "disk i/o" in text:
        return store_error(
            f"Kabar tidak dapat membaca atau menulis berkas datanya ({path}). Periksa disk "
            "(atau flashdisk) lalu coba lagi.",
            f"Kabar cannot read or write its data file ({path}). Check the disk, then try again.",
        )
    return None


def is_damage(exc: sqlite3.Error) -> bool:
    """True when SQLite says the file itself is broken (not locked, not full)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "not a database" in text
    )
