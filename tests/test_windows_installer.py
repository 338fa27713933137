"""What can be checked of the Windows installer without Windows: the directives kabar.iss must
hold, that no uninstall step touches the officer's data, and the site.toml its [Code] writes —
the template rendered the way [Code] does (a Python mirror of its three escaping rules, which
are checked to be in the script) with hostile values, then read back by sync.siteconfig.

The script itself is NOT compiled or run here (no Windows, no Inno Setup)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.siteconfig import parse_site_file

WINDOWS = Path(__file__).resolve().parents[1] / "build_spec" / "windows"
ISS = WINDOWS / "kabar.iss"
TEMPLATE = WINDOWS / "site.toml.in"
PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def iss_text() -> str:
    return ISS.read_text(encoding="ascii")  # ISCC reads a BOM-less script as ANSI: keep ASCII


def sections(text: str) -> dict[str, list[str]]:
    """Lines per [Section], comments and blank lines left out."""
    found: dict[str, list[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            found.setdefault(current, [])
        elif current:
            found[current].append(line)
    return found


def setup_directives() -> dict[str, str]:
    return dict(line.split("=", 1) for line in sections(iss_text())["Setup"])


# -- the [Code] section's site.toml, mirrored -----------------------------------------------


def toml_string(text: str) -> str:
    """TomlString in kabar.iss, rule for rule."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif code < 32 or code == 127:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def locked_value(text: str) -> str:
    low = text.lower()
    return "true" if low in ("1", "true", "yes") else "false" if low in ("0", "false", "no") else ""


def render(params: dict[str, str], ca_path: str = "") -> str:
    """RenderLine over the template, lines whose parameter is missing left out (WriteSiteFile)."""
    lines = []
    for line in TEMPLATE.read_text(encoding="ascii").splitlines():
        for name in ("SERVERURL", "FACILITY", "CAFILE", "PROXY", "LOCKED"):
            mark = f"@{name}@"
            if mark not in line:
                continue
            value = ca_path if name == "CAFILE" else params.get(name, "")
            if not value:
                line = ""
            elif name == "LOCKED":
                line = line.replace(mark, locked_value(value))
            else:
                line = line.replace(mark, toml_string(value))
        if line:
            lines.append(line)
    return "\n".join(lines) + "\n"


def write_site(folder: Path, text: str, bom: bool = True) -> Path:
    path = folder / "site.toml"
    # SaveStringsToUTF8File: UTF-8, possibly with a byte-order mark
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def test_the_script_holds_the_three_escaping_rules_the_mirror_uses() -> None:
    code = iss_text().split("[Code]", 1)[1]
    body = code[code.index("function TomlString") : code.index("function Param")]
    assert "if C = '\\' then\n      Result := Result + '\\\\'" in body
    assert "else if C = '\"' then\n      Result := Result + '\\\"'" in body
    assert "else if (Code < 32) or (Code = 127) then" in body
    assert "Result := Result + '\\u' + Format('%.4x', [Code])" in body
    assert body.count("Result := Result + ") == 5  # the three escapes, the plain char, the end


@given(st.text())
def test_any_text_survives_the_escaping(text: str) -> None:
    assert tomllib.loads(f"v = {toml_string(text)}\n")["v"] == text


HOSTILE_SERVER = 'https://kabar.kaltimprov.go.id/a"b\\c/ü'
HOSTILE_FACILITY = 'P64"08\\04ü😀'
HOSTILE_PROXY = 'http://ani:p"w\\d@proxy.dinkes.local:3128'


def test_hostile_values_are_read_back_exactly(tmp_path: Path) -> None:
    site_dir = tmp_path / 'Dinkes "IT" \\ ü'  # quotes, a backslash (a plain character here)
    site_dir.mkdir()
    ca = site_dir / "kabar-ca.pem"
    ca.write_text(PEM)
    params = {
        "SERVERURL": HOSTILE_SERVER,
        "FACILITY": HOSTILE_FACILITY,
        "PROXY": HOSTILE_PROXY,
        "LOCKED": "1",
    }
    site = parse_site_file(write_site(site_dir, render(params, str(ca))))
    assert site.server_url == HOSTILE_SERVER
    assert site.facility == HOSTILE_FACILITY
    assert site.proxy == HOSTILE_PROXY
    assert site.ca_file == str(ca.resolve())
    assert site.locked is True


def test_a_windows_path_keeps_its_backslashes() -> None:
    path = r"C:\ProgramData\Kabar\kabar-ca.pem"
    text = render({"SERVERURL": "https://a.go.id"}, path)
    assert tomllib.loads(text)["ca_file"] == path
    assert "ca_file = " + '"C:\\\\ProgramData\\\\Kabar\\\\kabar-ca.pem"' in text


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"SERVERURL": "https://a.go.id"}, {"server_url"}),
        ({"FACILITY": "P6408040201", "LOCKED": "0"}, {"facility", "locked"}),
        ({"LOCKED": "yes"}, {"locked"}),
        ({}, set()),
    ],
)
def test_only_the_given_parameters_are_written(
    tmp_path: Path, params: dict[str, str], keys: set[str]
) -> None:
    text = render(params)
    assert set(tomllib.loads(text)) == keys
    assert "@" not in text.replace("ani:", "")  # no placeholder left behind
    site = parse_site_file(write_site(tmp_path, text, bom=False))
    assert site.locked is (locked_value(params.get("LOCKED", "0")) == "true")


# -- the directives ---------------------------------------------------------------------------


def test_per_user_by_default_all_users_allowed() -> None:
    setup = setup_directives()
    assert setup["PrivilegesRequired"] == "lowest"
    assert set(setup["PrivilegesRequiredOverridesAllowed"].split()) == {"commandline", "dialog"}
    assert setup["DefaultDirName"] == "{autopf}\\Kabar"
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", setup["AppId"])
    assert setup["AppVersion"] == "{#AppVersion}"


def test_no_packer_tricks_and_both_languages() -> None:
    text = iss_text()
    directives = " ".join(line for lines in sections(text).values() for line in lines)
    assert "upx" not in directives.lower()
    assert setup_directives()["Compression"].startswith("lzma2")
    languages = " ".join(sections(text)["Languages"])
    assert 'MessagesFile: "Indonesian.isl"' in languages
    assert 'MessagesFile: "compiler:Default.isl"' in languages


def test_the_uninstaller_never_deletes_the_officers_data() -> None:
    found = sections(iss_text())
    assert "UninstallDelete" not in found and "UninstallRun" not in found
    code = iss_text().split("[Code]", 1)[1]
    for call in ("DelTree", "DeleteFile", "RemoveDir"):
        assert call not in code  # [Code] removes nothing either
    for folder in ("{localappdata}", "{userappdata}", "{%LOCALAPPDATA"):
        assert folder not in iss_text()


def test_the_site_file_goes_where_the_app_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs.windows as windows

    code = iss_text().split("[Code]", 1)[1]
    assert "Result := ExpandConstant('{commonappdata}\\Kabar')" in code
    assert "Result := ExpandConstant('{app}')" in code
    # {commonappdata} is CSIDL_COMMON_APPDATA, which platformdirs' site_config_dir uses:
    monkeypatch.setenv("PROGRAMDATA", r"C:\ProgramData")
    monkeypatch.setenv("ALLUSERSPROFILE", r"C:\ProgramData")
    monkeypatch.setattr(windows, "get_win_folder", windows.get_win_folder_from_env_vars)
    found = windows.Windows(appname="Kabar", appauthor=False).site_config_dir
    assert found.replace("/", "\\") == r"C:\ProgramData\Kabar"
    # ... and a per-user install's folder is the executable's, searched second (frozen)
    files = " ".join(sections(iss_text())["Files"])
    assert 'DestDir: "{app}"' in files and "site.toml.in" in files and "dontcopy" in files


def test_the_parameters_are_read_and_checked_before_installing() -> None:
    code = iss_text().split("[Code]", 1)[1]
    init = code[code.index("function InitializeSetup") : code.index("function SiteDir")]
    for name in ("SERVERURL", "FACILITY", "PROXY", "LOCKED", "CAFILE"):
        assert f"Param('{name}')" in init
    assert "Log('Kabar: ' + Text)" in code and "SuppressibleMsgBox" in code
    assert "function GetCustomSetupExitCode" in code


def test_the_version_comes_from_the_project() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, str(WINDOWS / "appversion.py")], capture_output=True, text=True, check=True
    ).stdout.strip()
    with (WINDOWS.parents[1] / "pyproject.toml").open("rb") as f:
        assert out == tomllib.load(f)["project"]["version"]
