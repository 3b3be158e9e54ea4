"""Debian programs some tests drive (LibreOffice, poppler-utils): skip locally when one
is missing, with the package to install; fail in CI, which installs them
(scripts/setup.sh), so a missing program never passes as a skip."""

from __future__ import annotations

import os
import shutil

import pytest


def require_program(name: str, package: str) -> str:
    """The path of the program ``name``, or skip (fail in CI) naming its Debian package."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is missing; run scripts/setup.sh (apt-get install {package})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
