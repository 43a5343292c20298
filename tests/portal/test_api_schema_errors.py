"""The published schema declares every error status an operation can answer, with its body
(core/openapi.py), so that a client generated from it handles errors."""

import pytest
from drf_spectacular.generators import SchemaGenerator

WRITE = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_declares_400_401_and_429_with_a_json_body(schema):
    for path, method, operation in _operations(schema):
        for status in ("400", "401", "429"):
            response = operation["responses"].get(status)
            assert response is not None, f"{method} {path} does not declare {status}"
            assert "application/json" in response["content"], f"{method} {path} {status} has no body"


def test_writes_declare_403_and_bodies_declare_413_and_415(schema):
    for path, method, operation in _operations(schema):
        if method in WRITE and path != "/api/v1/auth/token/":
            assert "403" in operation["responses"], f"{method} {path}"
        if "requestBody" in operation:
            assert {"413", "415"} <= set(operation["responses"]), f"{method} {path}"


def test_operations_on_one_object_declare_404_and_deletes_409(schema):
    for path, method, operation in _operations(schema):
        if "{" in path:
            assert "404" in operation["responses"], f"{method} {path}"
        if method == "delete":
            assert "409" in operation["responses"], f"{method} {path}"


def test_error_bodies_are_components_with_detail(schema):
    components = schema["components"]["schemas"]
    assert components["ErrorDetail"]["required"] == ["detail"]
    assert "non_field_errors" in components["ValidationError"]["properties"]


def test_a_views_own_error_declaration_is_kept(schema):
    bulk_400 = schema["paths"]["/api/v1/course-offers/bulk/"]["post"]["responses"]["400"]
    assert bulk_400["content"]["application/json"]["schema"]["$ref"].endswith("/BulkError")


def test_query_parameters_say_an_empty_value_means_not_given(schema):
    parameters = schema["paths"]["/api/v1/course-offers/"]["get"]["parameters"]
    assert all(p.get("allowEmptyValue") for p in parameters if p["in"] == "query")
