"""A throwaway self-signed certificate for a loopback TLS server (openssl command line)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def self_signed_cert(
    folder: Path, cert: str, key: str, *, cn: str = "127.0.0.1", ip_san: bool = True
) -> tuple[Path, Path]:
    """Write ``folder/cert`` and ``folder/key`` (EC P-256, 2 days); ``ip_san`` names 127.0.0.1
    as the subject alternative name (without it no hostname check can pass: only a pin)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed")
    args = [
        openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={cn}",
    ]  # fmt: skip
    if ip_san:
        args += ["-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(args, cwd=folder, check=True, capture_output=True)
    return folder / cert, folder / key
