"""Auto-arrange: a layered (Sugiyama-style) top-down layout, and a crossing count to judge layouts.

1. Layers (:mod:`.layering`): loops broken at their way back, the trigger on top, edges as short as
   sliding nodes down makes them (linear passes), a dummy node wherever an edge passes a layer.
2. Order (:mod:`.ordering`): crossing reduction within the layers, port order kept, from a breadth-first
   and a depth-first first order; crossings between two layers are counted in O(E log V) with an
   accumulator tree (:mod:`.crossings`).
3. Coordinates (:mod:`.placement`): each layer as close to its neighbours as the box widths allow.
4. Straightening (:mod:`.straightening`): nodes moved along their row where the straight edges
   between node centers, which is how a layout is judged (:func:`count_crossings`), cross less. Only
   nodes whose edges cross are tried (found gap by gap between rows, O(E log E)); a node's crossings at
   every place it may take come from the shadows other edges cast on its row, two bisections a place.

Steps 2-4 run from a few different first orders (more for small graphs, one for 500 nodes) and the
drawing with the fewest crossings wins. Steps 1-4 share one work budget and one deadline (:mod:`.budget`).
Positions are the top-left corners of ``NODE_W`` x ``NODE_H`` boxes, with the layout's origin at 0,0.
"""
from builder.errors import LayoutTooLarge
from builder.graph import read_graph
from builder.layout.budget import DEADLINE_SECONDS, Budget
from builder.layout.geometry import LAYER_GAP, NODE_GAP, NODE_H, NODE_W, count_crossings
from builder.layout.layering import layered_graph
from builder.layout.ordering import candidate_orders
from builder.layout.placement import place
from builder.layout.straightening import straighten

__all__ = ["LAYER_GAP", "NODE_GAP", "NODE_H", "NODE_W", "arrange", "arrange_within", "count_crossings", "grid"]
NOTE_GAP = 24
ROW_HEIGHT = NODE_H + LAYER_GAP
# Tries times (nodes + dummies) stays under the budget: the time of small and large graphs alike.
MAX_TRIES, TRIES_BUDGET = 16, 1200
# Nodes plus the dummies of edges passing layers; a 2,000-node workflow has about 2,700. Beyond this the
# layout alone (before any crossing reduction) would take seconds and hundreds of MB.
MAX_CELLS = 10_000


def arrange(graph: dict, seconds: float = DEADLINE_SECONDS) -> dict:
    """Return `graph` (read with :func:`builder.graph.read_graph`) with new node and note positions.

    The same input always gives the same output when it is arranged within the work budget (and `seconds`);
    nothing but positions changes. Raises LayoutTooLarge for a graph whose edges pass so many layers that
    arranging it would tie up the server.
    """
    return arrange_within(graph, seconds)[0]


def arrange_within(graph: dict, seconds: float = DEADLINE_SECONDS) -> tuple[dict, bool]:
    """:func:`arrange`, and whether it finished in time. Past `seconds` (CPU time) it returns the best layout
    so far, or :func:`grid` when the deadline passed while the layers were being made (or their work left
    them too tangled to arrange)."""
    graph = read_graph(graph)
    ids = [node["id"] for node in graph["nodes"]]
    budget = Budget(seconds)
    layered = layered_graph(graph, budget)
    cells = sum(map(len, layered.layers))
    if budget.look_at_clock() or (cells > MAX_CELLS and budget.spent):  # the layers took all the time there is
        return grid(graph), False
    if cells > MAX_CELLS:
        raise LayoutTooLarge(
            f"This workflow is too tangled to arrange automatically: its {len(graph['edges'])} connections "
            f"cross {cells - len(ids)} rows of steps in all (at most {MAX_CELLS - len(ids)} here). Arrange it "
            "by hand, or split it into smaller workflows.", {"graph": "too tangled to arrange automatically"})
    tries = max(1, min(MAX_TRIES, TRIES_BUDGET // max(1, sum(map(len, layered.layers)))))
    drawings = [straighten(layered, layers, place(layered, layers), ROW_HEIGHT, budget)
                for layers in candidate_orders(layered, tries, budget)]
    best = drawings[0] if len(drawings) == 1 else min(drawings, key=lambda drawing: drawing.crossings())
    centers = {v: best.x(v) for v in ids}
    left = min((centers[v] for v in ids), default=NODE_W / 2) - NODE_W / 2
    positions = {v: {"x": round(centers[v] - left - NODE_W / 2), "y": layered.layer_of[v] * ROW_HEIGHT}
                 for v in ids}
    nodes = [{**node, "position": positions[node["id"]]} for node in graph["nodes"]]
    right = max((p["x"] + NODE_W for p in positions.values()), default=0)
    laid = {"nodes": nodes, "edges": graph["edges"], "notes": _stack_notes(graph["notes"], right + 2 * NODE_GAP)}
    return laid, not budget.timed_out


def grid(graph: dict, columns: int = 10) -> dict:
    """`graph` with its nodes set out in rows of `columns`, in document order: a picture of any graph
    at no cost, where :func:`arrange` refuses."""
    graph = read_graph(graph)
    nodes = [{**node, "position": {"x": (i % columns) * (NODE_W + NODE_GAP), "y": (i // columns) * ROW_HEIGHT}}
             for i, node in enumerate(graph["nodes"])]
    return {**graph, "nodes": nodes}


def _stack_notes(notes, left) -> list:
    """Sticky notes in a column right of the diagram, in their previous top-to-bottom order."""
    placed, top = [], 0
    for note in sorted(notes, key=lambda n: (n["position"]["y"], n["position"]["x"], n["id"])):
        placed.append({**note, "position": {"x": left, "y": top}})
        top += note["size"]["h"] + NOTE_GAP
    order = {note["id"]: index for index, note in enumerate(notes)}
    return sorted(placed, key=lambda n: order[n["id"]])
