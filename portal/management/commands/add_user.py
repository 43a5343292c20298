"""Create a portal user with a role and its scope (DESIGN.md section 5)."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.roles import Role
from core.users import user_scope_find, users_create


class Command(BaseCommand):
    help = (
        "Create a user: add_user USERNAME --password P --role staff|coordinator|ics|college "
        "[--hub REGION_CODE] [--ics ICB_CODE] [--college UKPRN]. A coordinator needs --hub, an ICS "
        "analyst --ics, a college data officer --college; staff need none."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--hub", metavar="REGION_CODE", help="the hub's region code, e.g. Y62 (coordinator)")
        parser.add_argument("--ics", metavar="ICB_CODE", help="the ICB ODS code, e.g. QYG (ics)")
        parser.add_argument("--college", metavar="UKPRN", help="the college's UKPRN, e.g. 10000473 (college)")
        parser.add_argument("--email", default="")
        parser.add_argument("--superuser", action="store_true", help="also a Django superuser (staff role only)")

    def handle(self, *args, username, password, role, hub, ics, college, email, superuser, **options):
        if superuser and role != Role.STAFF:
            raise CommandError("Only a staff user can be a superuser.")
        try:
            scope = user_scope_find(role=role, hub_code=hub, ics_code=ics, ukprn=college)
            user = users_create(
                username=username, password=password, role=role, email=email, is_superuser=superuser, **scope
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        where = f" for {user.organisation}" if user.organisation else ""
        self.stdout.write(self.style.SUCCESS(f"Created {user.username}: {Role(role).label}{where}."))
