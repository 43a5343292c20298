"""The floor of bench/floor.py (DESIGN.md section 6 written as plain SQL) gives the very rows the engine
stores, on a small synthetic data set, in each of its variants: geography on two dates (before and after
the April 2026 board mergers), ranges, and backfill through routes taking people from another occupation."""

import datetime as dt

import pytest

from bench import floor
from planning.services import synthetic_data_generate

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LAST = dt.date(2026, 10, 1)


@pytest.fixture
def small_data():
    synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    with floor.backfill_routes() as routes:
        yield routes


def _stored(as_of):
    _, report_id = floor.time_portal(as_of=as_of, horizon_years=3)
    return floor.stored_rows(report_id)


@pytest.mark.parametrize("variant", floor.VARIANTS)
def test_floor_gives_the_engines_rows_after_the_mergers(small_data, variant):
    # given
    as_of = dt.date(2026, 9, 15)
    stored = _stored(as_of)
    # when
    rows = floor.floor_rows(variant, as_of=as_of, horizon_years=3)
    # then
    assert stored and {row[0] for row in stored} == {"ics", "region", "national"}
    assert any(row[-1] for row in stored), "the data exercises backfill"
    assert floor.differences(stored, rows) == []
    assert len(rows) == len(stored)


@pytest.mark.parametrize("variant", floor.VARIANTS)
def test_floor_gives_the_engines_rows_before_the_mergers(small_data, variant):
    # given
    as_of = dt.date(2026, 2, 15)
    stored = _stored(as_of)
    # when
    rows = floor.floor_rows(variant, as_of=as_of, horizon_years=3)
    # then
    assert stored
    assert floor.differences(stored, rows) == []
    assert len(rows) == len(stored)
