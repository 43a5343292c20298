"""Service rules that pages and API share, and the labelled demo data."""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import ApplicationError
from hubs import services
from hubs.models import Activity, CaseStudy, Contact, Partnership
from tests.factories import CollegeFactory, HubFactory, IntegratedCareSystemFactory, TrustFactory
from tests.hubs.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def test_changing_the_trust_follows_the_new_trusts_ics(coordinator_user):
    # given
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub))
    new_trust = TrustFactory(ics=IntegratedCareSystemFactory())
    # when
    services.partnership_update(user=coordinator_user, partnership=partnership, trust=new_trust)
    # then
    partnership.refresh_from_db()
    assert partnership.trust == new_trust and partnership.ics == new_trust.ics


def test_contact_agendas_must_be_the_partnerships_own(coordinator_user):
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub), agendas=["estates"])
    with pytest.raises(ApplicationError) as error:
        services.contact_create(user=coordinator_user, partnership=partnership, side="college", team="course_leaders",
                                name="A", job_title="B", email="a@example.org", agendas=["governance"])
    assert "agendas" in error.value.errors
    assert not Contact.objects.exists()


def test_college_user_cannot_create_an_nhs_side_contact_through_the_service(college_user):
    partnership = PartnershipFactory(college=college_user.college, agendas=["estates"])
    with pytest.raises(PermissionDenied):
        services.contact_create(user=college_user, partnership=partnership, side="trust", team="", name="A",
                                job_title="B", email="a@example.org", agendas=["estates"])
    assert not Contact.objects.exists()


def test_coordinator_cannot_hand_a_case_study_to_another_hub(coordinator_user):
    college = CollegeFactory(hub=coordinator_user.hub)
    case_study = services.case_study_create(user=coordinator_user, hub=coordinator_user.hub, title="T",
                                            agenda="estates", summary="S", colleges=[college])
    with pytest.raises(PermissionDenied):
        services.case_study_update(user=coordinator_user, case_study=case_study, hub=HubFactory())
    case_study.refresh_from_db()
    assert case_study.hub == coordinator_user.hub


def test_demo_data_is_labelled_valid_and_added_once():
    # given
    hub = HubFactory()
    ics = IntegratedCareSystemFactory(region=hub.region)
    TrustFactory(ics=ics)
    for _ in range(4):
        CollegeFactory(hub=hub, ics=ics)
    # when
    first = services.hubs_demo_data_create(per_hub=3)
    second = services.hubs_demo_data_create(per_hub=3)
    # then
    assert first == {"partnerships added": 3, "case studies added": 1}
    assert second == {"partnerships added": 0, "case studies added": 0}
    assert all(p.summary.startswith("[Demo]") for p in Partnership.objects.all())
    assert all(c.title.startswith("[Demo]") for c in CaseStudy.objects.all())
    for activity in Activity.objects.all():
        activity.full_clean()
        assert activity.notes.startswith("[Demo]")
    for contact in Contact.objects.all():
        contact.full_clean()


def test_a_partnership_follows_its_trust_to_a_successor_board(coordinator_user):
    # given: the trust moved to another ICS after the partnership was recorded
    partnership = PartnershipFactory(college=CollegeFactory(hub=coordinator_user.hub), status="active")
    trust = partnership.trust
    trust.ics = IntegratedCareSystemFactory()
    trust.save()
    # when: only the status changes
    services.partnership_update(user=coordinator_user, partnership=partnership, status="strategic")
    # then
    partnership.refresh_from_db()
    assert partnership.status == "strategic" and partnership.ics == trust.ics


def test_demo_partnerships_work_on_roles_colleges_train_for():
    # given a hub with colleges and an occupation with an entry route
    from tests.factories import EntryRouteFactory, OccupationFactory

    hub = HubFactory()
    ics = IntegratedCareSystemFactory(region=hub.region)
    TrustFactory(ics=ics)
    CollegeFactory(hub=hub, ics=ics)
    trained = EntryRouteFactory().occupation
    OccupationFactory()  # no route: not chosen
    # when
    services.hubs_demo_data_create(per_hub=3)
    # then
    assert [list(p.occupations.all()) for p in Partnership.objects.all()] == [[trained]]
