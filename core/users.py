"""Creating portal users with one role and the organisation it acts for (DESIGN.md section 2).

The scope models are reached through the user model's own relations, so this ground-floor module
imports no app."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from .errors import ApplicationError
from .roles import Role


def user_scope_find(
    *, role: str, hub_code: str | None = None, ics_code: str | None = None, ukprn: str | None = None
) -> dict:
    """The organisation a role acts for, from its code: {"hub": Hub} / {"ics": ICS} / {"college": College}.

    Refuses a scope missing for the role, given for another role, or naming nothing that exists.
    """
    user_model = get_user_model()
    Hub, IntegratedCareSystem, College = (  # noqa: N806 - model classes, reached without importing an app
        user_model._meta.get_field(name).related_model for name in ("hub", "ics", "college")
    )
    if role not in Role.values:
        raise ApplicationError(f"Unknown role {role!r}: choose one of {', '.join(Role.values)}.", {"role": ["unknown"]})
    given = {"hub": hub_code, "ics": ics_code, "college": ukprn}
    needed = {Role.COORDINATOR: "hub", Role.ICS: "ics", Role.COLLEGE: "college"}.get(role)
    flags = {"hub": "--hub REGION_CODE", "ics": "--ics ICB_CODE", "college": "--college UKPRN"}
    nouns = {"hub": "an employer hub", "ics": "an ICS", "college": "a college"}
    who = {
        Role.STAFF: "A portal administrator", Role.COORDINATOR: "A hub coordinator",
        Role.ICS: "An ICS people board analyst", Role.COLLEGE: "A college data officer",
    }[role]
    errors = {}
    for name, value in given.items():
        if value and name != needed:
            errors[name] = [f"{who} does not belong to {nouns[name]}: leave out {flags[name]}."]
    if needed and not given[needed]:
        errors[needed] = [f"{who} must belong to {nouns[needed]}: give {flags[needed]}."]
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], errors)
    if needed == "hub":
        found = Hub.objects.filter(region__code=hub_code.strip().upper()).first()
        what = f"No employer hub for region {hub_code!r} (hubs are keyed by their region's code, e.g. Y62)."
    elif needed == "ics":
        found = IntegratedCareSystem.objects.filter(code=ics_code.strip().upper()).first()
        what = f"No integrated care system with ICB code {ics_code!r} (e.g. QYG)."
    elif needed == "college":
        found = College.objects.filter(ukprn=ukprn.strip()).first()
        what = f"No college with UKPRN {ukprn!r} (8 digits, e.g. 10000473)."
    else:
        return {}
    if found is None:
        raise ApplicationError(what, {needed: [what]})
    closed_on = getattr(found, "closed_on", None) if needed == "ics" else None
    if closed_on is not None and closed_on < timezone.localdate():
        successors = ", ".join(
            f"{s.successor.code} {s.successor.name}" for s in found.successions_out.select_related("successor")
        )
        what = (f"{found.code} {found.name} closed on {closed_on:%-d %B %Y}: give the board that took over"
                + (f" ({successors})." if successors else "."))
        raise ApplicationError(what, {needed: [what]})
    return {needed: found}


def users_create(
    *,
    username: str,
    password: str,
    role: str,
    hub=None,
    ics=None,
    college=None,
    email: str = "",
    is_superuser: bool = False,
):
    """Create a portal user with one role and the organisation it acts for. Staff may use the Django admin."""
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise ApplicationError(f"A user named {username!r} already exists.", {"username": ["already exists"]})
    user = user_model(
        username=username,
        email=email,
        role=role,
        hub=hub,
        ics=ics,
        college=college,
        is_staff=role == Role.STAFF or is_superuser,
        is_superuser=is_superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), {"password": exc.messages}) from exc
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), exc.message_dict) from exc
    user.save()
    return user

