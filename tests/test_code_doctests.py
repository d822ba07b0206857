"""Docstrings carry runnable examples; run them all."""

import doctest
import importlib
import pkgutil

import pytest

import cskpi_xl

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(cskpi_xl.__path__, "cskpi_xl.")
    if not m.name.startswith(("cskpi_xl.xlbutton",))
)


@pytest.mark.parametrize("name", MODULES)
def test_code_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
