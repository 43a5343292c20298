"""The synthetic placement activities for bench/placements.py: marked as generated, replaced on a rerun."""

import pytest

from hubs.models import Activity, ActivityKind, Partnership
from planning.generators.synthetic import (
    SYNTHETIC_PARTNERSHIP_SUMMARY,
    SYNTHETIC_PLACEMENT_NOTE,
    placement_activities_generate,
)
from tests.factories import CollegeFactory, TrustFactory

pytestmark = pytest.mark.django_db


def test_placements_are_generated_on_partnerships_with_the_colleges_own_trusts_and_replaced_on_a_rerun():
    # given: two colleges, each with two trusts in its ICS
    colleges = [CollegeFactory(), CollegeFactory()]
    for college in colleges:
        TrustFactory.create_batch(2, ics=college.ics)
    # when
    first = placement_activities_generate(seed=1, years=[2025, 2026])
    second = placement_activities_generate(seed=1, years=[2025, 2026])
    # then
    partnerships = Partnership.objects.filter(summary=SYNTHETIC_PARTNERSHIP_SUMMARY)
    assert first["partnerships_added"] >= 4 and second["partnerships_added"] == 0
    assert all(p.trust is None or p.trust.ics_id == p.college.ics_id for p in partnerships)
    activities = Activity.objects.filter(notes=SYNTHETIC_PLACEMENT_NOTE)
    assert activities.count() == second["activities"] == first["activities"]
    assert set(activities.values_list("kind", flat=True)) == {ActivityKind.INDUSTRY_PLACEMENT}
    assert all(a.placements_filled <= a.placements_offered for a in activities)
