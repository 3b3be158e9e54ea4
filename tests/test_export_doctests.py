"""The Examples sections of the export modules run, so they cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import heritage_mapper.export

MODULES = sorted(
    f"heritage_mapper.export.{info.name}"
    for info in pkgutil.iter_modules(heritage_mapper.export.__path__)
)


@pytest.mark.parametrize("name", ["heritage_mapper.export", *MODULES])
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) failed in {name}"
