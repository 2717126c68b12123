"""/api/docs: the OpenAPI document rendered as a plain page (no CDN-hosted UI to fetch)."""
from flask import render_template

from web.extensions import api
from web.pages import bp


def _ref_name(schema: dict | None) -> str | None:
    if not schema:
        return None
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array" and "$ref" in schema.get("items", {}):
        return "[" + schema["items"]["$ref"].rsplit("/", 1)[-1] + "]"
    return schema.get("type")


@bp.route("/api/docs")
def api_docs():
    spec = api.spec.to_dict()
    operations = []
    for path, methods in sorted(spec.get("paths", {}).items()):
        for method, op in methods.items():
            if method == "parameters":
                continue
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {}).get("schema")
            responses = {code: _ref_name((r.get("content") or {}).get("application/json", {}).get("schema"))
                         for code, r in op.get("responses", {}).items()}
            operations.append({"path": path, "method": method.upper(), "summary": op.get("summary", ""),
                               "tag": (op.get("tags") or [""])[0], "body": _ref_name(body),
                               "params": [p["name"] for p in op.get("parameters", []) if p.get("in") == "query"],
                               "responses": responses})
    schemas = spec.get("components", {}).get("schemas", {})
    return render_template("api_docs.html", operations=operations, schemas=schemas, info=spec.get("info", {}))
