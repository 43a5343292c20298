"""The reference importers and load_reference_data, from an empty database."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from colleges.models import College
from core.importing import DATA_DIR
from core.models import DataLoad
from pathways.models import ApprenticeshipStandard, Occupation, StandardStatus
from pathways.services import (
    apprenticeship_standards_history_import,
    apprenticeship_standards_import,
)
from tests.portal.test_reference_import import copy_with_change
from trusts.models import IntegratedCareSystem, Region, Trust

pytestmark = pytest.mark.django_db

MODELS = (Region, IntegratedCareSystem, Trust, College, ApprenticeshipStandard, Occupation)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_for_a_standard_in_both_lists_the_2026_one_wins_whichever_is_imported_first(tmp_path):
    # given the 2018 list imported first: ST0216 had 12 months there, 8 in the 2026 list (v1.3)
    apprenticeship_standards_history_import(path=DATA_DIR / "ifate_standards_health_care_2018.csv")
    assert ApprenticeshipStandard.objects.get(reference="ST0216").duration_months == 12

    # when the 2026 list is imported, and then the 2018 list again
    apprenticeship_standards_import(path=DATA_DIR / "apprenticeship_standards_health_care_2026.csv")
    again = apprenticeship_standards_history_import(path=DATA_DIR / "ifate_standards_health_care_2018.csv")

    # then ST0216 is as the 2026 list has it, and the 2018 list changed nothing
    support_worker = ApprenticeshipStandard.objects.get(reference="ST0216")
    assert (support_worker.duration_months, support_worker.version, support_worker.status) == (
        8, "1.3", StandardStatus.APPROVED
    )
    # (ST0005-02 and ST0006-02, stored first, are kept, but now skipped as ST0005 and ST0006 of the current list)
    assert (again.added, again.changed, again.unchanged, len(again.skipped)) == (0, 0, 66, 2)


def test_load_reference_data_reports_each_entity_and_records_the_load():
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    text = out.getvalue()
    assert "regions: 7 added, 0 changed, 0 unchanged" in text
    assert "NHS trusts: 270 added, 0 changed, 0 unchanged, 3 skipped" in text
    assert "skipped line 152: RQF: outside England: no ICB" in text
    assert "occupations: 33 added, 0 changed, 0 unchanged" in text
    # the April 2026 boards: 6 opened and 15 successions added, 12 closed, 30 carried on
    assert "board changes: 21 added, 12 changed, 30 unchanged" in text
    assert "trusts' boards: 1 added, 55 changed, 215 unchanged, 3 skipped" in text
    assert "colleges' boards: 0 added, 41 changed, 0 unchanged" in text
    assert "apprenticeship standards (current list): 122 added, 0 changed, 0 unchanged, 1 skipped" in text
    assert "apprenticeship standards (older list, kept as history): 4 added, 0 changed, 62 unchanged, 2 skipped" in text
    load = DataLoad.objects.get()
    assert load.kind == DataLoad.Kind.REFERENCE
    assert load.summary["colleges"] == {"added": 176, "changed": 0, "unchanged": 0, "skipped": 0}

    again = StringIO()
    call_command("load_reference_data", stdout=again)
    assert "colleges: 0 added, 0 changed, 176 unchanged" in again.getvalue()
    assert "board changes: 0 added, 0 changed, 51 unchanged" in again.getvalue()
    assert "trusts' boards: 0 added, 0 changed, 271 unchanged, 3 skipped" in again.getvalue()


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
                     "occupations.csv", "apprenticeship_standards_health_care_2026.csv",
                     "nhs_leavers_by_staff_group_region_2024_25.csv", "icbs_2026_ods.csv", "icb_2024_to_2026_map.csv",
                     "sub_icb_2025_to_icb_2026.csv", "nhs_trusts_icb_2026.csv", "lad_sub_icb_lsoa_counts.csv",
                     "board_split_assumptions.csv"):
        assert (DATA_DIR / filename).exists()
        assert f"`{filename}`" in sources
