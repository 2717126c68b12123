"""Graphviz dot as the reference layout: the same graph, the same box size, the same gaps.

Boxes are ``NODE_W`` x ``NODE_H`` at 72 dpi and dot's rank and node separations are set to our layer
and node gaps, so only the layout algorithm differs. Ports are not constraints for dot: each node's
edges are written in port order, which dot takes as a hint for its first order and is then free to
change.
"""
import functools
import json
import shutil
import subprocess

from builder.catalog import ports_of
from builder.graph import read_graph
from builder.layout import LAYER_GAP, NODE_GAP, NODE_H, NODE_W

DPI = 72


def dot_available() -> bool:
    return shutil.which("dot") is not None


@functools.cache
def dot_version() -> str:
    """Like ``2.43.0``."""
    banner = subprocess.run(["dot", "-V"], capture_output=True, text=True, check=True).stderr
    return banner.split("version", 1)[-1].split()[0]


def dot_layout(graph: dict) -> dict:
    """`graph` with the positions dot gives it (top-left corners, like :func:`builder.layout.arrange`)."""
    graph = read_graph(graph)
    result = subprocess.run(["dot", "-Tjson"], input=to_dot(graph), capture_output=True, text=True, check=True)
    centers = {item["name"]: tuple(map(float, item["pos"].split(",")))
               for item in json.loads(result.stdout).get("objects", [])}
    # dot's y grows upwards; flipping it changes no crossing but keeps the trigger on top.
    return {**graph, "nodes": [{**node, "position": {"x": centers[node["id"]][0] - NODE_W / 2,
                                                      "y": -centers[node["id"]][1] - NODE_H / 2}}
                               for node in graph["nodes"]]}


def to_dot(graph: dict) -> str:
    """The DOT text of a normal-form graph: nodes in document order, each node's edges in port order."""
    lines = ["digraph workflow {", "  rankdir=TB;",
             f"  ranksep={LAYER_GAP / DPI:.4f}; nodesep={NODE_GAP / DPI:.4f};",
             f"  node [shape=box, fixedsize=true, width={NODE_W / DPI:.4f}, height={NODE_H / DPI:.4f}];"]
    lines += [f"  {json.dumps(node['id'])};" for node in graph["nodes"]]
    place = {node["id"]: index for index, node in enumerate(graph["nodes"])}
    ports = {node["id"]: ports_of(node) for node in graph["nodes"]}

    def port_order(edge):
        source_ports = ports[edge["source"]]
        return place[edge["source"]], source_ports.index(edge["port"]) if edge["port"] in source_ports else 99

    edges = sorted(graph["edges"], key=port_order)
    lines += [f"  {json.dumps(edge['source'])} -> {json.dumps(edge['target'])};" for edge in edges]
    return "\n".join(lines + ["}"]) + "\n"
