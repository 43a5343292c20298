"""A small contract for the reference endpoints, shared the way NetBox shares APIViewTestCases.

Each reference resource (regions, ICSs, trusts, colleges, occupations, standards) is read by
every signed-in user and written by staff. A test module fills in the few things that vary
per resource in a subclass named `Test...`; this base is not collected by itself.
"""

import pytest

from core.roles import Role


class ReferenceAPIContract:
    path: str  # e.g. "/api/v1/regions/"
    key_field: str  # natural key in the API, e.g. "code"
    factory = None  # factory_boy factory making one object

    def make(self, **kwargs):
        return self.factory(**kwargs)

    def create_payload(self) -> dict:  # a valid new object for staff to POST
        raise NotImplementedError

    def filter_case(self):  # -> (query params, object expected in, object expected out)
        raise NotImplementedError

    def _key(self, obj):
        return getattr(obj, self.key_field)

    # --- reading --------------------------------------------------------------------
    def test_anonymous_request_is_refused_with_401(self, db, api_client):
        self.make()
        assert api_client.get(self.path).status_code == 401

    @pytest.mark.parametrize("role", ["staff", "coordinator", "ics", "college"])
    def test_every_signed_in_role_reads_the_list(self, role, client_for, request):
        # given
        user = request.getfixturevalue(f"{'staff' if role == 'staff' else role}_user")
        self.make()
        # when
        response = client_for(user).get(self.path)
        # then
        assert response.status_code == 200
        assert response.json()["count"] >= 1

    def test_detail_is_found_by_natural_key(self, client_for, staff_user):
        obj = self.make()
        response = client_for(staff_user).get(f"{self.path}{self._key(obj)}/")
        assert response.status_code == 200
        assert response.json()[self.key_field] == self._key(obj)

    def test_unknown_key_answers_404(self, client_for, staff_user):
        self.make()
        assert client_for(staff_user).get(f"{self.path}NOPE0/").status_code == 404

    def test_list_is_paginated_with_page_size(self, client_for, staff_user):
        # given
        for _ in range(3):
            self.make()
        # when
        body = client_for(staff_user).get(self.path, {"page_size": 2}).json()
        # then
        assert set(body) == {"count", "next", "previous", "results"}
        assert len(body["results"]) == 2
        assert body["next"] is not None

    def test_filter_by_query_parameter_selects_matching_rows(self, client_for, staff_user):
        params, included, excluded = self.filter_case()
        keys = [row[self.key_field] for row in client_for(staff_user).get(self.path, params).json()["results"]]
        assert self._key(included) in keys
        assert self._key(excluded) not in keys

    def test_list_query_count_does_not_grow_with_rows(
        self, client_for, staff_user, django_assert_max_num_queries
    ):
        # given one row, measure; then 30 more rows
        self.make()
        client = client_for(staff_user)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as one_row:
            client.get(self.path)
        for _ in range(30):
            self.make()
        # then the same bound holds for 31 rows
        with django_assert_max_num_queries(len(one_row)):
            assert client.get(self.path, {"page_size": 100}).status_code == 200

    # --- writing --------------------------------------------------------------------
    @pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ICS, Role.COLLEGE])
    def test_non_staff_cannot_create_and_nothing_changes(self, role, client_for, request):
        user = request.getfixturevalue(f"{role}_user")
        model = self.factory._meta.model
        before = model.objects.count()
        response = client_for(user).post(self.path, self.create_payload(), format="json")
        assert response.status_code == 403
        assert model.objects.count() == before

    def test_staff_creates_by_natural_keys(self, client_for, staff_user):
        payload = self.create_payload()
        response = client_for(staff_user).post(self.path, payload, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()[self.key_field] == payload[self.key_field]

    def test_invalid_key_is_refused_with_400_naming_the_field(self, client_for, staff_user):
        payload = {**self.create_payload(), self.key_field: "not a valid key!"}
        response = client_for(staff_user).post(self.path, payload, format="json")
        assert response.status_code == 400
        assert self.key_field in response.json()
