"""manage.py load_demo_data: the demo generator (planning.generators.demo), said aloud."""

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from core.production import refuse_in_production
from planning.generators.demo import DEFAULT_DEMO_PASSWORD, demo_data_load, demo_logins, demo_password


class Command(BaseCommand):
    help = (
        "Load generated demonstration data (hubs, course offers, vacancies, and more) and one demo login per "
        "role, labelled as demonstration data. Needs load_reference_data first. Safe to run again. The logins' "
        f"password is $DEMO_PASSWORD, else {DEFAULT_DEMO_PASSWORD!r}."
    )

    def handle(self, *args, **options):
        refuse_in_production(
            "load_demo_data", "it creates generated figures and demo logins whose password is published."
        )
        try:
            summary = demo_data_load()
        except ApplicationError as exc:
            raise CommandError(str(exc)) from exc
        for label, created in summary.items():
            self.stdout.write(f"{label}: " + "; ".join(f"{count} {what}" for what, count in created.items()))
        password = demo_password()
        self.stdout.write(self.style.SUCCESS("Demonstration data loaded. Demo logins (demonstration only):"))
        for username, role, organisation in demo_logins():
            where = f", {organisation}" if organisation else ""
            self.stdout.write(f"  {username:<12} password {password:<20} {role}{where}")
        self.stdout.write("  (A login that already existed keeps the password it was given.)")
