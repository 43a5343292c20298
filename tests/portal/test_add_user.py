"""`manage.py add_user` creates a user with one role and the organisation that role acts for."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core.roles import Role
from portal.models import User
from tests.factories import CollegeFactory, HubFactory, IntegratedCareSystemFactory, RegionFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def organisations():
    north_west = RegionFactory(code="Y62", name="North West")
    return {
        "hub": HubFactory(region=north_west),
        "ics": IntegratedCareSystemFactory(code="QYG", region=north_west),
        "college": CollegeFactory(ukprn="10003193", name="Hugh Baird College"),
    }


def add_user(*args):
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def test_a_staff_user_needs_no_scope_and_may_use_the_admin():
    # when
    output = add_user("admin1", "--password", PASSWORD, "--role", "staff")

    # then
    user = User.objects.get(username="admin1")
    assert (user.role, user.hub, user.ics, user.college) == (Role.STAFF, None, None, None)
    assert user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORD)
    assert "Created admin1" in output


def test_a_staff_user_can_be_made_a_superuser():
    add_user("root", "--password", PASSWORD, "--role", "staff", "--superuser")

    assert User.objects.get(username="root").is_superuser


@pytest.mark.parametrize(
    ("role", "flag", "code", "field"),
    [
        ("coordinator", "--hub", "Y62", "hub"),
        ("ics", "--ics", "QYG", "ics"),
        ("college", "--college", "10003193", "college"),
    ],
)
def test_each_scoped_role_belongs_to_the_organisation_its_flag_names(organisations, role, flag, code, field):
    # when
    output = add_user("someone", "--password", PASSWORD, "--role", role, flag, code)

    # then the user acts for that organisation, and no other
    user = User.objects.get(username="someone")
    assert user.role == role
    assert getattr(user, field) == organisations[field]
    assert [name for name in ("hub", "ics", "college") if getattr(user, f"{name}_id")] == [field]
    assert not user.is_staff
    assert str(organisations[field]) in output


def test_a_region_or_icb_code_may_be_given_in_lower_case(organisations):
    add_user("someone", "--password", PASSWORD, "--role", "ics", "--ics", "qyg")

    assert User.objects.get(username="someone").ics == organisations["ics"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "coordinator"], "A hub coordinator must belong to an employer hub: give --hub REGION_CODE"),
        (["--role", "ics"], "An ICS people board analyst must belong to an ICS: give --ics ICB_CODE"),
        (["--role", "college"], "A college data officer must belong to a college: give --college UKPRN"),
        (["--role", "coordinator", "--hub", "Y99"], "No employer hub for region 'Y99'"),
        (["--role", "ics", "--ics", "QZZ"], "No integrated care system with ICB code 'QZZ'"),
        (["--role", "college", "--college", "19999999"], "No college with UKPRN '19999999'"),
        (["--role", "staff", "--ics", "QYG"], "does not belong to an ICS: leave out --ics ICB_CODE"),
        (["--role", "college", "--college", "10003193", "--hub", "Y62"], "leave out --hub REGION_CODE"),
        (["--role", "ics", "--ics", "QYG", "--superuser"], "Only a staff user can be a superuser"),
    ],
)
def test_a_missing_unknown_or_misplaced_scope_is_a_clear_error_and_creates_no_one(organisations, args, message):
    with pytest.raises(CommandError, match=message):
        add_user("someone", "--password", PASSWORD, *args)

    assert not User.objects.filter(username="someone").exists()


def test_an_unknown_role_is_refused():
    with pytest.raises(CommandError, match="invalid choice: 'boss'"):
        add_user("someone", "--password", PASSWORD, "--role", "boss")


def test_an_existing_username_is_refused(organisations):
    add_user("someone", "--password", PASSWORD, "--role", "staff")

    with pytest.raises(CommandError, match="already exists"):
        add_user("Someone", "--password", PASSWORD, "--role", "ics", "--ics", "QYG")
    assert User.objects.get(username="someone").role == Role.STAFF


def test_a_weak_password_is_refused():
    with pytest.raises(CommandError, match="too short"):
        add_user("someone", "--password", "abc", "--role", "staff")

    assert not User.objects.exists()


def test_a_board_that_has_closed_is_refused_naming_its_successor(organisations):
    import datetime as dt

    from trusts.models import BoardSuccession

    # given QYG closed on 31 March 2026, taken over by Z9B2Z
    closed = organisations["ics"]
    closed.closed_on = dt.date(2026, 3, 31)
    closed.save()
    successor = IntegratedCareSystemFactory(code="Z9B2Z", name="NHS West and North London ICB",
                                            opened_on=dt.date(2026, 4, 1))
    BoardSuccession.objects.create(predecessor=closed, successor=successor, share=1)
    # when / then
    with pytest.raises(CommandError, match=r"closed on 31 March 2026: give the board that took over \(Z9B2Z NHS West"):
        add_user("someone", "--password", PASSWORD, "--role", "ics", "--ics", "qyg")
    assert not User.objects.filter(username="someone").exists()
    add_user("someone", "--password", PASSWORD, "--role", "ics", "--ics", "Z9B2Z")
    assert User.objects.get(username="someone").ics == successor
