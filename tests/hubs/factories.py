"""Factories for the hubs app's models. A partnership's college is in a hub and its ICS is the trust's."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from hubs.models import (
    Activity,
    ActivityKind,
    Agenda,
    CaseStudy,
    CollegeTeam,
    Contact,
    ContactSide,
    Partnership,
    PartnershipAgenda,
    PartnershipOccupation,
    PartnershipStatus,
)
from tests.factories import CollegeFactory, HubFactory, TrustFactory


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    college = factory.SubFactory(CollegeFactory, hub=factory.SubFactory(HubFactory))
    trust = factory.SubFactory(TrustFactory)
    ics = factory.LazyAttribute(lambda o: o.trust.ics if o.trust else None)
    status = PartnershipStatus.ACTIVE
    started_on = dt.date(2025, 9, 1)
    summary = "Placements and curriculum work together."

    @factory.post_generation
    def agendas(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            for code in extracted if extracted is not None else [Agenda.WORKFORCE_AND_LEARNING]:
                PartnershipAgenda.objects.create(partnership=obj, agenda=code)

    @factory.post_generation
    def occupations(obj, create, extracted, **kwargs):  # noqa: N805
        """PartnershipFactory(occupations=[occupation, ...]): the roles it works on (none by default)."""
        if create and extracted:
            for occupation in extracted:
                PartnershipOccupation.objects.create(partnership=obj, occupation=occupation)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    partnership = factory.SubFactory(PartnershipFactory)
    side = ContactSide.COLLEGE
    team = CollegeTeam.SENIOR_LEADERSHIP
    name = factory.Sequence(lambda n: f"Person {n}")
    job_title = "Vice principal"
    email = factory.Sequence(lambda n: f"person{n}@example.org")


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    partnership = factory.SubFactory(PartnershipFactory)
    kind = ActivityKind.INDUSTRY_PLACEMENT
    happened_on = dt.date(2026, 3, 1)
    learners = 10
    placements_offered = 8
    placements_filled = 6
    interviews_guaranteed = 0
    hires = 1


class CaseStudyFactory(DjangoModelFactory):
    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    hub = factory.SubFactory(HubFactory)
    title = factory.Sequence(lambda n: f"Case study {n}")
    agenda = Agenda.WORKFORCE_AND_LEARNING
    summary = "What was done and how."
    learners = 30

    @factory.post_generation
    def colleges(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.colleges.set(extracted if extracted is not None else [CollegeFactory(hub=obj.hub)])
