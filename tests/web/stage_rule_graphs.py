"""Stage rules (stage_entered workflows) made and published through the API, for the board's tests."""
from tests.builder.factories import chain, node


def stage_rule(object_name="deal", pipeline="sales", stage="qualified", tag_step=True, **update):
    """Entering the stage tags the record; `update` adds fields for the update step (e.g. a field name)."""
    step = node("tag", "update_record", label="Tag it", fields=update or {}, add_tags=["hot"] if tag_step else [])
    graph = chain(node("start", "stage_entered", object=object_name, pipeline=pipeline, stage=stage), step)
    for index, placed in enumerate(graph["nodes"]):
        placed["position"] = {"x": 0, "y": 160 * index}
    return graph


def make_rule(api, name, publish=True, **kwargs) -> dict:
    made = api.post("/api/workflows", as_="editor", json={"name": name, "graph": stage_rule(**kwargs)})
    assert made.status_code == 201, made.get_json()
    if not publish:
        return made.get_json()
    published = api.post(f"/api/workflows/{made.get_json()['id']}/publish", as_="editor")
    assert published.status_code == 200, published.get_json()
    return published.get_json()
