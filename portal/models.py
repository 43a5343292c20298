from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.roles import Role


class User(AbstractUser):
    """A portal user: one role, and the one organisation that role acts for."""

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    hub = models.ForeignKey(
        "hubs.Hub", null=True, blank=True, on_delete=models.PROTECT, related_name="coordinators"
    )
    ics = models.ForeignKey(
        "trusts.IntegratedCareSystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="analysts",
        verbose_name="ICS",
    )
    college = models.ForeignKey(
        "colleges.College", null=True, blank=True, on_delete=models.PROTECT, related_name="data_officers"
    )

    class Meta:
        constraints = [
            # Each scoped role names exactly the organisation it acts for, and no other.
            models.CheckConstraint(
                name="user_role_scope_matches",
                condition=(
                    Q(role=Role.STAFF, hub__isnull=True, ics__isnull=True, college__isnull=True)
                    | Q(role=Role.COORDINATOR, hub__isnull=False, ics__isnull=True, college__isnull=True)
                    | Q(role=Role.ICS, hub__isnull=True, ics__isnull=False, college__isnull=True)
                    | Q(role=Role.COLLEGE, hub__isnull=True, ics__isnull=True, college__isnull=False)
                ),
            )
        ]

    def clean(self):
        super().clean()
        needed = {Role.COORDINATOR: "hub", Role.ICS: "ics", Role.COLLEGE: "college"}
        errors = {}
        for role, field in needed.items():
            value = getattr(self, f"{field}_id")
            if self.role == role and value is None:
                errors[field] = f"A {Role(role).label.lower()} must belong to a {field}."
            elif self.role != role and value is not None:
                errors[field] = f"Only a {Role(role).label.lower()} belongs to a {field}."
        if errors:
            raise ValidationError(errors)

    @property
    def is_portal_staff(self) -> bool:
        return self.is_superuser or self.role == Role.STAFF

    @property
    def organisation(self):
        return self.hub or self.ics or self.college


class ApiToken(models.Model):
    """An API token, stored as the SHA-256 digest of its key: the key itself is shown once, when the
    token is made, and never kept. `prefix` (the key's first characters) lets people tell tokens apart.

    Sent as `Authorization: Token <key>` (portal.authentication.PortalTokenAuthentication). A token
    stops working at `expires_at`; `last_used_at` is kept to the minute (settings), not per request.
    """

    PREFIX_LENGTH = 8

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key, in hex.")
    prefix = models.CharField(max_length=PREFIX_LENGTH, help_text="The key's first characters, for display.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__username", "-created_at"]
        verbose_name = "API token"

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
