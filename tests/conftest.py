"""Shared fixtures: the real geodata folder, copied where a test may break it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GEODATA = REPO / "geodata"
SHARED = REPO.parent / "shared"
#: Run by Debian's /usr/bin/python3 with QGIS (tests/test_qgis_project.py), never imported
#: here: the venv has no qgis module, and --doctest-modules would import it.
collect_ignore = ["qgis_probe.py"]


@pytest.fixture
def geodata_copy(tmp_path) -> Path:
    """A copy of geodata/ in tmp_path with the real source texts copied inside it.

    (A ``sources_dir`` outside the folder is not read: README "Security".)"""
    from .browser_support import copy_geodata

    return copy_geodata(GEODATA, tmp_path / "geodata")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    """Hypothesis profiles "ci" (the default) and "long" for the fuzz tests.

    Runs before Hypothesis' own hook, so ``--hypothesis-profile=long`` can load one.
    """
    from .fuzz_support import register_profiles

    register_profiles()


@pytest.fixture(scope="session")
def data():
    """The real geodata, loaded once per test session (tests must not modify it)."""
    from heritage_mapper import load_geodata

    return load_geodata(GEODATA)


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    """The small fixture folder (tests/fixtures.py), loaded once (tests must not modify it)."""
    from heritage_mapper import load_geodata

    from .fixtures import make_geodata

    return load_geodata(make_geodata(tmp_path_factory.mktemp("small")))


@pytest.fixture
def share_always(monkeypatch):
    """Share the loaded events' repeated texts whatever their number (a build does from
    100,000 rows: SHARED_MIN_ROWS)."""
    from heritage_mapper.validate import events

    monkeypatch.setattr(events, "SHARED_MIN_ROWS", 0)
