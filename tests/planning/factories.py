"""factory_boy factories for the pathways app's own models (the shared ones are in tests/factories.py)."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from planning.models import GapReport, GapReportRow, Scenario
from tests.factories import OccupationFactory


class GapReportFactory(DjangoModelFactory):
    """A finished report by default; pass status="pending"/"running"/"failed" for the others."""

    class Meta:
        model = GapReport

    status = GapReport.Status.SUCCEEDED
    progress = factory.LazyAttribute(lambda o: 100 if o.status == GapReport.Status.SUCCEEDED else 0)
    as_of = dt.date(2026, 11, 1)
    horizon_years = 3
    finished_at = factory.LazyFunction(lambda: dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))
    inputs = factory.LazyFunction(lambda: {"vacancy_rows": 120, "course_offers": 45, "entry_routes": 12})


class GapReportRowFactory(DjangoModelFactory):
    """One row; gap_fte and coverage follow from demand and supply unless given."""

    class Meta:
        model = GapReportRow

    report = factory.SubFactory(GapReportFactory)
    level = GapReportRow.Level.ICS
    code = "QAA"
    name = "NHS Test Integrated Care Board"
    occupation = factory.SubFactory(OccupationFactory)
    year = 1
    demand_fte = Decimal("100")
    supply_fte = Decimal("40")
    gap_fte = factory.LazyAttribute(lambda o: o.demand_fte - o.supply_fte)
    coverage = factory.LazyAttribute(lambda o: o.supply_fte / o.demand_fte if o.demand_fte else None)


class ScenarioFactory(DjangoModelFactory):
    """A private scenario of an ICS (pass ics=None for England), with no offers or adjustments."""

    class Meta:
        model = Scenario

    name = factory.Sequence(lambda n: f"Scenario {n}")
    description = ""
    ics = factory.SubFactory("tests.factories.IntegratedCareSystemFactory")
    shared = False
    created_by = None
