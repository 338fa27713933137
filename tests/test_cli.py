"""The `kabar` command as IT staff and scripts run it: real processes, never a hang."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent


def run_kabar(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # a modal dialog nobody can answer would hang here
    )


def test_headless_start_reports_idle_and_remembers_the_demo(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = run_kabar("--data-dir", str(data), "--demo", "--quit-when-idle")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("KABAR_IDLE ")
    assert (data / "kabar.db").exists()
    again = run_kabar("--data-dir", str(data), "--quit-when-idle")
    assert again.returncode == 0, again.stderr
    assert '"facility": "P' in again.stdout  # the demo's facility was kept in settings


def test_a_data_dir_that_is_a_file_is_refused_clearly(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "catatan.txt"
    not_a_folder.write_text("bukan folder", encoding="utf-8")
    result = run_kabar("--data-dir", str(not_a_folder), "--quit-when-idle")
    assert result.returncode == 1
    assert "Folder data Kabar tidak dapat dibuat" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_damaged_file_is_reported_and_left_untouched_without_a_person(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    garbage = os.urandom(9000)
    (data / "kabar.db").write_bytes(garbage)
    result = run_kabar("--data-dir", str(data), "--quit-when-idle", "--lang", "en")
    assert result.returncode == 1
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert (data / "kabar.db").read_bytes() == garbage  # nobody chose: nothing was changed
    assert sorted(p.name for p in data.iterdir()) == ["kabar.db"]


def test_an_unknown_language_is_refused_by_the_command_line() -> None:
    result = run_kabar("--lang", "fr", "--quit-when-idle")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_a_server_address_that_is_not_a_url_is_refused(tmp_path: Path) -> None:
    result = run_kabar("--data-dir", str(tmp_path), "--server", "kabar.local", "--quit-when-idle")
    assert result.returncode == 1
    assert "--server harus alamat http://" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_ca_file_that_is_missing_or_not_a_certificate_is_refused(tmp_path: Path) -> None:
    missing = run_kabar(
        "--data-dir", str(tmp_path), "--ca-file", str(tmp_path / "none.pem"), "--quit-when-idle"
    )
    assert missing.returncode == 1
    assert "--ca-file tidak bisa dibaca" in missing.stderr and "Traceback" not in missing.stderr
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("bukan sertifikat\n")
    wrong = run_kabar("--data-dir", str(tmp_path), "--ca-file", str(not_pem), "--quit-when-idle")
    assert wrong.returncode == 1
    assert "--ca-file bukan sertifikat PEM" in wrong.stderr


# -- the argument fast path agrees with argparse ------------------------------------------------

WORDS = [
    "--data-dir", "--lang", "--demo", "--server", "--ca-file", "--config", "--smoke-test",
    "--quit-when-idle", "--data", "--help", "-h", "--lang=id", "--", "id", "en", "fr", "",
    "/tmp/x", "C:\\Data\\Kabar", "https://kabar.example", "-1", "-x", "data dir", "site.toml",
]  # fmt: skip


def _argparse_result(words: list[str]) -> object:
    """What argparse alone makes of ``words``: its namespace, or "exit" (help or an error)."""
    import contextlib
    import io

    from desktop.launcher import Args, _parser

    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return Args(**vars(_parser().parse_args(words)))
        except SystemExit:
            return "exit"


OPTIONS = ["--data-dir", "--lang", "--server", "--ca-file", "--config"]
FLAGS = ["--demo", "--smoke-test", "--quit-when-idle"]
#: mostly well-formed lines (an option and a value, a flag), with any word now and then
ITEMS = st.one_of(
    st.tuples(st.sampled_from(OPTIONS), st.sampled_from(WORDS)).map(list),
    st.sampled_from(FLAGS).map(lambda f: [f]),
    st.sampled_from(WORDS).map(lambda w: [w]),
)


@settings(max_examples=800, deadline=None)
@given(st.lists(ITEMS, max_size=5).map(lambda items: [w for item in items for w in item]))
def test_the_fast_path_reads_a_command_line_exactly_as_argparse_or_leaves_it(
    words: list[str],
) -> None:
    from desktop.launcher import _fast_parse, parse_args

    fast = _fast_parse(words)
    expected = _argparse_result(words)
    if fast is not None:
        assert fast == expected, words
    if expected != "exit":
        assert parse_args(words) == expected


def test_the_usual_command_lines_take_the_fast_path() -> None:
    """The fast path is the point: a normal start, the benchmark's and the demo's lines."""
    from desktop.launcher import _fast_parse

    for words in (
        [],
        ["--data-dir", "/tmp/d", "--lang", "id", "--quit-when-idle"],
        ["--data-dir", "demo-data/desktop", "--demo", "--server", "http://127.0.0.1:8000"],
        ["--config", "site.toml", "--ca-file", "ca.pem", "--lang", "en"],
        ["--smoke-test"],
    ):
        assert _fast_parse(words) is not None, words
