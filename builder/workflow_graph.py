"""The workflow graph as one typed value, made once where a document enters and read by everything inward.

:meth:`WorkflowGraph.from_json` reads a document with :func:`builder.graph.read_graph` (raising
InvalidWorkflow as it does) and keeps the normal form in tuples; :meth:`WorkflowGraph.to_json` gives the
normal-form dict back (what is stored and what the API returns). What walking and checking ask for (nodes by
id, targets by port, the trigger, the networkx view) is built on first use and kept.

Nodes stay the normal-form dicts that executors and checks read; treat them as read-only, since a published
version's graph is shared by every run of it (engine/specs.py).

>>> graph = WorkflowGraph.from_json({"nodes": [{"id": "a", "kind": "trigger", "type": "manual"},
...                                            {"id": "b", "kind": "action", "type": "update_record"}],
...                                  "edges": [{"source": "a", "target": "b"}]})
>>> graph.targets("a", "next"), graph.trigger["id"], graph.edges[0]
(['b'], 'a', Edge(id='a-next-b', source='a', target='b', port='next'))
"""
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from builder.graph import copy_json, read_graph, to_networkx


@dataclass(frozen=True)
class Edge:
    id: str
    source: str
    target: str
    port: str


@dataclass(frozen=True)
class WorkflowGraph:
    nodes: tuple[dict, ...]
    edges: tuple[Edge, ...]
    notes: tuple[dict, ...]

    @classmethod
    def from_json(cls, doc) -> "WorkflowGraph":
        """The graph of a document in any shape (a WorkflowGraph is returned as it is); raises InvalidWorkflow."""
        if isinstance(doc, WorkflowGraph):
            return doc
        normal = read_graph(doc)
        return cls(tuple(normal["nodes"]), tuple(Edge(**edge) for edge in normal["edges"]), tuple(normal["notes"]))

    def to_json(self) -> dict:
        """The normal-form dict (a copy: the caller may change it)."""
        return copy_json(self._shared_json())

    def _shared_json(self) -> dict:
        """The normal form sharing this graph's nodes and notes, for readers that copy what they keep."""
        return {"nodes": list(self.nodes),
                "edges": [{"id": e.id, "source": e.source, "target": e.target, "port": e.port} for e in self.edges],
                "notes": list(self.notes)}

    @cached_property
    def _by_id(self) -> dict:
        return {node["id"]: node for node in self.nodes}

    @cached_property
    def _targets(self) -> dict:
        targets = {}
        for edge in self.edges:
            targets.setdefault((edge.source, edge.port), []).append(edge.target)
        return targets

    @cached_property
    def trigger(self) -> dict | None:
        """The first trigger node, or None."""
        return next((node for node in self.nodes if node["kind"] == "trigger"), None)

    @cached_property
    def network(self) -> nx.MultiDiGraph:
        """The networkx view (:func:`builder.graph.to_networkx`); do not change it."""
        return to_networkx(self._shared_json())

    def node(self, node_id: str) -> dict:
        """The node dict; raises KeyError for an unknown id."""
        return self._by_id[node_id]

    def targets(self, node_id: str, port: str) -> list:
        """The ids of the nodes wired to `port` of `node_id`, in edge order."""
        return list(self._targets.get((node_id, port), ()))
