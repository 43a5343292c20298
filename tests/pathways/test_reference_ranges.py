"""Ranges (DESIGN.md 6.2) and backfill routes (6.3) in the starter data, as the reference import fills them."""

import csv
from decimal import Decimal

import pytest

from core.errors import ApplicationError
from core.importing import DATA_DIR
from pathways.models import EntryRoute, Occupation
from pathways.services import (
    apprenticeship_standards_history_import,
    apprenticeship_standards_import,
    nhs_leaver_ranges_read,
    occupations_import,
    pathways_starter_set_import,
)
from tests.shared import write_csv

LEAVERS = DATA_DIR / "nhs_leavers_by_staff_group_region_2024_25.csv"
SOC = DATA_DIR / "soc2020_unit_groups.csv"
OCCUPATION_HEADER = ["soc2020_code", "code", "name", "sector", "staff_group", "nhs_leaver_staff_group",
                     "annual_leaver_rate", "annual_leaver_rate_low", "annual_leaver_rate_high", "basis"]
ROUTE_HEADER = ["occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate",
                "conversion_rate_low", "conversion_rate_high", "from_occupation", "lag_months", "notes"]


@pytest.fixture
def reference(db):
    """The shipped occupations and standards the starter set refers to."""
    apprenticeship_standards_import(path=DATA_DIR / "apprenticeship_standards_health_care_2026.csv")
    apprenticeship_standards_history_import(path=DATA_DIR / "ifate_standards_health_care_2018.csv")
    occupations_import(path=DATA_DIR / "occupations.csv", soc_path=SOC)


def _route(occupation: str, standard: str) -> EntryRoute:
    return EntryRoute.objects.select_related("from_occupation").get(
        occupation__code=occupation, apprenticeship_standard__reference=standard
    )


# --- leaver ranges ------------------------------------------------------------------------------


def test_a_staff_groups_range_is_the_lowest_and_highest_regional_rate_worked_out_by_hand():
    # "Support to doctors, nurses & midwives", 202410 to 202510, leavers FTE / staff at the start FTE:
    #   England          29,392.73028 / 297,142.35686 = 0.098918 -> 0.0989 (central)
    #   London            3,940.42287 /  45,458.91533 = 0.086681 -> 0.0867 (the lowest of the 7 regions)
    #   South West        3,380.15639 /  29,613.90054 = 0.114141 -> 0.1141 (the highest)
    #   the others: South East 0.1015, Midlands 0.0928, East of England 0.1051, North West 0.1055,
    #   North East and Yorkshire 0.0968
    support = nhs_leaver_ranges_read(path=LEAVERS)["Support to doctors, nurses & midwives"]

    assert (support.low, support.rate, support.high) == (Decimal("0.0867"), Decimal("0.0989"), Decimal("0.1141"))


def test_nhs_occupations_take_their_staff_groups_regional_range(reference):
    support_workers = Occupation.objects.get(code="healthcare-support-workers")
    nurses = Occupation.objects.get(code="registered-nurses")

    assert (support_workers.annual_leaver_rate_low, support_workers.annual_leaver_rate,
            support_workers.annual_leaver_rate_high) == (Decimal("0.0867"), Decimal("0.0989"), Decimal("0.1141"))
    # Nurses & health visitors: London 0.0732 to South West 0.0907 around England's 0.0800
    assert (nurses.annual_leaver_rate_low, nurses.annual_leaver_rate_high) == (Decimal("0.0732"), Decimal("0.0907"))


def test_social_care_roles_keep_their_documented_assumption_ranges(reference):
    care_workers = Occupation.objects.get(code="care-workers")
    social_workers = Occupation.objects.get(code="social-workers")

    assert (care_workers.annual_leaver_rate_low, care_workers.annual_leaver_rate,
            care_workers.annual_leaver_rate_high) == (Decimal("0.20"), Decimal("0.25"), Decimal("0.30"))
    assert (social_workers.annual_leaver_rate_low, social_workers.annual_leaver_rate_high) == (
        Decimal("0.112"), Decimal("0.168")
    )


def test_every_shipped_occupation_has_a_range_around_its_central_rate(reference):
    for occupation in Occupation.objects.all():
        assert occupation.annual_leaver_rate_low <= occupation.annual_leaver_rate <= occupation.annual_leaver_rate_high
        assert occupation.annual_leaver_rate_low < occupation.annual_leaver_rate_high, occupation.code


def test_a_regional_spread_that_misses_englands_rate_is_widened_to_take_it_in(tmp_path):
    header = ["period", "nhse_region_code", "nhse_region_name", "main_staff_group", "staff_group",
              "denominator_start_hc", "denominator_start_fte", "leavers_hc", "leavers_fte", "leaver_rate_hc",
              "leaver_rate_fte"]
    path = write_csv(tmp_path / "leavers.csv", header, [
        ["P", "All NHSE regions", "England", "Support", "Porters", "", "100", "", "20", "", ""],
        ["P", "Y56", "London", "Support", "Porters", "", "100", "", "10", "", ""],
        ["P", "Y58", "South West", "Support", "Porters", "", "100", "", "15", "", ""],
        ["P", "All NHSE regions", "England", "Support", "Cleaners", "", "100", "", "5", "", ""],
    ])

    ranges = nhs_leaver_ranges_read(path=path)

    assert (ranges["Porters"].low, ranges["Porters"].rate, ranges["Porters"].high) == (
        Decimal("0.1000"), Decimal("0.2000"), Decimal("0.2000")
    )
    assert ranges["Cleaners"].low == ranges["Cleaners"].high == Decimal("0.0500")  # no regional rows


def test_an_nhs_occupation_giving_its_own_range_is_refused_naming_the_column(db, tmp_path):
    path = write_csv(tmp_path / "occupations.csv", OCCUPATION_HEADER, [
        ["6131", "support", "Support", "nhs", "", "Midwives", "", "0.05", "", ""],
    ])

    with pytest.raises(ApplicationError) as refused:
        occupations_import(path=path, soc_path=SOC)

    assert refused.value.errors == {"file": [
        "line 2: annual_leaver_rate_low: leave it blank: the range is the regions' published spread for "
        "'Midwives' (nhs_leaver_staff_group)",
    ]}
    assert not Occupation.objects.exists()


def test_an_assumption_range_out_of_order_is_refused_naming_the_column(db, tmp_path):
    path = write_csv(tmp_path / "occupations.csv", OCCUPATION_HEADER, [
        ["6135", "carers", "Carers", "social_care", "", "", "0.25", "0.30", "0.35", ""],
        ["6136", "seniors", "Seniors", "social_care", "", "", "0.20", "0.10", "0.15", ""],
    ])

    with pytest.raises(ApplicationError) as refused:
        occupations_import(path=path, soc_path=SOC)

    assert refused.value.errors == {"file": [
        "line 2: annual_leaver_rate_low: 0.30 is above annual_leaver_rate 0.25",
        "line 3: annual_leaver_rate_high: 0.15 is below annual_leaver_rate 0.20",
    ]}
    assert not Occupation.objects.exists()


def test_an_occupations_file_without_the_range_columns_gives_ranges_equal_to_the_rate(db, tmp_path):
    header = ["soc2020_code", "code", "name", "sector", "staff_group", "annual_leaver_rate", "basis"]
    path = write_csv(tmp_path / "occupations.csv", header, [
        ["6135", "carers", "Carers", "social_care", "", "0.25", ""],
    ])

    occupations_import(path=path, soc_path=SOC)

    carers = Occupation.objects.get(code="carers")
    assert carers.annual_leaver_rate_low == carers.annual_leaver_rate == carers.annual_leaver_rate_high


def test_re_running_the_occupations_import_changes_nothing(reference):
    again = occupations_import(path=DATA_DIR / "occupations.csv", soc_path=SOC)

    assert (again.added, again.changed, again.unchanged) == (0, 0, 33)


# --- conversion ranges and backfill routes ------------------------------------------------------


def test_the_starter_routes_carry_their_conversion_ranges(reference):
    pathways_starter_set_import()

    associate = _route("health-associate-professionals", "ST0827")
    access = EntryRoute.objects.get(occupation__code="registered-nurses", qualification_type="access_to_he")
    assert (associate.conversion_rate_low, associate.conversion_rate, associate.conversion_rate_high) == (
        Decimal("0.85"), Decimal("0.90"), Decimal("0.95")
    )
    assert (access.conversion_rate_low, access.conversion_rate, access.conversion_rate_high) == (
        Decimal("0.21"), Decimal("0.35"), Decimal("0.49")
    )


def test_the_high_conversion_rates_of_one_course_never_send_more_than_all_its_completers(reference):
    pathways_starter_set_import()

    totals: dict[tuple, Decimal] = {}
    for route in EntryRoute.objects.filter(apprenticeship_standard__isnull=True):
        key = (route.qualification_type, route.level)
        totals[key] = totals.get(key, Decimal(0)) + route.conversion_rate_high
    assert totals and max(totals.values()) <= 1, totals


def test_the_backfill_routes_name_the_occupation_whose_staff_they_train(reference):
    pathways_starter_set_import()

    backfill = {
        (route.apprenticeship_standard.reference, route.occupation.code): route.from_occupation.code
        for route in EntryRoute.objects.filter(from_occupation__isnull=False).select_related(
            "apprenticeship_standard", "occupation", "from_occupation"
        )
    }
    assert backfill == {
        ("ST0827", "health-associate-professionals"): "healthcare-support-workers",
        ("ST0781", "registered-nurses"): "health-associate-professionals",
        ("ST0006", "senior-care-workers"): "care-workers",
        ("ST0007", "senior-care-workers"): "care-workers",
    }


def test_re_running_the_starter_set_import_changes_nothing(reference):
    pathways_starter_set_import()

    again = pathways_starter_set_import()
    reset = pathways_starter_set_import(update_existing=True)

    assert (again.added, again.changed) == (0, 0)
    assert (reset.added, reset.changed) == (0, 0)


def test_a_route_loaded_before_the_file_had_ranges_takes_them_from_a_re_run(reference, tmp_path):
    # given the starter set as it was before ranges and backfill (their columns missing)
    with (DATA_DIR / "entry_routes.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    old_header = ["occupation", "qualification_type", "level", "apprenticeship_standard", "conversion_rate",
                  "lag_months", "notes"]
    old = write_csv(tmp_path / "entry_routes.csv", old_header, [[row[c] for c in old_header] for row in rows])
    pathways_starter_set_import(routes_path=old)
    assert _route("health-associate-professionals", "ST0827").from_occupation is None
    # when the current file is imported
    result = pathways_starter_set_import()
    # then every route takes its range (and the four backfill routes their from_occupation)
    associate = _route("health-associate-professionals", "ST0827")
    assert (associate.from_occupation.code, associate.conversion_rate_high) == ("healthcare-support-workers",
                                                                               Decimal("0.95"))
    assert (result.added, result.changed) == (0, len(rows))


def test_a_route_staff_changed_is_kept_by_a_re_run(reference):
    pathways_starter_set_import()
    route = _route("senior-care-workers", "ST0006")
    route.from_occupation = None
    route.conversion_rate_high = Decimal("0.99")
    route.save()

    result = pathways_starter_set_import()

    route.refresh_from_db()
    assert (route.from_occupation, route.conversion_rate_high) == (None, Decimal("0.99"))
    assert result.changed == 0


def test_a_route_range_out_of_order_or_a_backfill_from_its_own_occupation_is_refused(reference, tmp_path):
    path = write_csv(tmp_path / "entry_routes.csv", ROUTE_HEADER, [
        ["care-workers", "diploma", "2", "", "0.30", "0.40", "0.50", "", "3", "low above"],
        ["care-workers", "diploma", "3", "", "0.10", "0.05", "0.08", "", "3", "high below"],
        ["care-workers", "apprenticeship", "2", "ST0005", "0.85", "", "", "care-workers", "0", "itself"],
        ["care-workers", "t_level", "3", "", "0.10", "", "", "no-such-role", "0", "unknown"],
    ])

    with pytest.raises(ApplicationError) as refused:
        pathways_starter_set_import(routes_path=path)

    assert refused.value.errors == {"file": [
        "line 2: conversion_rate_low: 0.40 is above conversion_rate 0.30",
        "line 3: conversion_rate_high: 0.08 is below conversion_rate 0.10",
        "line 4: from_occupation: is the route's own occupation: a backfill route trains staff of another one",
        "line 5: from_occupation: unknown occupation 'no-such-role'",
    ]}
    assert not EntryRoute.objects.exists()
