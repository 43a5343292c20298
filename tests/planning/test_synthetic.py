"""The synthetic data generator at small scale: counts, marked synthetic, replacing its previous
set, the same data for the same seed, and real figures left alone."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from colleges.models import CourseOffer
from core.errors import ApplicationError
from core.models import DataLoad
from pathways.models import EntryRoute, Occupation
from planning.generators.synthetic import SCALES, SYNTHETIC_COURSE_PREFIX
from planning.services import synthetic_data_generate
from trusts.models import Trust, Vacancy

LAST = dt.date(2026, 10, 1)

pytestmark = pytest.mark.django_db


def test_small_scale_makes_the_promised_counts_all_marked_synthetic():
    # when
    result = synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    # then
    spec = SCALES["small"]
    assert result.occupations == spec.occupations == Occupation.objects.count()
    synthetic_occupations = Occupation.objects.filter(name__startswith="Synthetic occupation")
    assert synthetic_occupations.count() == result.synthetic_occupations_added > 0
    assert result.course_offers == spec.offers == CourseOffer.objects.count()
    assert not CourseOffer.objects.exclude(course_code__startswith=SYNTHETIC_COURSE_PREFIX).exists()
    assert not CourseOffer.objects.exclude(title__endswith="(synthetic)").exists()
    assert result.vacancies == Vacancy.objects.count() > 0
    assert not Vacancy.objects.filter(synthetic=False).exists()
    periods = list(Vacancy.objects.order_by("period").values_list("period", flat=True).distinct())
    assert len(periods) == spec.months and periods[-1] == LAST and all(p.day == 1 for p in periods)
    assert (result.integrated_care_systems, result.colleges) == (2, 4)
    load = DataLoad.objects.get(kind=DataLoad.Kind.SYNTHETIC)
    assert load.summary["vacancies"] == result.vacancies


def test_generated_rows_keep_the_models_rules():
    # given
    synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    # then: every row passes the same checks a user's row would
    for vacancy in Vacancy.objects.select_related("trust__ics", "ics", "occupation")[:300]:
        vacancy.full_clean(validate_unique=False, validate_constraints=False)
    for offer in CourseOffer.objects.select_related("college", "apprenticeship_standard")[:100]:
        offer.full_clean(validate_unique=False, validate_constraints=False)
    # and every offer leads to an occupation through some entry route
    routes = list(EntryRoute.objects.values_list("apprenticeship_standard_id", "qualification_type", "level"))
    by_standard = {standard for standard, _, _ in routes if standard}
    by_shape = {(kind, level) for standard, kind, level in routes if not standard}
    for offer in CourseOffer.objects.all():
        assert offer.apprenticeship_standard_id in by_standard or (offer.qualification_type, offer.level) in by_shape


def test_a_second_run_replaces_the_first_with_the_same_data():
    # given
    synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    fields = ("sector", "ics_id", "occupation_id", "period", "vacancies_fte", "staff_in_post_fte")
    first = list(Vacancy.objects.order_by("ics_id", "trust_id", "occupation_id", "period").values_list(*fields))
    offers = sorted(CourseOffer.objects.values_list("course_code", "planned_places"))
    # when
    again = synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    # then
    assert again.replaced_vacancies == len(first)
    assert again.replaced_course_offers == len(offers)
    assert again.synthetic_occupations_added == 0 and again.synthetic_routes_added == 0
    assert list(Vacancy.objects.order_by("ics_id", "trust_id", "occupation_id", "period").values_list(*fields)) == first
    assert sorted(CourseOffer.objects.values_list("course_code", "planned_places")) == offers


def test_real_vacancy_figures_are_never_replaced():
    # given: the reference data, and one real figure where the generator would write
    synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    vacancy = Vacancy.objects.filter(trust__isnull=False).order_by("id").first()
    key = dict(sector=vacancy.sector, trust=vacancy.trust, occupation=vacancy.occupation, period=vacancy.period)
    vacancy.delete()
    real = Vacancy.objects.create(ics=vacancy.trust.ics, vacancies_fte=Decimal("1.00"), **key)
    # when
    synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    # then
    real.refresh_from_db()
    assert real.vacancies_fte == Decimal("1.00") and real.synthetic is False
    assert Vacancy.objects.filter(**key).count() == 1


def test_an_unknown_scale_is_refused():
    with pytest.raises(ApplicationError):
        synthetic_data_generate(scale="galaxy")


def test_the_command_says_the_data_is_synthetic(capsys):
    # when
    call_command("generate_synthetic", "--scale", "small", "--last-month", "2026-10")
    # then
    out = capsys.readouterr().out
    assert "NOT REAL DATA" in out
    assert Trust.objects.exists() and Vacancy.objects.filter(synthetic=True).exists()


def test_reference_data_already_loaded_is_left_as_it_is():
    # given: a college whose ICS was corrected in the portal
    synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    from colleges.models import College
    from trusts.models import IntegratedCareSystem

    college = College.objects.order_by("ukprn").first()
    corrected = IntegratedCareSystem.objects.exclude(pk=college.ics_id).order_by("code").first()
    college.ics = corrected
    college.save()
    # when
    synthetic_data_generate(scale="small", seed=7, last_period=LAST)
    # then
    college.refresh_from_db()
    assert college.ics == corrected
