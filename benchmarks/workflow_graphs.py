"""Seeded random workflow-shaped graphs: what people build, only bigger and messier.

One trigger at the top. Conditions branch on ``true``/``false``; actions go on along ``next`` and
sometimes handle ``error``; human tasks branch by outcome and sometimes by ``timeout``; waits sit in
between. The graph grows the way people build: mostly by extending the branch they are on, sometimes
by going back to another open port. A few nodes join two branches, mostly the open branch nearest to
the one being extended (the two sides of a condition meeting again), sometimes any other; a few
branches loop back to an earlier step through a wait node, as a reminder loop does.

`LONG_JOINS` makes the harder shape: one long main branch, joins from any open port however far back,
and loops back to any earlier step: long edges spanning many layers both ways.

>>> graph = workflow_graph(40, seed=1)
>>> len(graph["nodes"]), graph["nodes"][0]["kind"]
(40, 'trigger')
>>> workflow_graph(40, seed=1) == graph
True
"""
import random

from builder.catalog import get_type

KIND_WEIGHTS = {"action": 45, "condition": 20, "wait": 20, "human_task": 15}
TYPES = {"action": ["send_email", "send_sms", "create_task", "update_record", "notify_user", "webhook"],
         "wait": ["delay", "until_date", "until_time"], "condition": ["condition"], "human_task": ["human_task"]}
OUTCOMES = ["approve", "reject", "escalate", "defer"]
CONTINUE_CHANCE = 0.6  # extend the branch just made rather than another open port
JOIN_CHANCE, LOOP_CHANCE = 0.08, 0.05
NEAR_JOIN_CHANCE = 0.7  # else a join takes any open port: error paths meeting in one handler, say
ERROR_CHANCE, TIMEOUT_CHANCE = 0.25, 0.5
LOOP_REACH = 6  # how many steps up the branch a loop may jump back
LONG_JOINS = {"continue_chance": 0.9, "near_join_chance": 0.0, "loop_reach": 10_000}


def workflow_graph(size: int, seed: int, continue_chance=CONTINUE_CHANCE, near_join_chance=NEAR_JOIN_CHANCE,
                   loop_reach=LOOP_REACH) -> dict:
    """A graph document of `size` nodes (at least 2), the same for the same arguments."""
    rnd = random.Random(f"{size}-{seed}")
    builder = _Builder(rnd, continue_chance, near_join_chance, loop_reach)
    builder.open(builder.add("trigger", "record_created", parent=None, object="deal"), ["next"])
    while len(builder.nodes) < size:
        source, port = builder.take_open_port()
        roll = rnd.random()
        if roll < LOOP_CHANCE and builder.open_ports and size - len(builder.nodes) > 1:
            builder.loop_back(source, port)
        elif roll < LOOP_CHANCE + JOIN_CHANCE and builder.open_ports:
            other_source, other_port = builder.take_nearby_open_port(source)
            target = builder.add_random(parent=source)
            builder.connect(source, port, target)
            builder.connect(other_source, other_port, target)
        else:
            builder.connect(source, port, builder.add_random(parent=source))
    return {"nodes": builder.nodes, "edges": builder.edges, "notes": []}


class _Builder:
    def __init__(self, rnd, continue_chance, near_join_chance, loop_reach):
        self.rnd = rnd
        self.continue_chance, self.near_join_chance, self.loop_reach = continue_chance, near_join_chance, loop_reach
        self.nodes, self.edges, self.open_ports = [], [], []
        self.parent, self.depth = {}, {}

    def add(self, kind, type_, parent, **config) -> str:
        node_id = f"n{len(self.nodes)}"
        self.nodes.append({"id": node_id, "kind": kind, "type": type_, "label": f"{type_} {len(self.nodes)}",
                           "config": {**get_type(type_, kind).defaults(), **config}, "position": {"x": 0, "y": 0}})
        self.parent[node_id] = parent
        self.depth[node_id] = 0 if parent is None else self.depth[parent] + 1
        return node_id

    def add_random(self, parent) -> str:
        kind = self.rnd.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
        type_ = self.rnd.choice(TYPES[kind])
        if kind == "human_task":
            outcomes = OUTCOMES[:self.rnd.randint(2, 3)]
            node_id = self.add(kind, type_, parent, title="Review", outcomes=outcomes)
            ports = outcomes + (["timeout"] if self.rnd.random() < TIMEOUT_CHANCE else [])
        elif kind == "condition":
            node_id = self.add(kind, type_, parent)
            ports = ["true", "false"]
        elif kind == "action":
            node_id = self.add(kind, type_, parent)
            ports = ["next"] + (["error"] if self.rnd.random() < ERROR_CHANCE else [])
        else:
            node_id = self.add(kind, type_, parent)
            ports = ["next"]
        self.open(node_id, ports)
        return node_id

    def open(self, node_id, ports) -> None:
        # Reversed, so that the first port is the one a continued branch extends.
        self.open_ports += [(node_id, port) for port in reversed(ports)]

    def take_open_port(self) -> tuple:
        index = -1 if self.rnd.random() < self.continue_chance else self.rnd.randrange(len(self.open_ports))
        return self.open_ports.pop(index)

    def take_nearby_open_port(self, node_id) -> tuple:
        """Mostly the open port whose node has the deepest common ancestor with `node_id`, else any."""
        if self.rnd.random() > self.near_join_chance:
            return self.open_ports.pop(self.rnd.randrange(len(self.open_ports)))
        index = max(range(len(self.open_ports)),
                    key=lambda i: (self._common_depth(node_id, self.open_ports[i][0]), i))
        return self.open_ports.pop(index)

    def _common_depth(self, a, b) -> int:
        while self.depth[a] > self.depth[b]:
            a = self.parent[a]
        while self.depth[b] > self.depth[a]:
            b = self.parent[b]
        while a != b:
            a, b = self.parent[a], self.parent[b]
        return self.depth[a]

    def connect(self, source, port, target) -> None:
        self.edges.append({"id": f"e{len(self.edges)}", "source": source, "target": target, "port": port})

    def loop_back(self, source, port) -> None:
        """source --port--> a new wait --next--> a node up to `loop_reach` steps above `source`."""
        wait = self.add("wait", "delay", parent=source)
        self.connect(source, port, wait)
        target = source
        for _ in range(self.rnd.randint(0, self.loop_reach - 1)):
            if self.parent[self.parent[target]] is None:
                break  # never back into the trigger
            target = self.parent[target]
        self.connect(wait, "next", target)
