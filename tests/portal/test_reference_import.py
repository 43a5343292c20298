"""The reference importers read the publishers' files, update in place, and refuse a malformed file whole."""

import csv
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from colleges.models import College
from colleges.services import colleges_import
from core.errors import ApplicationError
from core.importing import DATA_DIR
from core.text import display_name
from pathways.models import ApprenticeshipStandard, Occupation, StandardStatus
from pathways.services import (
    apprenticeship_standards_history_import,
    apprenticeship_standards_import,
    occupations_import,
)
from tests.shared import shared_data, write_csv
from trusts.models import IntegratedCareSystem, Region, Trust, TrustKind
from trusts.services import integrated_care_systems_import, regions_import, trusts_import

pytestmark = pytest.mark.django_db

MODELS = (Region, IntegratedCareSystem, Trust, College, ApprenticeshipStandard, Occupation)


def load_shipped_files():
    return [
        regions_import(path=DATA_DIR / "nhs_england_regions.csv"),
        integrated_care_systems_import(path=DATA_DIR / "integrated_care_boards.csv"),
        trusts_import(path=DATA_DIR / "nhs_trusts_ods.csv"),
        colleges_import(path=DATA_DIR / "fe_college_locations.csv"),
        apprenticeship_standards_import(path=DATA_DIR / "apprenticeship_standards_health_care_2026.csv"),
        apprenticeship_standards_history_import(path=DATA_DIR / "ifate_standards_health_care_2018.csv"),
        occupations_import(path=DATA_DIR / "occupations.csv", soc_path=DATA_DIR / "soc2020_unit_groups.csv"),
    ]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def shipped_rows(filename):
    with (DATA_DIR / filename).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return reader.fieldnames, list(reader)


def copy_with_change(tmp_path, filename, key_column, key, **changes):
    header, rows = shipped_rows(filename)
    for row in rows:
        if row[key_column] == key:
            row.update(changes)
    target = tmp_path / filename
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return target


@pytest.fixture(scope="module")
def reference_data(django_db_setup, django_db_blocker):
    """The shipped files, loaded once for this module (tests.shared.shared_data): every test here starts
    from them, and what it writes is rolled back after it. Tests that start from an empty database
    are in test_reference_load.py."""
    yield from shared_data(django_db_blocker, load_shipped_files)


# --- good files ---------------------------------------------------------------------


def test_shipped_files_load_every_region_board_trust_college_standard_and_occupation(reference_data):
    # given the shipped extracts, loaded once by the fixture
    results = {result.entity: result for result in reference_data}

    # then every row is there, and nothing else
    assert counts() == {
        "Region": 7, "IntegratedCareSystem": 42, "Trust": 270, "College": 176, "ApprenticeshipStandard": 126,
        "Occupation": 33,
    }
    assert [(r.added, r.changed, r.unchanged) for r in reference_data] == [
        (7, 0, 0), (42, 0, 0), (270, 0, 0), (176, 0, 0), (122, 0, 0), (4, 0, 62), (33, 0, 0)
    ]
    assert Trust.objects.open().count() == 202
    assert Trust.objects.filter(closed_on__isnull=False).count() == 68
    assert set(Region.objects.values_list("code", flat=True)) == {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"}
    assert results["apprenticeship standards (current list)"].skipped == [
        "line 2: FA0007 is a foundation apprenticeship, not an apprenticeship standard"
    ]
    assert results["apprenticeship standards (older list, kept as history)"].skipped == [
        "line 11: ST0006-02 is ST0006 (LARS code 118), stored from the current list",
        "line 21: ST0005-02 is ST0005 (LARS code 119), stored from the current list",
    ]
    assert results["NHS trusts"].skipped == [
        "line 152: RQF: outside England: no ICB",
        "line 173: RT4: outside England: no ICB",
        "line 270: RYT: outside England: no ICB",
    ]


def test_every_board_lies_in_a_region_and_every_trust_and_college_in_a_board(reference_data):
    # then the geography hangs together as published
    assert IntegratedCareSystem.objects.filter(region__isnull=True).count() == 0
    cheshire = IntegratedCareSystem.objects.get(code="QYG")
    assert (cheshire.name, cheshire.region.code, cheshire.ons_code) == (
        "NHS Cheshire and Merseyside Integrated Care Board", "Y62", "E54000008"
    )
    assert Trust.objects.get(ods_code="RW4").ics == cheshire
    hugh_baird = College.objects.get(ukprn="10003193")
    assert (hugh_baird.name, hugh_baird.ics, hugh_baird.provider_type) == (
        "Hugh Baird College", cheshire, "General FE College incl Tertiary"
    )
    assert hugh_baird.ics_share_of_enrolments is not None


def test_trusts_keep_their_open_and_close_dates(reference_data):
    barts_and_the_london = Trust.objects.get(ods_code="RNJ")

    assert barts_and_the_london.opened_on == dt.date(1994, 4, 1)
    assert barts_and_the_london.closed_on == dt.date(2012, 3, 31)
    assert not barts_and_the_london.is_open
    assert Trust.objects.get(ods_code="RJZ").closed_on is None


def test_names_published_in_capitals_are_tidied_for_display(reference_data):
    assert Trust.objects.get(ods_code="RJZ").name == "King's College Hospital NHS Foundation Trust"
    assert Trust.objects.get(ods_code="RJZ").town == "London"
    assert College.objects.get(ukprn="10003193").name == "Hugh Baird College"
    assert display_name("NEWCASTLE-UNDER-LYME COLLEGE") == "Newcastle-under-Lyme College"
    assert display_name("BOURNEMOUTH AND POOLE COLLEGE, THE") == "Bournemouth and Poole College, The"
    assert display_name("NHS Cheshire and Merseyside Integrated Care Board") == (
        "NHS Cheshire and Merseyside Integrated Care Board"
    )


@pytest.mark.parametrize(
    ("ods_code", "kind"),
    [
        ("RX9", TrustKind.AMBULANCE),  # East Midlands Ambulance Service
        ("RW4", TrustKind.MENTAL_HEALTH),  # Mersey Care
        ("RXA", TrustKind.MENTAL_HEALTH),  # Cheshire and Wirral Partnership
        ("RV5", TrustKind.MENTAL_HEALTH),  # South London and Maudsley: the name does not say
        ("RYW", TrustKind.COMMUNITY),  # Birmingham Community Healthcare
        ("RP4", TrustKind.SPECIALIST),  # Great Ormond Street Hospital for Children
        ("RBQ", TrustKind.SPECIALIST),  # Liverpool Heart and Chest Hospital
        ("RJZ", TrustKind.ACUTE),  # King's College Hospital
        ("R0A", TrustKind.ACUTE),  # Manchester University: "chest" inside Manchester is no chest hospital
        ("RMP", TrustKind.ACUTE),  # Tameside and Glossop Integrated Care
    ],
)
def test_trust_kind_is_derived_from_the_name(reference_data, ods_code, kind):
    assert Trust.objects.get(ods_code=ods_code).kind == kind


def test_the_2026_list_gives_each_standard_its_status_version_level_duration_and_route(reference_data):
    # the Skills England export of 14 August 2026: ST0827 v2.0, approved for delivery 08-04-2019, level 5, 24 months
    nursing_associate = ApprenticeshipStandard.objects.get(reference="ST0827")
    assert (nursing_associate.title, nursing_associate.version, nursing_associate.status) == (
        "Nursing associate (NMC 2018)", "2.0", StandardStatus.APPROVED
    )
    assert (nursing_associate.level, nursing_associate.duration_months, nursing_associate.route) == (
        5, 24, "Health and science"
    )
    assert nursing_associate.approved_for_delivery_on == dt.date(2019, 4, 8)
    assert nursing_associate.current
    # the standard it replaced is in the list too, retired on 27-07-2019
    replaced = ApprenticeshipStandard.objects.get(reference="ST0508")
    assert (replaced.status, replaced.retired_on, replaced.current) == (
        StandardStatus.RETIRED, dt.date(2019, 7, 27), False
    )
    # paused for starts is still approved for delivery, so current
    assert ApprenticeshipStandard.objects.get(reference="ST0283").status == StandardStatus.PAUSED
    assert ApprenticeshipStandard.objects.get(reference="ST0283").current


def test_a_standard_only_in_the_2018_list_is_kept_and_marked_not_current(reference_data):
    # ST0584 Funeral Director is in the 2018 IfATE export (level 3, duration 0, LARS TBC) and not in the 2026 one
    funeral_director = ApprenticeshipStandard.objects.get(reference="ST0584")

    assert (funeral_director.title, funeral_director.level, funeral_director.route) == (
        "Funeral Director", 3, "Social care"
    )
    assert (funeral_director.status, funeral_director.current) == (StandardStatus.NOT_LISTED, False)
    assert set(ApprenticeshipStandard.objects.filter(status=StandardStatus.NOT_LISTED).values_list(
        "reference", flat=True
    )) == {"ST0109", "ST0494", "ST0584", "ST0594"}
    # the 2018 references ST0005-02 and ST0006-02 are ST0005 and ST0006 (same LARS codes): stored once
    assert not ApprenticeshipStandard.objects.filter(reference__in=["ST0005-02", "ST0006-02"]).exists()


def test_standards_store_not_yet_set_duration_and_date_as_blank(reference_data):
    # ST0702 Pharmacist (degree): "Proposal in development", duration 0, approval date TBC in the 2026 list
    pharmacist = ApprenticeshipStandard.objects.get(reference="ST0702")
    assert (pharmacist.status, pharmacist.level, pharmacist.duration_months, pharmacist.approved_for_delivery_on) == (
        StandardStatus.PROPOSAL, 7, None, None
    )
    assert not pharmacist.current
    # 5 standards in development with duration 0 in 2026, and ST0494, ST0584, ST0594 (duration 0 in 2018)
    assert ApprenticeshipStandard.objects.filter(duration_months__isnull=True).count() == 8
    assert ApprenticeshipStandard.objects.filter(level__isnull=True).count() == 0


def test_occupations_take_the_ons_description_and_the_leaver_rate_of_their_staff_group(reference_data):
    results = {result.entity: result for result in reference_data}
    support_workers = Occupation.objects.get(code="healthcare-support-workers")

    assert support_workers.soc_code == "6131"
    assert support_workers.sector == "both"
    # "Support to doctors, nurses & midwives", England: 29,392.73028 FTE leavers / 297,142.35686 FTE = 0.09892
    assert support_workers.annual_leaver_rate == Decimal("0.0989")
    assert support_workers.description.startswith("Nursing auxiliaries and assistants")
    # social-care roles keep the portal's documented assumption
    assert Occupation.objects.get(code="care-workers").annual_leaver_rate == Decimal("0.25")
    # the 46 unit groups flagged health or care, less the 33 kept, are reported as left out
    left_out = results["occupations"].notes
    assert len(left_out) == 13
    assert any(note.startswith("SOC 2463 Clergy") for note in left_out)


# --- re-runs -----------------------------------------------------------------------


def test_a_rerun_adds_and_changes_nothing_and_saves_nothing(reference_data):
    # given everything loaded once
    before = counts()

    # when the same files are imported again
    with CaptureQueriesContext(connection) as queries:
        again = load_shipped_files()

    # then every row is reported unchanged, and no row was written
    assert [(r.added, r.changed) for r in again] == [(0, 0)] * 7
    assert [r.unchanged for r in again] == [7, 42, 270, 176, 122, 66, 33]  # the 2018 list: 68, less 2 skipped
    assert counts() == before
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []


def test_a_changed_row_is_updated_in_place(reference_data, tmp_path):
    # given the publisher renames a trust and moves its offices
    trust = Trust.objects.get(ods_code="RJZ")
    newer = copy_with_change(
        tmp_path, "nhs_trusts_ods.csv", "ods_code", "RJZ",
        name="KING'S COLLEGE HOSPITAL NHS TRUST", postcode="SE5 8AZ", close_date="20261231",
    )

    # when the newer file is imported
    result = trusts_import(path=newer)

    # then that one row changed, in place, and the rest were left alone
    assert (result.added, result.changed, result.unchanged) == (0, 1, 269)
    trust.refresh_from_db()
    assert Trust.objects.get(ods_code="RJZ").pk == trust.pk
    assert (trust.name, trust.postcode, trust.closed_on) == (
        "King's College Hospital NHS Trust", "SE5 8AZ", dt.date(2026, 12, 31)
    )
    assert Trust.objects.count() == 270


def test_corrections_to_what_the_files_do_not_publish_survive_a_reimport(reference_data):
    # given staff corrected a college's ICS and a trust's kind (neither is published as such)
    college = College.objects.get(ukprn="10003193")
    elsewhere = IntegratedCareSystem.objects.exclude(pk=college.ics_id).first()
    College.objects.filter(pk=college.pk).update(ics=elsewhere)
    Trust.objects.filter(ods_code="RJZ").update(kind=TrustKind.SPECIALIST)

    # when the same files are imported again
    again = {result.entity: result for result in load_shipped_files()}

    # then the corrections stand, and the rows count as unchanged
    assert College.objects.get(ukprn="10003193").ics == elsewhere
    assert Trust.objects.get(ods_code="RJZ").kind == TrustKind.SPECIALIST
    assert (again["colleges"].changed, again["NHS trusts"].changed) == (0, 0)


def test_a_renamed_college_is_updated_in_place(reference_data, tmp_path):
    newer = copy_with_change(tmp_path, "fe_college_locations.csv", "ukprn", "10003193", name="HUGH BAIRD COLLEGE GROUP")

    result = colleges_import(path=newer)

    assert (result.added, result.changed, result.unchanged) == (0, 1, 175)
    assert College.objects.get(ukprn="10003193").name == "Hugh Baird College Group"


def test_the_ods_trust_file_imports_as_published_without_a_header_row(reference_data, tmp_path):
    # given etr.csv as ODS publishes it: no header, 27 fields (the shipped extract kept 1 to 12 and 24)
    header, rows = shipped_rows("nhs_trusts_ods.csv")
    published = tmp_path / "etr.csv"
    with published.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in rows:
            fields = [row[column] for column in header[:12]] + [""] * 15
            fields[23] = row["gor_code"]
            writer.writerow(fields)
    Trust.objects.filter(ods_code="RJZ").update(postcode="OLD")

    # when it is imported
    result = trusts_import(path=published)

    # then it reads the same trusts, and a bad row is named by its line in that file
    assert (result.added, result.changed, result.unchanged, len(result.skipped)) == (0, 1, 269, 3)
    assert Trust.objects.get(ods_code="RJZ").postcode == "SE5 9RS"
    with published.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["RZZ99", "A NEW NHS TRUST", "Y62", "QZZ", *[""] * 23])
    with pytest.raises(ApplicationError) as refused:
        trusts_import(path=published)
    assert refused.value.errors == {"file": ["line 274: icb_ods_code: unknown ICB 'QZZ'"]}


def test_a_new_row_is_added_beside_the_existing_ones(reference_data, tmp_path):
    # given a newer standards file (the Skills England format) with one more standard
    header, rows = shipped_rows("apprenticeship_standards_health_care_2026.csv")
    extra = dict(rows[1], reference="ST0999", name="Imaginary test standard", level="4", version="1.0")
    newer = tmp_path / "standards.csv"
    with newer.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows([*rows, extra])

    # when it is imported
    result = apprenticeship_standards_import(path=newer)

    # then one was added and the others left alone
    assert (result.added, result.changed, result.unchanged) == (1, 0, 122)
    assert ApprenticeshipStandard.objects.get(reference="ST0999").level == 4


def test_a_later_export_changes_a_standard_in_place(reference_data, tmp_path):
    # given a later export: ST0216 moves to version 1.4 and is retired
    newer = copy_with_change(
        tmp_path, "apprenticeship_standards_health_care_2026.csv", "reference", "ST0216",
        version="1.4", status="Retired", retired_date="31-07-2027",
    )

    result = apprenticeship_standards_import(path=newer)

    assert (result.added, result.changed, result.unchanged) == (0, 1, 121)
    support_worker = ApprenticeshipStandard.objects.get(reference="ST0216")
    assert (support_worker.version, support_worker.status, support_worker.retired_on) == (
        "1.4", StandardStatus.RETIRED, dt.date(2027, 7, 31)
    )
    assert not support_worker.current


# --- malformed files: refused whole, with line and reason ----------------------------

TRUST_HEADER = ["ods_code", "name", "nhs_region_code", "icb_ods_code", "town", "postcode", "open_date", "close_date"]
GOOD_NEW_TRUST = ["RZZ99", "A GOOD NEW NHS TRUST", "Y62", "QYG", "LIVERPOOL", "L1 1AA", "20200401", ""]
CHANGED_TRUST = ["RW4", "MERSEY CARE RENAMED NHS FOUNDATION TRUST", "Y62", "QYG", "PRESCOT", "L34 1PJ", "", ""]


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        (["R$1", "BAD CODE NHS TRUST", "Y62", "QYG", "", "", "", ""],
         "line 4: ods_code: 'R$1' is not an ODS code of 3 to 5 capital letters or digits"),
        (["RZZ98", "LOST NHS TRUST", "Y62", "QZZ", "", "", "", ""], "line 4: icb_ods_code: unknown ICB 'QZZ'"),
        (["RZZ98", "BAD DATE NHS TRUST", "Y62", "QYG", "", "", "2020-04-01", ""],
         "line 4: open_date: '2020-04-01' is not a date written YYYYMMDD"),
        (["RZZ98", "", "Y62", "QYG", "", "", "", ""], "line 4: name: is blank"),
        (["RZZ98", "BACKWARDS NHS TRUST", "Y62", "QYG", "", "", "20200401", "20190401"],
         "line 4: close_date: is before open_date"),
        (["RZZ99", "TWICE NHS TRUST", "Y62", "QYG", "", "", "", ""],
         "line 4: ods_code: 'RZZ99' appears again (first on line 2)"),
    ],
)
def test_a_malformed_trust_file_is_refused_and_changes_nothing(reference_data, tmp_path, bad_row, problem):
    # given a file whose good rows come before one bad row
    before = counts()
    path = write_csv(tmp_path / "trusts.csv", TRUST_HEADER, [GOOD_NEW_TRUST, CHANGED_TRUST, bad_row])

    # when it is imported
    with pytest.raises(ApplicationError) as refused:
        trusts_import(path=path)

    # then the error names the line and the reason, and neither the new nor the changed row was written
    assert refused.value.errors == {"file": [problem]}
    assert problem in refused.value.message
    assert "nothing was changed" in refused.value.message
    assert counts() == before
    assert not Trust.objects.filter(ods_code="RZZ99").exists()
    assert Trust.objects.get(ods_code="RW4").name == "Mersey Care NHS Foundation Trust"


def test_a_file_missing_a_required_column_is_refused_naming_the_column(reference_data, tmp_path):
    # given a trust file without the ICB column
    header = [column for column in TRUST_HEADER if column != "icb_ods_code"]
    path = write_csv(tmp_path / "trusts.csv", header, [["RZZ99", "A NHS TRUST", "Y62", "", "", "", ""]])
    before = counts()

    # when it is imported, then it is refused before any row is read
    with pytest.raises(ApplicationError) as refused:
        trusts_import(path=path)
    assert refused.value.errors == {"file": ["line 1: icb_ods_code: required column is missing from the header"]}
    assert counts() == before


def test_every_problem_in_a_file_is_listed_in_line_order(reference_data, tmp_path):
    path = write_csv(
        tmp_path / "trusts.csv",
        TRUST_HEADER,
        [
            ["RZZ97", "NHS TRUST ONE", "Y62", "QZZ", "", "", "", ""],
            GOOD_NEW_TRUST,
            ["r1", "NHS TRUST TWO", "Y62", "QYG", "", "", "notadate", ""],
        ],
    )
    with pytest.raises(ApplicationError) as refused:
        trusts_import(path=path)
    assert refused.value.errors["file"] == [
        "line 2: icb_ods_code: unknown ICB 'QZZ'",
        "line 4: ods_code: 'r1' is not an ODS code of 3 to 5 capital letters or digits",
        "line 4: open_date: 'notadate' is not a date written YYYYMMDD",
    ]


STANDARD_HEADER = [
    "programme_type", "name", "reference", "version", "status", "approved_for_delivery_date", "retired_date",
    "route", "level", "typical_duration_months", "lars_code",
]
STANDARD = "Apprenticeship standard"
APPROVED = "Approved for delivery"


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        ([STANDARD, "Too high", "ST0998", "1.0", APPROVED, "01-09-2020", "", "Health and science", "9", "12", "1"],
         "line 3: level: 9 is outside 1 to 8"),
        ([STANDARD, "Not a number", "ST0998", "1.0", APPROVED, "01-09-2020", "", "Health and science", "three", "12",
          "1"], "line 3: level: 'three' is not a whole number"),
        ([STANDARD, "Bad reference", "ST998", "1.0", APPROVED, "01-09-2020", "", "Health and science", "3", "12", "1"],
         "line 3: reference: 'ST998' is not a reference like ST0216"),
        ([STANDARD, "Bad date", "ST0998", "1.0", APPROVED, "2020-09-01", "", "Health and science", "3", "12", "1"],
         "line 3: approved_for_delivery_date: '2020-09-01' is not a date written DD-MM-YYYY"),
        ([STANDARD, "Too long", "ST0998", "1.0", APPROVED, "01-09-2020", "", "Health and science", "3", "99", "1"],
         "line 3: typical_duration_months: 99 is outside 1 to 72"),
        ([STANDARD, "Odd status", "ST0998", "1.0", "Shelved", "01-09-2020", "", "Health and science", "3", "12", "1"],
         "line 3: status: 'Shelved' is not a status of the Skills England export ('approved for delivery', "
         "'approved for delivery (paused for starts)', 'in development', 'proposal in development', 'retired', "
         "'withdrawn')"),
    ],
)
def test_a_malformed_standards_file_is_refused_and_changes_nothing(reference_data, tmp_path, bad_row, problem):
    before = counts()
    good = [STANDARD, "A good new standard", "ST0997", "1.0", APPROVED, "01-09-2020", "", "Health and science", "3",
            "18", "500"]
    path = write_csv(tmp_path / "standards.csv", STANDARD_HEADER, [good, bad_row])

    with pytest.raises(ApplicationError) as refused:
        apprenticeship_standards_import(path=path)

    assert refused.value.errors == {"file": [problem]}
    assert counts() == before


def test_the_2018_export_is_refused_as_the_current_list_naming_the_missing_columns(reference_data):
    with pytest.raises(ApplicationError) as refused:
        apprenticeship_standards_import(path=DATA_DIR / "ifate_standards_health_care_2018.csv")

    assert "line 1: programme_type: required column is missing from the header" in refused.value.errors["file"]


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        (["1234567", "SHORT COLLEGE", "General FE College incl Tertiary", "QYG", "0.9"],
         "line 3: ukprn: '1234567' is not a UKPRN of 8 digits starting with 1"),
        (["10999998", "NOWHERE COLLEGE", "General FE College incl Tertiary", "QZZ", "0.9"],
         "line 3: main_delivery_icb_ods_code: unknown ICB 'QZZ'"),
        (["10999998", "OVER COLLEGE", "General FE College incl Tertiary", "QYG", "1.5"],
         "line 3: share_of_enrolments_in_main_icb: 1.5 is outside 0 to 1"),
    ],
)
def test_a_malformed_college_file_is_refused_and_changes_nothing(reference_data, tmp_path, bad_row, problem):
    before = counts()
    header = ["ukprn", "name", "provider_type", "main_delivery_icb_ods_code", "share_of_enrolments_in_main_icb"]
    good = ["10999999", "A GOOD NEW COLLEGE", "General FE College incl Tertiary", "QYG", "0.8"]
    path = write_csv(tmp_path / "colleges.csv", header, [good, bad_row])

    with pytest.raises(ApplicationError) as refused:
        colleges_import(path=path)

    assert refused.value.errors == {"file": [problem]}
    assert counts() == before


def test_an_unknown_region_refuses_the_board_file(reference_data, tmp_path):
    before = counts()
    header = ["icb_ons_code", "icb_ods_code", "icb_name", "region_ods_code", "region_name"]
    path = write_csv(tmp_path / "icbs.csv", header, [["E54000999", "QZZ", "NHS Test ICB", "Y99", "Nowhere"]])

    with pytest.raises(ApplicationError) as refused:
        integrated_care_systems_import(path=path)

    assert refused.value.errors == {"file": ["line 2: region_ods_code: unknown NHS England region 'Y99'"]}
    assert counts() == before


def test_an_occupation_naming_an_unknown_soc_unit_group_is_refused(reference_data, tmp_path):
    before = counts()
    header = ["soc2020_code", "code", "name", "sector", "staff_group", "annual_leaver_rate", "basis"]
    path = write_csv(
        tmp_path / "occupations.csv", header,
        [["9999", "made-up", "Made up", "nhs", "", "0.1", ""], ["6131", "bad-rate", "Bad rate", "nhs", "", "2", ""]],
    )

    with pytest.raises(ApplicationError) as refused:
        occupations_import(path=path, soc_path=DATA_DIR / "soc2020_unit_groups.csv")

    assert refused.value.errors == {"file": [
        "line 2: soc2020_code: unknown SOC 2020 unit group '9999'",
        "line 3: annual_leaver_rate: 2 is outside 0 to 1",
    ]}
    assert counts() == before


LEAVER_HEADER = ["soc2020_code", "code", "name", "sector", "staff_group", "nhs_leaver_staff_group",
                 "annual_leaver_rate", "basis"]


def test_an_occupation_naming_an_unknown_nhs_staff_group_or_a_rate_beside_one_is_refused(reference_data, tmp_path):
    before = counts()
    path = write_csv(tmp_path / "occupations.csv", LEAVER_HEADER, [
        ["6131", "support", "Support", "nhs", "", "Nurses & health visitors", "", ""],
        ["6131", "made-up", "Made up", "nhs", "", "Nurses and health visitors", "", ""],
        ["6131", "both-given", "Both given", "nhs", "", "Midwives", "0.1", ""],
    ])

    with pytest.raises(ApplicationError) as refused:
        occupations_import(path=path, soc_path=DATA_DIR / "soc2020_unit_groups.csv")

    assert refused.value.errors == {"file": [
        "line 3: nhs_leaver_staff_group: unknown NHS staff group 'Nurses and health visitors' "
        "(not in nhs_leavers_by_staff_group_region_2024_25.csv)",
        "line 4: annual_leaver_rate: leave it blank: the rate is England's published rate for 'Midwives' "
        "(nhs_leaver_staff_group)",
    ]}
    assert counts() == before


def test_a_later_leaver_file_gives_the_occupations_its_england_rate(reference_data, tmp_path):
    # given a later turnover table where England's nurses and health visitors: 36,000 leavers of 400,000 FTE
    header, rows = shipped_rows("nhs_leavers_by_staff_group_region_2024_25.csv")
    for row in rows:
        row["period"] = "202510 to 202610"
        if row["nhse_region_code"] == "All NHSE regions" and row["staff_group"] == "Nurses & health visitors":
            row.update(denominator_start_fte="400000", leavers_fte="36000")
    newer = write_csv(tmp_path / "leavers.csv", header, [list(row.values()) for row in rows])

    result = occupations_import(path=DATA_DIR / "occupations.csv", soc_path=DATA_DIR / "soc2020_unit_groups.csv",
                                leavers_path=newer)

    # then the six nursing occupations change to 0.09, the others stay
    assert (result.added, result.changed, result.unchanged) == (0, 6, 27)
    assert Occupation.objects.get(code="mental-health-nurses").annual_leaver_rate == Decimal("0.0900")


def test_a_row_with_too_many_cells_is_refused(reference_data, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("region_ods_code,region_ons_code_2022,region_name\nY56,E40000003,London,extra\n")

    with pytest.raises(ApplicationError) as refused:
        regions_import(path=path)

    assert refused.value.errors == {"file": ["line 2: (row): has 4 cells but the header has 3"]}


# --- the command --------------------------------------------------------------------
