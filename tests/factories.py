"""factory_boy factories for the foundation's models, shared by every app's tests."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from colleges.models import College, CourseOffer
from core.roles import Role
from hubs.models import Hub
from pathways.models import ApprenticeshipStandard, CompletionRate, EntryRoute, Occupation, OccupationSector
from pathways.vocabulary import QualificationType
from portal.models import User
from trusts.models import IntegratedCareSystem, Region, Sector, Trust, TrustKind, Vacancy


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    # Y11..Y50: never a code a test names, real (Y56..Y63) or meant to be unknown (Y97..Y99), which
    # get_or_create would otherwise hand back when the sequence reached it
    code = factory.Sequence(lambda n: f"Y{11 + n % 40:02d}")
    name = factory.Sequence(lambda n: f"Region {n}")


class IntegratedCareSystemFactory(DjangoModelFactory):
    class Meta:
        model = IntegratedCareSystem
        django_get_or_create = ("code",)

    # Q, a digit, a letter (Q0A ... Q9Z): never one of the real codes the tests name (QNQ, QYG, QE1, ...), which
    # get_or_create would otherwise hand back as the same board when the sequence reached them
    code = factory.Sequence(lambda n: f"Q{n // 26 % 10}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"NHS Test {n} Integrated Care Board")
    region = factory.SubFactory(RegionFactory)


class TrustFactory(DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("ods_code",)

    ods_code = factory.Sequence(lambda n: f"R{n:04d}")
    name = factory.Sequence(lambda n: f"Test {n} NHS Foundation Trust")
    kind = TrustKind.ACUTE
    ics = factory.SubFactory(IntegratedCareSystemFactory)
    postcode = "AB1 2CD"


class CollegeFactory(DjangoModelFactory):
    class Meta:
        model = College
        django_get_or_create = ("ukprn",)

    ukprn = factory.Sequence(lambda n: f"1{n:07d}")
    name = factory.Sequence(lambda n: f"Test College {n}")
    ics = factory.SubFactory(IntegratedCareSystemFactory)


class HubFactory(DjangoModelFactory):
    class Meta:
        model = Hub
        django_get_or_create = ("region",)

    region = factory.SubFactory(RegionFactory)
    name = factory.LazyAttribute(lambda o: f"{o.region.name} employer hub for health and care")


class OccupationFactory(DjangoModelFactory):
    class Meta:
        model = Occupation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"occupation-{n}")
    name = factory.Sequence(lambda n: f"Occupation {n}")
    soc_code = "6131"
    staff_group = "Caring personal services"
    sector = OccupationSector.BOTH
    annual_leaver_rate = Decimal("0.10")


class ApprenticeshipStandardFactory(DjangoModelFactory):
    class Meta:
        model = ApprenticeshipStandard
        django_get_or_create = ("reference",)

    reference = factory.Sequence(lambda n: f"ST{9000 + n:04d}")
    title = factory.Sequence(lambda n: f"Standard {n}")
    level = 3
    duration_months = 18
    route = "Health and science"


class EntryRouteFactory(DjangoModelFactory):
    class Meta:
        model = EntryRoute

    occupation = factory.SubFactory(OccupationFactory)
    qualification_type = QualificationType.T_LEVEL
    level = 3
    conversion_rate = Decimal("0.50")
    lag_months = 0


class CompletionRateFactory(DjangoModelFactory):
    """A default completion rate; the migrations seed every type, so this updates nothing it finds."""

    class Meta:
        model = CompletionRate
        django_get_or_create = ("qualification_type",)

    qualification_type = QualificationType.T_LEVEL
    rate = Decimal("0.80")
    rate_low = Decimal("0.70")
    rate_high = Decimal("0.85")


class CourseOfferFactory(DjangoModelFactory):
    class Meta:
        model = CourseOffer

    college = factory.SubFactory(CollegeFactory)
    course_code = factory.Sequence(lambda n: f"C{n:05d}")
    title = factory.Sequence(lambda n: f"Health course {n}")
    qualification_type = QualificationType.T_LEVEL
    level = 3
    academic_year = "2026/27"
    start_date = dt.date(2026, 9, 1)
    duration_months = 24
    planned_places = 20


class VacancyFactory(DjangoModelFactory):
    class Meta:
        model = Vacancy

    sector = Sector.NHS
    trust = factory.SubFactory(TrustFactory)
    ics = factory.LazyAttribute(lambda o: o.trust.ics if o.trust else IntegratedCareSystemFactory())
    occupation = factory.SubFactory(OccupationFactory)
    period = dt.date(2026, 6, 1)
    vacancies_fte = Decimal("10.00")
    staff_in_post_fte = Decimal("100.00")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        if create:
            obj.save()

    class Params:
        staff = factory.Trait(role=Role.STAFF, is_staff=True)
        coordinator = factory.Trait(role=Role.COORDINATOR, hub=factory.SubFactory(HubFactory))
        ics_analyst = factory.Trait(role=Role.ICS, ics=factory.SubFactory(IntegratedCareSystemFactory))
        college_officer = factory.Trait(role=Role.COLLEGE, college=factory.SubFactory(CollegeFactory))


class BoardSuccessionFactory(DjangoModelFactory):
    """A closed board's area passing to a successor (share 1 unless given: a merger)."""

    class Meta:
        model = "trusts.BoardSuccession"

    predecessor = factory.SubFactory(IntegratedCareSystemFactory, closed_on=dt.date(2026, 3, 31))
    successor = factory.SubFactory(IntegratedCareSystemFactory)
    share = 1


class CouncilAreaFactory(DjangoModelFactory):
    """A council area (local authority district) wholly in one board unless a share is given."""

    class Meta:
        model = "trusts.CouncilArea"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"E06{n:06d}")
    name = factory.Sequence(lambda n: f"Council {n}")
    ics = factory.SubFactory(IntegratedCareSystemFactory)
    share = 1


class TrustBoardFactory(DjangoModelFactory):
    class Meta:
        model = "trusts.TrustBoard"

    trust = factory.SubFactory(TrustFactory)
    ics = factory.LazyAttribute(lambda o: o.trust.ics)


class CollegeBoardFactory(DjangoModelFactory):
    class Meta:
        model = "colleges.CollegeBoard"

    college = factory.SubFactory(CollegeFactory)
    ics = factory.LazyAttribute(lambda o: o.college.ics)
