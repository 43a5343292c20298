"""Council areas (local authority districts) placed in the board that holds most of their LSOAs today,
imported from the shipped lookup by load_reference_data; a re-run changes nothing.

A split district worked out by hand from data/lad_sub_icb_lsoa_counts.csv: Westmorland and Furness
(E06000064) has 142 LSOAs (2021): 106 in sub-ICB location 01K (Lancashire and South Cumbria, QE1, which
carries on in 2026) and 36 in 01H (North East and North Cumbria, QHM): 106 / 142 = 0.746479 in QE1.
Hart (E07000089), of Frimley (QNQ, split), has 45 LSOAs in D4U1Y, which is in no 2026 board, so the
written assumption (board_split_assumptions.csv) puts them in S9B9J; its other 14 lie in D9Y0V (Hampshire
and Isle of Wight, QRL): 45 / 59 = 0.762712 in S9B9J.
"""

import csv
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from core.errors import ApplicationError
from core.importing import DATA_DIR
from tests.factories import BoardSuccessionFactory, IntegratedCareSystemFactory
from tests.shared import write_csv as write
from trusts.models import CouncilArea
from trusts.services import council_areas_import

pytestmark = pytest.mark.django_db

LSOA_HEADER = ["lad24_code", "lad24_name", "sicbl24_ods_code", "icb_ods_code", "lsoa21_count"]
SUB_ICB_HEADER = ["sub_icb_ods_code", "icb_ods_code_dec2025", "icb_ods_code_apr2026"]
ASSUMPTION_HEADER = ["old_icb_ods_code", "lad24_code", "new_icb_ods_code", "assumption"]


@pytest.fixture
def files(tmp_path):
    """A split district (7 LSOAs in one board, 3 in another), a whole one, and one of a closed board
    whose sub-ICB location is in no later board, placed by a written assumption."""
    return {
        "lsoa_path": write(tmp_path / "lsoa.csv", LSOA_HEADER, [
            ["E06000064", "Westmorland and Furness", "01K", "QE1", "7"],
            ["E06000064", "Westmorland and Furness", "16C", "QHM", "3"],
            ["E06000001", "Hartlepool", "16C", "QHM", "57"],
            ["E06000036", "Bracknell Forest", "D4U1Y", "QNQ", "82"],
        ]),
        "sub_icb_path": write(tmp_path / "sub_icb.csv", SUB_ICB_HEADER, [
            ["01K", "QE1", "QE1"], ["16C", "QHM", "QHM"], ["D4U1Y", "QNQ", ""],
        ]),
        "assumptions_path": write(tmp_path / "assumptions.csv", ASSUMPTION_HEADER, [
            ["QNQ", "E06000036", "S0E4D", "East Berkshire joined Thames Valley"],
        ]),
    }


@pytest.fixture
def boards(db):
    frimley = IntegratedCareSystemFactory(code="QNQ", closed_on=dt.date(2026, 3, 31))
    thames = IntegratedCareSystemFactory(code="S0E4D", opened_on=dt.date(2026, 4, 1))
    BoardSuccessionFactory(predecessor=frimley, successor=thames, share=Decimal("0.56044"))
    BoardSuccessionFactory(predecessor=frimley, successor=IntegratedCareSystemFactory(code="S9B9J"),
                           share=Decimal("0.43956"))
    return {"QE1": IntegratedCareSystemFactory(code="QE1"), "QHM": IntegratedCareSystemFactory(code="QHM"),
            "S0E4D": thames}


def test_a_split_district_lies_in_the_board_with_most_of_its_lsoas_with_that_share(files, boards):
    # when
    council_areas_import(**files)
    # then: 7 of its 10 LSOAs are in QE1
    area = CouncilArea.objects.get(code="E06000064")
    assert (area.name, area.ics.code, area.share) == ("Westmorland and Furness", "QE1", Decimal("0.700000"))
    assert CouncilArea.objects.get(code="E06000001").share == 1


def test_a_district_whose_sub_icb_location_is_in_no_later_board_follows_the_written_assumption(files, boards):
    council_areas_import(**files)
    assert CouncilArea.objects.get(code="E06000036").ics.code == "S0E4D"


def test_a_district_of_a_board_closed_today_follows_its_successor_with_the_largest_share(files, boards, tmp_path):
    # given: no later board and no assumption for the district, so its counts stay with Frimley, closed today
    files["assumptions_path"] = write(tmp_path / "none.csv", ASSUMPTION_HEADER, [])
    # when
    council_areas_import(**files)
    # then: Frimley's successor with the larger share
    assert CouncilArea.objects.get(code="E06000036").ics.code == "S0E4D"


def test_a_board_that_is_not_stored_is_refused_with_its_line_and_nothing_is_written(files, tmp_path):
    IntegratedCareSystemFactory(code="QE1")
    with pytest.raises(ApplicationError) as refused:
        council_areas_import(**files)
    assert "line 3: icb_ods_code: 'QHM' is not a stored board" in str(refused.value.message)
    assert not CouncilArea.objects.exists()


def test_a_malformed_district_code_is_refused_naming_the_column(files, boards, tmp_path):
    files["lsoa_path"] = write(tmp_path / "bad.csv", LSOA_HEADER, [["Hartlepool", "E06000001", "16C", "QHM", "57"]])
    with pytest.raises(ApplicationError) as refused:
        council_areas_import(**files)
    assert "line 2: lad24_code: 'Hartlepool' is not a district code like E06000001" in refused.value.message
    assert not CouncilArea.objects.exists()


def test_re_importing_changes_nothing(files, boards):
    first = council_areas_import(**files)
    again = council_areas_import(**files)
    assert (first.added, again.added, again.changed, again.unchanged) == (3, 0, 0, 3)


def test_load_reference_data_places_every_district_of_england_on_todays_map():
    # when
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    call_command("load_reference_data", stdout=(again := StringIO()))
    # then: the 296 districts of April 2024, each once; the split ones as worked out by hand above
    assert "council areas: 296 added, 0 changed, 0 unchanged" in out.getvalue()
    assert "council areas: 0 added, 0 changed, 296 unchanged" in again.getvalue()
    westmorland = CouncilArea.objects.get(code="E06000064")
    assert (westmorland.ics.code, westmorland.share) == ("QE1", Decimal("0.746479"))
    hart = CouncilArea.objects.get(code="E07000089")
    assert (hart.ics.code, hart.share) == ("S9B9J", Decimal("0.762712"))
    assert not CouncilArea.objects.exclude(ics__closed_on__isnull=True).exists()
    assert CouncilArea.objects.count() == len({row["lad24_code"] for row in csv.DictReader(
        open(DATA_DIR / "lad_sub_icb_lsoa_counts.csv", newline=""))})
