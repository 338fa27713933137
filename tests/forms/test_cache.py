"""The JSON copies of form definitions: exact, refreshed on change, never trusted blindly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forms.cache import cache_path, decode, encode, load_cached
from forms.loader import DEFINITIONS_DIR, builtin_forms, load_form
from tests.forms.samples import BASE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    path = tmp_path / "defs" / "contoh.yaml"
    path.parent.mkdir()
    path.write_text(BASE, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", sorted(DEFINITIONS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_round_trip_is_exact(path: Path) -> None:
    form = load_form(path)
    again = decode(json.loads(json.dumps(encode(form))))
    assert again == form
    assert again.source_text == form.source_text  # not part of ==, kept all the same
    assert again.fields == form.fields and again.rules == form.rules


def test_second_load_reads_the_copy(definition: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_cached(definition, cache)
    copy = cache_path(cache, definition, definition.read_bytes())
    assert copy.exists()
    assert load_cached(definition, cache) == first == load_form(definition)


def test_a_changed_definition_is_read_again(definition: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = load_cached(definition, cache)
    text = definition.read_text(encoding="utf-8")
    changed = text.replace(f"version: {before.version}", f"version: {before.version + 1}", 1)
    assert changed != text
    definition.write_text(changed, encoding="utf-8")
    after = load_cached(definition, cache)
    assert after.version == before.version + 1
    assert len(list(cache.glob("contoh-*.json"))) == 1  # the stale copy is gone


@pytest.mark.parametrize(
    "tamper",
    [
        "not json {",
        json.dumps({"@": "Popen", "args": ["touch", "/tmp/kabar-pwned"]}),
        json.dumps({"@d": "1"}),
        json.dumps([1, 2, 3]),
    ],
    ids=["garbage", "foreign-class", "wrong-type", "list"],
)
def test_an_unusable_copy_falls_back_to_the_yaml(
    definition: Path, tmp_path: Path, tamper: str
) -> None:
    cache = tmp_path / "cache"
    good = load_cached(definition, cache)
    copy = cache_path(cache, definition, definition.read_bytes())
    copy.write_text(tamper, encoding="utf-8")
    assert load_cached(definition, cache) == good
    assert not Path("/tmp/kabar-pwned").exists()


def test_a_copy_edited_to_other_content_is_not_used(definition: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    good = load_cached(definition, cache)
    copy = cache_path(cache, definition, definition.read_bytes())
    data = json.loads(copy.read_text(encoding="utf-8"))
    data["version"] = 99  # a valid copy of something else than the YAML it claims to be
    data["source_text"] = "id: lain\n"
    copy.write_text(json.dumps(data), encoding="utf-8")
    assert load_cached(definition, cache) == good


def test_an_unwritable_cache_only_costs_time(definition: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    assert load_cached(definition, blocker) == load_form(definition)


def test_a_warm_start_does_not_import_pyyaml(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    builtin_forms(cache)  # this process writes the copies
    code = (
        "import sys; from pathlib import Path; from forms.loader import builtin_forms; "
        f"forms = builtin_forms(Path({str(cache)!r})); "
        "print(len(forms), 'yaml' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(len(builtin_forms())), "False"]


def test_copies_follow_the_definition_folder(tmp_path: Path) -> None:
    # A copy made for one file is never taken for another with other bytes.
    a, b = tmp_path / "a" / "f.yaml", tmp_path / "b" / "f.yaml"
    for p in (a, b):
        p.parent.mkdir()
    shutil.copy(DEFINITIONS_DIR / "covid19-harian.yaml", a)
    shutil.copy(DEFINITIONS_DIR / "sumber-daya-harian.yaml", b)
    cache = tmp_path / "cache"
    assert load_cached(a, cache).id == "covid19-harian"
    assert load_cached(b, cache).id == "sumber-daya-harian"
    assert load_cached(a, cache).id == "covid19-harian"
