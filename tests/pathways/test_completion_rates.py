"""Default completion rates (DESIGN.md 6.2): the API resource, its page and the methodology page."""

from decimal import Decimal

import pytest
from django.test import Client

from pathways.models import CompletionRate
from pathways.vocabulary import DEFAULT_COMPLETION_RATES, QualificationType
from tests.factories import UserFactory

PATH = "/api/v1/completion-rates/"


@pytest.fixture(autouse=True)
def seeded_rates(request):
    """The rates as the migrations seed them. A transactional test elsewhere in the run empties every table
    when it ends, migration-seeded rows too, so they are put back here whatever ran before."""
    if "db" not in request.fixturenames:
        return
    request.getfixturevalue("db")
    import importlib

    from django.apps import apps

    if not CompletionRate.objects.exists():
        importlib.import_module("pathways.migrations.0009_ranges_filled").seed_completion_rates(apps, None)
        importlib.import_module("pathways.migrations.0011_completion_and_ranges_data").ranges_fill(apps, None)


@pytest.fixture
def apprenticeship_rate(db):
    rate, _ = CompletionRate.objects.update_or_create(  # seeded by the migrations: set as the tests need it
        qualification_type="apprenticeship",
        defaults={"rate": Decimal("0.55"), "rate_low": Decimal("0.50"), "rate_high": Decimal("0.60"),
                  "basis": "Achievement rates of health apprenticeships"},
    )
    return rate


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- API: reading --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "coordinator", "ics", "college"])
def test_every_signed_in_role_reads_the_rates_with_their_ranges(role, request, client_for, apprenticeship_rate):
    user = request.getfixturevalue(f"{role}_user")

    response = client_for(user).get(f"{PATH}apprenticeship/")

    assert response.status_code == 200
    assert response.json() == {
        "qualification_type": "apprenticeship", "label": "Apprenticeship", "rate": "0.5500", "rate_low": "0.5000",
        "rate_high": "0.6000", "basis": "Achievement rates of health apprenticeships",
    }


def test_anonymous_reading_is_refused_with_401(db, api_client):
    assert api_client.get(PATH).status_code == 401


def test_the_list_holds_every_seeded_type(client_for, staff_user):
    body = client_for(staff_user).get(PATH, {"page_size": 50}).json()

    assert sorted(row["qualification_type"] for row in body["results"]) == sorted(DEFAULT_COMPLETION_RATES)


def test_the_list_filters_by_qualification_type(client_for, staff_user):
    body = client_for(staff_user).get(PATH, {"qualification_type": "t_level"}).json()

    assert [row["qualification_type"] for row in body["results"]] == ["t_level"]


def test_an_unknown_type_answers_404(client_for, staff_user):
    assert client_for(staff_user).get(f"{PATH}no_such_type/").status_code == 404


def test_the_list_makes_a_bounded_number_of_queries(client_for, staff_user, django_assert_max_num_queries):
    client = client_for(staff_user)
    with django_assert_max_num_queries(4):
        assert client.get(PATH).status_code == 200


# --- API: writing, both sides of the boundary -----------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "ics", "college"])
def test_non_staff_cannot_change_a_rate_and_nothing_changes(role, request, client_for, apprenticeship_rate):
    user = request.getfixturevalue(f"{role}_user")
    client = client_for(user)

    responses = [
        client.patch(f"{PATH}apprenticeship/", {"rate": "0.90"}, format="json"),
        client.put(f"{PATH}apprenticeship/", {"qualification_type": "apprenticeship", "rate": "0.90"}, format="json"),
        client.delete(f"{PATH}apprenticeship/"),
        client.post(PATH, {"qualification_type": "apprenticeship", "rate": "0.90"}, format="json"),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    apprenticeship_rate.refresh_from_db()
    assert (apprenticeship_rate.rate, apprenticeship_rate.rate_low, apprenticeship_rate.rate_high) == (
        Decimal("0.55"), Decimal("0.50"), Decimal("0.60")
    )


def test_staff_change_a_range_and_the_history_names_them(client_for, staff_user, apprenticeship_rate):
    response = client_for(staff_user).patch(
        f"{PATH}apprenticeship/", {"rate_low": "0.45", "rate_high": "0.65"}, format="json"
    )

    assert response.status_code == 200, response.json()
    apprenticeship_rate.refresh_from_db()
    assert (apprenticeship_rate.rate_low, apprenticeship_rate.rate_high) == (Decimal("0.45"), Decimal("0.65"))
    latest = apprenticeship_rate.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.rate_low) == (staff_user, Decimal("0.45"))


def test_a_no_op_patch_writes_no_history_entry(client_for, staff_user, apprenticeship_rate):
    before = apprenticeship_rate.history.count()

    response = client_for(staff_user).patch(f"{PATH}apprenticeship/", {"rate_low": "0.50"}, format="json")

    assert response.status_code == 200
    assert apprenticeship_rate.history.count() == before


def test_staff_create_a_rate_whose_range_defaults_to_the_central_rate(client_for, staff_user):
    CompletionRate.objects.filter(qualification_type="other").delete()

    response = client_for(staff_user).post(PATH, {"qualification_type": "other", "rate": "0.65"}, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["rate_low"], response.json()["rate_high"]) == ("0.6500", "0.6500")
    assert CompletionRate.objects.get(qualification_type="other").history.get().history_user == staff_user


def test_staff_delete_a_rate(client_for, staff_user):
    response = client_for(staff_user).delete(f"{PATH}short_course/")

    assert response.status_code == 204
    assert not CompletionRate.objects.filter(qualification_type="short_course").exists()


def test_a_second_rate_for_a_type_is_refused_naming_the_type(client_for, staff_user):
    response = client_for(staff_user).post(PATH, {"qualification_type": "t_level", "rate": "0.70"}, format="json")

    assert response.status_code == 400
    assert "qualification_type" in response.json()


# --- API: validation ------------------------------------------------------------------------


def test_a_low_value_above_the_central_rate_is_refused_naming_rate_low(client_for, staff_user, apprenticeship_rate):
    response = client_for(staff_user).patch(f"{PATH}apprenticeship/", {"rate_low": "0.70"}, format="json")

    assert response.status_code == 400
    assert response.json()["rate_low"] == ["The low value must not be above the central rate (0.5500)."]
    apprenticeship_rate.refresh_from_db()
    assert apprenticeship_rate.rate_low == Decimal("0.50")


def test_a_high_value_below_the_central_rate_is_refused_naming_rate_high(client_for, staff_user,
                                                                          apprenticeship_rate):
    response = client_for(staff_user).put(
        f"{PATH}apprenticeship/",
        {"qualification_type": "apprenticeship", "rate": "0.55", "rate_low": "0.50", "rate_high": "0.40"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"rate_high"}
    assert "must not be below the central rate" in response.json()["rate_high"][0]
    apprenticeship_rate.refresh_from_db()
    assert apprenticeship_rate.rate_high == Decimal("0.60")


def test_a_central_rate_moved_outside_the_stored_range_is_refused(client_for, staff_user, apprenticeship_rate):
    # a PATCH of the central rate alone resets its range to it (DESIGN.md section 5); with the ends given it is checked
    response = client_for(staff_user).patch(
        f"{PATH}apprenticeship/", {"rate": "0.70", "rate_low": "0.50", "rate_high": "0.60"}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"rate_high"}


@pytest.mark.parametrize("field", ["rate", "rate_low", "rate_high"])
def test_a_rate_above_one_is_refused_naming_the_field(field, client_for, staff_user, apprenticeship_rate):
    response = client_for(staff_user).patch(f"{PATH}apprenticeship/", {field: "1.5"}, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_qualification_type_is_refused_naming_the_field(client_for, staff_user):
    response = client_for(staff_user).post(PATH, {"qualification_type": "degree", "rate": "0.70"}, format="json")

    assert response.status_code == 400
    assert "qualification_type" in response.json()


def test_the_model_check_names_the_field_out_of_order(db):
    from django.core.exceptions import ValidationError

    rate = CompletionRate(qualification_type="other", rate=Decimal("0.70"), rate_low=Decimal("0.80"),
                          rate_high=Decimal("0.90"))

    with pytest.raises(ValidationError) as error:
        rate.clean()

    assert set(error.value.message_dict) == {"rate_low"}


# --- pages ----------------------------------------------------------------------------------


def test_the_completion_rates_page_lists_each_rate_with_its_range(apprenticeship_rate, django_assert_max_num_queries):
    client = _signed_in(UserFactory(coordinator=True, username="reader"))

    with django_assert_max_num_queries(8):
        response = client.get("/methodology/completion-rates/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Achievement rates of health apprenticeships" in text
    assert ">50%<" in text and ">55%<" in text and ">60%<" in text
    assert "/admin/pathways/completionrate/" not in text  # no edit links for a non-staff user
    assert text.count("<h1") == 1


def test_staff_see_a_change_link_for_each_rate_on_the_page(apprenticeship_rate):
    client = _signed_in(UserFactory(staff=True, username="editor"))

    text = client.get("/methodology/completion-rates/").content.decode()

    assert f"/admin/pathways/completionrate/{apprenticeship_rate.pk}/change/" in text


def test_the_completion_rates_page_asks_anonymous_visitors_to_sign_in(db):
    response = Client().get("/methodology/completion-rates/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_methodology_page_reads_the_rates_from_the_table(db):
    CompletionRate.objects.filter(qualification_type="t_level").update(
        rate=Decimal("0.62"), rate_low=Decimal("0.41"), rate_high=Decimal("0.73")
    )

    text = Client().get("/methodology/").content.decode()

    assert "62%" in text and "41% to 73%" in text
    assert DEFAULT_COMPLETION_RATES[QualificationType.T_LEVEL] == Decimal("0.80")  # the constant is not read


def test_the_methodology_page_falls_back_to_the_seed_values_only_when_the_table_is_empty(db):
    CompletionRate.objects.all().delete()

    text = Client().get("/methodology/").content.decode()

    assert "55% to 55%" in text  # the apprenticeship seed value, its range equal to it
    assert "Short course" in text


def test_the_empty_table_is_explained_on_the_completion_rates_page(db):
    CompletionRate.objects.all().delete()
    client = _signed_in(UserFactory(staff=True, username="editor"))

    text = client.get("/methodology/completion-rates/").content.decode()

    assert "No completion rates are stored yet" in text
    assert "/admin/pathways/completionrate/add/?qualification_type=t_level" in text


def test_the_methodology_page_links_signed_in_users_to_the_completion_rates_page(db):
    client = _signed_in(UserFactory(ics_analyst=True, username="analyst2"))

    assert 'href="/methodology/completion-rates/"' in client.get("/methodology/").content.decode()


# --- admin ----------------------------------------------------------------------------------


def test_the_admin_refuses_a_range_out_of_order_naming_the_field(apprenticeship_rate):
    client = _signed_in(UserFactory(staff=True, is_superuser=True, username="admin"))

    response = client.post(f"/admin/pathways/completionrate/{apprenticeship_rate.pk}/change/", {
        "qualification_type": "apprenticeship", "rate": "0.55", "rate_low": "0.50", "rate_high": "0.52", "basis": "",
    })

    assert response.status_code == 200  # the form again, with the error
    assert "The high value must not be below the central rate" in response.content.decode()
    apprenticeship_rate.refresh_from_db()
    assert apprenticeship_rate.rate_high == Decimal("0.60")


# --- the seeded ranges (migration 0011) -----------------------------------------------------


def test_the_seeded_rates_carry_their_documented_ranges(db):
    seeded = {
        rate.qualification_type: (rate.rate_low, rate.rate, rate.rate_high) for rate in CompletionRate.objects.all()
    }

    assert seeded["apprenticeship"] == (Decimal("0.45"), Decimal("0.55"), Decimal("0.65"))
    assert seeded["short_course"] == (Decimal("0.80"), Decimal("0.90"), Decimal("1.00"))
    assert sorted(seeded) == sorted(DEFAULT_COMPLETION_RATES)
    assert all(rate.basis.startswith("Indicative planning assumption") for rate in CompletionRate.objects.all())


def test_the_range_migration_leaves_a_rate_staff_changed_as_it_is(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("pathways.migrations.0011_completion_and_ranges_data")
    CompletionRate.objects.filter(qualification_type="t_level").update(
        rate=Decimal("0.80"), rate_low=Decimal("0.80"), rate_high=Decimal("0.80"), basis=""
    )  # as 0009 seeded it
    CompletionRate.objects.filter(qualification_type="diploma").update(
        rate=Decimal("0.82"), rate_low=Decimal("0.82"), rate_high=Decimal("0.82"), basis=""
    )  # changed by staff

    migration.ranges_fill(apps, None)

    t_level = CompletionRate.objects.get(qualification_type="t_level")
    diploma = CompletionRate.objects.get(qualification_type="diploma")
    assert (t_level.rate_low, t_level.rate_high) == (Decimal("0.70"), Decimal("0.90"))
    assert (diploma.rate_low, diploma.rate_high) == (Decimal("0.82"), Decimal("0.82"))
