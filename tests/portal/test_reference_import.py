"""The reference importers read the publishers' files, update in place, and refuse a malformed file whole."""

import csv
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from colleges.models import College
from colleges.services import colleges_import
from core.errors import ApplicationError
from core.importing import DATA_DIR
from core.models import DataLoad
from core.text import display_name
from pathways.models import ApprenticeshipStandard, Occupation
from pathways.services import apprenticeship_standards_import, occupations_import
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
        apprenticeship_standards_import(path=DATA_DIR / "ifate_standards_health_care_2018.csv"),
        occupations_import(path=DATA_DIR / "occupations.csv", soc_path=DATA_DIR / "soc2020_unit_groups.csv"),
    ]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


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


@pytest.fixture
def reference_data():
    return load_shipped_files()


# --- good files ---------------------------------------------------------------------


def test_shipped_files_load_every_region_board_trust_college_standard_and_occupation(reference_data):
    # given the shipped extracts, loaded once by the fixture
    results = {result.entity: result for result in reference_data}

    # then every row is there, and nothing else
    assert counts() == {
        "Region": 7, "IntegratedCareSystem": 42, "Trust": 270, "College": 176, "ApprenticeshipStandard": 68,
        "Occupation": 33,
    }
    assert [(r.added, r.changed, r.unchanged) for r in reference_data] == [
        (7, 0, 0), (42, 0, 0), (270, 0, 0), (176, 0, 0), (68, 0, 0), (33, 0, 0)
    ]
    assert Trust.objects.open().count() == 202
    assert Trust.objects.filter(closed_on__isnull=False).count() == 68
    assert set(Region.objects.values_list("code", flat=True)) == {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"}
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


def test_standards_store_not_yet_set_level_duration_and_date_as_blank(reference_data):
    support_worker = ApprenticeshipStandard.objects.get(reference="ST0216")
    assert (support_worker.title, support_worker.level, support_worker.duration_months) == (
        "Healthcare support worker", 2, 12
    )
    assert support_worker.approved_for_delivery_on == dt.date(2016, 5, 19)
    assert support_worker.route == "Health and science"
    youth_worker = ApprenticeshipStandard.objects.get(reference="ST0522")
    assert (youth_worker.level, youth_worker.duration_months, youth_worker.approved_for_delivery_on) == (
        None, None, None
    )
    assert youth_worker.lars_code == ""
    assert ApprenticeshipStandard.objects.filter(duration_months__isnull=True).count() == 40
    assert ApprenticeshipStandard.objects.filter(level__isnull=True).count() == 1


def test_occupations_take_the_ons_description_and_the_portal_leaver_rate(reference_data):
    results = {result.entity: result for result in reference_data}
    support_workers = Occupation.objects.get(code="healthcare-support-workers")

    assert support_workers.soc_code == "6131"
    assert support_workers.sector == "both"
    assert support_workers.annual_leaver_rate == Decimal("0.13")
    assert support_workers.description.startswith("Nursing auxiliaries and assistants")
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
    assert [(r.added, r.changed) for r in again] == [(0, 0)] * 6
    assert [r.unchanged for r in again] == list(before.values())
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
    # given a newer standards file with one more standard
    header, rows = shipped_rows("ifate_standards_health_care_2018.csv")
    extra = dict(rows[0], Reference="ST0999", Name="Imaginary test standard", Level="4")
    newer = tmp_path / "standards.csv"
    with newer.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows([*rows, extra])

    # when it is imported
    result = apprenticeship_standards_import(path=newer)

    # then one was added and the others left alone
    assert (result.added, result.changed, result.unchanged) == (1, 0, 68)
    assert ApprenticeshipStandard.objects.get(reference="ST0999").level == 4


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
    "Name", "Reference", "Approved for Delivery Date", "Route", "Level", "Typical Duration (months)",
    "LARS code for providers only",
]


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        (["Too high", "ST0998", "01-09-2020", "Health and science", "9", "12", "1"],
         "line 3: Level: 9 is outside 1 to 8"),
        (["Not a number", "ST0998", "01-09-2020", "Health and science", "three", "12", "1"],
         "line 3: Level: 'three' is not a whole number"),
        (["Bad reference", "ST998", "01-09-2020", "Health and science", "3", "12", "1"],
         "line 3: Reference: 'ST998' is not a reference like ST0216"),
        (["Bad date", "ST0998", "2020-09-01", "Health and science", "3", "12", "1"],
         "line 3: Approved for Delivery Date: '2020-09-01' is not a date written DD-MM-YYYY"),
        (["Too long", "ST0998", "01-09-2020", "Health and science", "3", "99", "1"],
         "line 3: Typical Duration (months): 99 is outside 1 to 72"),
    ],
)
def test_a_malformed_standards_file_is_refused_and_changes_nothing(reference_data, tmp_path, bad_row, problem):
    before = counts()
    good = ["A good new standard", "ST0997", "01-09-2020", "Health and science", "3", "18", "500"]
    path = write_csv(tmp_path / "standards.csv", STANDARD_HEADER, [good, bad_row])

    with pytest.raises(ApplicationError) as refused:
        apprenticeship_standards_import(path=path)

    assert refused.value.errors == {"file": [problem]}
    assert counts() == before


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


def test_a_row_with_too_many_cells_is_refused(reference_data, tmp_path):
    path = tmp_path / "regions.csv"
    path.write_text("region_ods_code,region_ons_code_2022,region_name\nY56,E40000003,London,extra\n")

    with pytest.raises(ApplicationError) as refused:
        regions_import(path=path)

    assert refused.value.errors == {"file": ["line 2: (row): has 4 cells but the header has 3"]}


# --- the command --------------------------------------------------------------------


def test_load_reference_data_reports_each_entity_and_records_the_load():
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    text = out.getvalue()
    assert "regions: 7 added, 0 changed, 0 unchanged" in text
    assert "NHS trusts: 270 added, 0 changed, 0 unchanged, 3 skipped" in text
    assert "skipped line 152: RQF: outside England: no ICB" in text
    assert "occupations: 33 added, 0 changed, 0 unchanged" in text
    load = DataLoad.objects.get()
    assert load.kind == DataLoad.Kind.REFERENCE
    assert load.summary["colleges"] == {"added": 176, "changed": 0, "unchanged": 0, "skipped": 0}

    again = StringIO()
    call_command("load_reference_data", stdout=again)
    assert "colleges: 0 added, 0 changed, 176 unchanged" in again.getvalue()


def test_load_reference_data_takes_a_newer_file_per_entity_and_refuses_a_bad_one_whole(tmp_path):
    # given a trust file with one bad row, on an empty database
    bad = copy_with_change(tmp_path, "nhs_trusts_ods.csv", "ods_code", "RJZ", open_date="1 April 1993")

    # when the whole load runs with it
    with pytest.raises(CommandError) as refused:
        call_command("load_reference_data", "--trusts", str(bad), stdout=StringIO())

    # then the line and reason are given, and not even the regions before it were kept
    assert "open_date: '1 April 1993' is not a date written YYYYMMDD" in str(refused.value)
    assert "No reference data was changed" in str(refused.value)
    assert counts() == dict.fromkeys(counts(), 0)
    assert not DataLoad.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="could not be opened"):
        call_command("load_reference_data", "--regions", str(tmp_path / "nope.csv"), stdout=StringIO())


def test_the_shipped_files_are_unchanged_copies_with_their_sources_stated():
    # the portal ships the extracts it imports, and says where they came from
    sources = (DATA_DIR / "SOURCES.md").read_text()
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in sources
    for filename in ("nhs_england_regions.csv", "integrated_care_boards.csv", "nhs_trusts_ods.csv",
                     "fe_college_locations.csv", "ifate_standards_health_care_2018.csv", "soc2020_unit_groups.csv",
                     "occupations.csv"):
        assert (DATA_DIR / filename).exists()
        assert f"`{filename}`" in sources
