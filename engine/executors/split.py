"""Random split nodes: each record goes down one branch, chosen by weight and the same every time.

The choice is a hash of (workflow id, node id, record id) read as a number from 0 to 99, so a record that
comes back takes the branch it took before, different splits divide records independently, and the
branches' shares approach their weights. A run without a record is split by its run id.
"""
import hashlib

from engine.node_executors import executes
from engine.outcomes import Advance, Fail


def bucket(workflow_id, node_id: str, key) -> int:
    """A number from 0 to 99 that depends only on its arguments.

    >>> bucket(1, "split", 7) == bucket(1, "split", 7)
    True
    >>> 0 <= bucket(2, "split", 7) < 100
    True
    """
    digest = hashlib.sha256(f"{workflow_id}:{node_id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def branch_for(branches: list, number: int) -> dict:
    """The branch whose slice of 0..99 holds `number`, the slices laid out in order by weight.

    >>> branch_for([{"name": "A", "weight": 30}, {"name": "B", "weight": 70}], 29)["name"]
    'A'
    >>> branch_for([{"name": "A", "weight": 30}, {"name": "B", "weight": 70}], 30)["name"]
    'B'
    """
    upto = 0
    for branch in branches:
        upto += branch["weight"]
        if number < upto:
            return branch
    return branches[-1]


@executes("condition", "random_split")
def execute(node, ctx):
    branches = node["config"].get("branches") or []
    if not branches:
        return Fail("this split has no branches")
    key = f"record:{ctx.record_id}" if ctx.record_id is not None else f"run:{ctx.run_id}"
    number = bucket(ctx.spec.workflow_id, node["id"], key)
    branch = branch_for(branches, number)
    return Advance(branch["name"], reason=f"branch {branch['name']} ({branch['weight']}%)",
                   output={"branch": branch["name"]})
