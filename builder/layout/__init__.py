"""Auto-arrange: a layered (Sugiyama-style) top-down layout, and a crossing count to judge layouts.

1. Layers (:mod:`.layering`): loops broken at their way back, layers by longest path from the trigger,
   a dummy node wherever an edge passes a layer.
2. Order (:mod:`.ordering`): crossing reduction within the layers, children kept in port order.
3. Coordinates (:mod:`.placement`): each layer as close to its neighbours as the box widths allow.

Edges are judged as the straight lines between node centers (:func:`count_crossings`).
Positions are the top-left corners of ``NODE_W`` x ``NODE_H`` boxes, with the layout's origin at 0,0.
"""
from builder.graph import read_graph
from builder.layout.geometry import LAYER_GAP, NODE_GAP, NODE_H, NODE_W, count_crossings
from builder.layout.layering import layered_graph
from builder.layout.ordering import reduce_crossings
from builder.layout.placement import place

__all__ = ["LAYER_GAP", "NODE_GAP", "NODE_H", "NODE_W", "arrange", "count_crossings"]
NOTE_GAP = 24


def arrange(graph: dict) -> dict:
    """Return `graph` (read with :func:`builder.graph.read_graph`) with new node and note positions.

    The same input always gives the same output; nothing but positions changes.
    """
    graph = read_graph(graph)
    ids = [node["id"] for node in graph["nodes"]]
    layered = layered_graph(graph)
    centers = place(layered, reduce_crossings(layered, layered.layers))
    left = min((centers[v] for v in ids), default=NODE_W / 2) - NODE_W / 2
    positions = {v: {"x": round(centers[v] - left - NODE_W / 2), "y": layered.layer_of[v] * (NODE_H + LAYER_GAP)}
                 for v in ids}
    nodes = [{**node, "position": positions[node["id"]]} for node in graph["nodes"]]
    right = max((p["x"] + NODE_W for p in positions.values()), default=0)
    return {"nodes": nodes, "edges": graph["edges"], "notes": _stack_notes(graph["notes"], right + 2 * NODE_GAP)}


def _stack_notes(notes, left) -> list:
    """Sticky notes in a column right of the diagram, in their previous top-to-bottom order."""
    placed, top = [], 0
    for note in sorted(notes, key=lambda n: (n["position"]["y"], n["position"]["x"], n["id"])):
        placed.append({**note, "position": {"x": left, "y": top}})
        top += note["size"]["h"] + NOTE_GAP
    order = {note["id"]: index for index, note in enumerate(notes)}
    return sorted(placed, key=lambda n: order[n["id"]])
