"""Occupations' plain words (issue 11.4): a plain description, entry requirements, a typical NHS pay band
and their source, imported from data/occupation_descriptions.csv; and the occupation search by the
beginnings of words ("nurse" finds "Nursing associates"), one FilterSet for the page and the API."""

import csv

import pytest
from django.test import Client
from django.urls import reverse

from core.errors import ApplicationError
from core.filtersets import search_stems
from core.importing import DATA_DIR
from pathways.filtersets import OccupationFilterSet
from pathways.models import Occupation
from pathways.services import OCCUPATION_DESCRIPTION_COLUMNS, occupation_descriptions_import
from tests.factories import OccupationFactory
from tests.shared import write_csv

pytestmark = pytest.mark.django_db


def write(path, rows):
    return write_csv(path, OCCUPATION_DESCRIPTION_COLUMNS, rows)


@pytest.fixture
def occupations(db):
    return {
        "associate": OccupationFactory(code="health-associate-professionals", soc_code="3219",
                                       name="Nursing associates and assistant practitioners"),
        "hcsw": OccupationFactory(code="healthcare-support-workers", name="Healthcare support workers",
                                  soc_code="6131"),
        "paramedic": OccupationFactory(code="paramedics", name="Paramedics", soc_code="2255"),
        "carer": OccupationFactory(code="care-workers", name="Care workers and home carers", soc_code="6135",
                                   plain_description="Helps people who need support with daily life."),
    }


def test_plain_words_are_imported_for_the_occupations_named(occupations, tmp_path):
    # given
    path = write(tmp_path / "words.csv", [
        ["paramedics", "Responds to 999 calls.", "A paramedic science degree.", "Band 5", "NHS Employers"],
    ])
    # when
    result = occupation_descriptions_import(path=path)
    # then
    paramedic = Occupation.objects.get(code="paramedics")
    assert (paramedic.plain_description, paramedic.entry_requirements, paramedic.pay_band, paramedic.source) == (
        "Responds to 999 calls.", "A paramedic science degree.", "Band 5", "NHS Employers")
    assert (paramedic.name, paramedic.soc_code) == ("Paramedics", "2255")  # nothing else changes
    assert (result.added, result.changed) == (0, 1)


def test_re_importing_plain_words_changes_nothing(occupations, tmp_path):
    path = write(tmp_path / "words.csv", [["paramedics", "Responds to 999 calls.", "", "Band 5", "NHS Employers"]])
    occupation_descriptions_import(path=path)
    again = occupation_descriptions_import(path=path)
    assert (again.added, again.changed, again.unchanged) == (0, 0, 1)


def test_an_unknown_occupation_is_refused_with_its_line_and_nothing_is_written(occupations, tmp_path):
    path = write(tmp_path / "words.csv", [
        ["paramedics", "Responds to 999 calls.", "", "", ""],
        ["astronauts", "Goes to space.", "", "", ""],
    ])
    with pytest.raises(ApplicationError) as refused:
        occupation_descriptions_import(path=path)
    assert "line 3: code: unknown occupation 'astronauts'" in refused.value.message
    assert Occupation.objects.get(code="paramedics").plain_description == ""


def test_a_pay_band_without_its_source_is_refused(occupations, tmp_path):
    path = write(tmp_path / "words.csv", [["paramedics", "", "", "Band 5", ""]])
    with pytest.raises(ApplicationError) as refused:
        occupation_descriptions_import(path=path)
    assert "line 2: source: is blank" in refused.value.message


def test_the_shipped_plain_words_cover_every_shipped_occupation_and_name_a_source_for_each_pay_band():
    with open(DATA_DIR / "occupation_descriptions.csv", newline="") as handle:
        words = list(csv.DictReader(handle))
    with open(DATA_DIR / "occupations.csv", newline="") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    assert {row["code"] for row in words} == codes
    assert all(row["plain_description"] and row["source"] for row in words)
    assert all(row["pay_band"].startswith("Band ") for row in words if row["pay_band"])


def search(q):
    return sorted(o.code for o in OccupationFilterSet({"q": q}, queryset=Occupation.objects.all()).qs)


def test_nurse_finds_nursing_associates_by_the_beginning_of_a_word(occupations):
    assert search("nurse") == ["health-associate-professionals"]
    assert search("Nursing") == ["health-associate-professionals"]


def test_search_matches_the_beginnings_of_words_not_their_middles(occupations):
    # "care" begins "Care workers" but only ends "Healthcare"
    assert search("care") == ["care-workers"]
    assert search("para") == ["paramedics"]


def test_search_finds_words_of_the_plain_description(occupations):
    assert search("daily") == ["care-workers"]


def test_every_word_of_a_search_must_be_found(occupations):
    assert search("care paramedic") == []
    assert search("support workers") == ["care-workers", "healthcare-support-workers"]
    # a word may be found in the name and another in the plain description
    assert search("care support") == ["care-workers"]


def test_a_soc_code_or_slug_is_still_found(occupations):
    assert search("6131") == ["healthcare-support-workers"]
    assert search("paramedics") == ["paramedics"]


def test_search_words_are_reduced_to_stems_that_find_each_others_forms():
    assert search_stems("Nurse nurses NURSING") == ["nurs"]
    assert search_stems("care, physio!") == ["care", "physio"]
    assert search_stems("'; drop table --") == ["drop", "tabl"]


def test_the_page_and_the_api_find_the_same_occupations(occupations, client_for, staff_user):
    # when
    page = Client().get(reverse("planning:pathway_list"), {"q": "nurse"})
    api = client_for(staff_user).get("/api/v1/occupations/", {"q": "nurse"})
    # then
    assert [o.code for o in page.context["occupations"]] == ["health-associate-professionals"]
    assert [row["code"] for row in api.json()["results"]] == ["health-associate-professionals"]
