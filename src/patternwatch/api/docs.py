"""A server-rendered API reference built from the OpenAPI document: no scripts, works offline.

FastAPI's Swagger UI loads its script and styles from a CDN, which a locked-down force network
cannot reach; this page shows the same contract as plain HTML.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from patternwatch.web.templating import render

router = APIRouter(include_in_schema=False)

_METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return spec.get("components", {}).get("schemas", {}).get(name, {})
    return node


def _type_of(spec: dict[str, Any], schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type_of(spec, s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type_of(spec, schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(str(v) for v in schema["enum"])
    return str(schema.get("type", "any")) + (f" ({schema['format']})" if "format" in schema else "")


def describe_operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Flatten the OpenAPI paths into rows a template can show."""
    out: list[dict[str, Any]] = []
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            op = item.get(method)
            if not op:
                continue
            params = [
                {
                    "name": p["name"],
                    "in": p["in"],
                    "required": p.get("required", False),
                    "type": _type_of(spec, p.get("schema", {})),
                    "description": p.get("description")
                    or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = None
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                schema = _resolve(spec, content.get("schema", {}))
                required = set(schema.get("required", []))
                body = [
                    {"name": name, "type": _type_of(spec, prop), "required": name in required}
                    for name, prop in schema.get("properties", {}).items()
                ]
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary") or op.get("operationId", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "body": body,
                    "responses": sorted(op.get("responses", {}).keys()),
                }
            )
    return out


@router.get("/api/docs", name="api.docs")
def api_docs(request: Request) -> Response:
    spec = request.app.openapi()
    return render(
        request,
        "api_docs.html",
        {"operations": describe_operations(spec), "version": spec.get("info", {}).get("version")},
    )
