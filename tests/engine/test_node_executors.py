"""The executor registry is held to the catalog: a type without its code, or code without its type, is named."""
import pytest

from builder.node_type import NodeType, declare, withdraw
from engine import executors  # noqa: F401  (registers the shipped executors)
from engine.node_executors import check_complete, executes, missing, unregister, wakes


def test_every_shipped_node_type_has_its_code():
    assert missing() == []


@pytest.fixture
def teleport():
    node_type = NodeType(type="teleport", kind="wait", label="Teleport", icon="clock", help="Waits nowhere.")
    yield node_type
    withdraw(node_type)
    unregister("wait", "teleport")


def test_a_declared_type_without_an_executor_is_named(teleport):
    declare(teleport)
    assert missing() == ["wait 'teleport' has no executor"]
    with pytest.raises(RuntimeError, match="teleport"):
        check_complete()
    executes("wait", "teleport")(lambda node, ctx: None)
    assert missing() == []
    wakes("nowhere")(lambda config, record, now, zone: now)
    assert missing() == ["a wake time is registered for wait 'nowhere', which is not declared"]
    unregister("wait", "nowhere")


def test_code_for_an_undeclared_type_is_named(teleport):
    executes("wait", "teleport")(lambda node, ctx: None)
    assert missing() == ["an executor is registered for wait 'teleport', which is not declared"]
    with pytest.raises(ValueError, match="twice"):
        executes("wait", "teleport")(lambda node, ctx: None)
