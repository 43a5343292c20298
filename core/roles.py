"""The four roles of DESIGN.md section 2 and the one question every write asks: in scope?"""

from django.db import models


class Role(models.TextChoices):
    STAFF = "staff", "Portal administrator"
    COORDINATOR = "coordinator", "Hub coordinator"
    ICS = "ics", "ICS people board analyst"
    COLLEGE = "college", "College data officer"


def is_staff(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.STAFF))
