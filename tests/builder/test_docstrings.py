"""The examples in the builder's docstrings are tests too."""
import doctest
import importlib

import pytest

MODULES = ["business_hours", "catalog", "cron", "schemas", "durations", "graph", "objects", "search", "template_data", "template_fields", "template_limits", "templating", "validate"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(f"builder.{name}"))
    assert result.failed == 0 and result.attempted > 0
