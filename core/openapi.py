"""The OpenAPI schema tells the whole truth: every error status an operation can answer, with
its body (DESIGN.md section 5). A drf-spectacular postprocessing hook, so that no view has to
repeat it; a view's own, more precise declaration of a status (examples, a bulk error shape)
is kept and only given the error body when it has none.

Which operation can answer what (core.api_errors, core.api_filters, the permissions and
throttles in settings):
- 400 any operation: bad query parameters (unknown names, unstorable text, bad filter values)
  or a bad body;
- 401 any operation: no credentials, or an unknown token;
- 403 writes: outside the writer's role or scope;
- 404 operations on one object (unknown key), and lists (a page past the end);
- 409 deletes: other records still refer to the object;
- 413, 415 operations with a body: too large, or not JSON;
- 429 any operation: throttled, with Retry-After.
Query parameters also say that an empty value means "not given" (allowEmptyValue).
"""

ERROR_DETAIL = "ErrorDetail"
VALIDATION_ERROR = "ValidationError"

COMPONENTS = {
    ERROR_DETAIL: {
        "type": "object",
        "description": "An error about the request as a whole.",
        "properties": {"detail": {"type": "string", "description": "What went wrong, in plain words."}},
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": (
            "The request is not valid and nothing was changed. Each invalid field (or query parameter) "
            "is named with its messages, like {\"start_date\": [\"...\"]}; errors of the request as a whole "
            "come under non_field_errors, and a body that is not valid JSON under detail."
        ),
        "properties": {
            "detail": {"type": "string", "description": "The body could not be read (not JSON, too deep, bad text)."},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {},
    },
}

DESCRIPTIONS = {
    "400": "Not valid: each field or query parameter named with its messages; nothing was changed.",
    "401": "Not signed in: send `Authorization: Token <key>` (or the token is unknown).",
    "403": "Outside your role or scope: nothing was changed.",
    "404": "No such object (or page), or not visible to you.",
    "409": "Other records still refer to this one: it was not deleted.",
    "413": "The request body is too large.",
    "415": "The body must be JSON (Content-Type: application/json).",
    "429": "Too many requests: wait the seconds in the Retry-After header.",
}

WRITE_METHODS = {"post", "put", "patch", "delete"}
METHODS = WRITE_METHODS | {"get", "head", "options", "trace"}
# Endpoints anyone may call (they check credentials themselves, so never answer 403).
OPEN_OPERATIONS = {"/api/v1/auth/token/"}


def _statuses(path: str, method: str, operation: dict) -> set[str]:
    statuses = {"400", "401", "429"}
    has_path_parameters = any(p.get("in") == "path" for p in operation.get("parameters", [])) or "{" in path
    if method in WRITE_METHODS and path not in OPEN_OPERATIONS:
        statuses.add("403")
    if has_path_parameters or method == "get":
        statuses.add("404")
    if method == "delete":
        statuses.add("409")
    if "requestBody" in operation:
        statuses |= {"413", "415"}
    return statuses


def _body(status: str) -> dict:
    name = VALIDATION_ERROR if status == "400" else ERROR_DETAIL
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def declare_error_responses(result, generator, request, public):
    """Postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, component in COMPONENTS.items():
        schemas.setdefault(name, component)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    # An empty query parameter is the same as leaving it out (as a list page's
                    # form sends it): every filter, ordering and page parameter says so.
                    parameter.setdefault("allowEmptyValue", True)
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(path, method, operation)):
                response = responses.setdefault(status, {"description": DESCRIPTIONS[status]})
                if not response.get("description"):
                    response["description"] = DESCRIPTIONS[status]
                if "content" not in response:
                    response["content"] = _body(status)
                if status == "429":
                    response.setdefault("headers", {})["Retry-After"] = {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before trying again.",
                    }
    return result
