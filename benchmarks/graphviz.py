"""Graphviz ``dot`` as the reference layout: the same graph, the same box size, the same gaps.

Boxes are ``NODE_W`` x ``NODE_H`` at 72 dpi and dot's rank and node separations are set to our layer
and node gaps, so only the layout algorithm differs. Ports are not constraints for dot: edges are
written in port order, which dot uses as a hint for its first ordering and is then free to change.
"""
import json
import shutil
import subprocess

from builder.catalog import ports_of
from builder.graph import read_graph
from builder.layout import LAYER_GAP, NODE_GAP, NODE_H, NODE_W

DPI = 72


def dot_available() -> bool:
    return shutil.which("dot") is not None


def dot_layout(graph: dict) -> dict:
    """`graph` with the positions dot gives it (top-left corners, like :func:`builder.layout.arrange`)."""
    graph = read_graph(graph)
    result = subprocess.run(["dot", "-Tjson"], input=to_dot(graph), capture_output=True, text=True, check=True)
    centers = {item["name"]: tuple(map(float, item["pos"].split(",")))
               for item in json.loads(result.stdout).get("objects", [])}
    return {**graph, "nodes": [{**node, "position": {"x": centers[node["id"]][0] - NODE_W / 2,
                                                      "y": -centers[node["id"]][1] - NODE_H / 2}}
                               for node in graph["nodes"]]}


def to_dot(graph: dict) -> str:
    """The DOT text of a normal-form graph: nodes in document order, each node's edges in port order."""
    lines = ["digraph workflow {", "  rankdir=TB;",
             f"  ranksep={LAYER_GAP / DPI:.4f}; nodesep={NODE_GAP / DPI:.4f};",
             f"  node [shape=box, fixedsize=true, width={NODE_W / DPI:.4f}, height={NODE_H / DPI:.4f}];"]
    lines += [f"  {json.dumps(node['id'])};" for node in graph["nodes"]]
    nodes = {node["id"]: node for node in graph["nodes"]}
    port_rank = {}
    for node in graph["nodes"]:
        port_rank.update(((node["id"], port), rank) for rank, port in enumerate(ports_of(node)))
    edges = sorted(graph["edges"], key=lambda e: (list(nodes).index(e["source"]),
                                                  port_rank.get((e["source"], e["port"]), len(port_rank))))
    lines += [f"  {json.dumps(e['source'])} -> {json.dumps(e['target'])};" for e in edges]
    return "\n".join(lines + ["}"]) + "\n"
