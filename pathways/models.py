from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from core.history import ChangeHistory

from .vocabulary import LEVEL_VALIDATORS, RATE_VALIDATORS, QualificationType

STANDARD_REFERENCE = RegexValidator(
    r"^ST[0-9]{4}(-[0-9]{2})?$", "An apprenticeship reference looks like ST0216 or ST0006-02."
)
SOC2020_CODE = RegexValidator(r"^[1-9][0-9]{3}$", "A SOC 2020 unit group code is four digits, e.g. 6131.")


class OccupationSector(models.TextChoices):
    NHS = "nhs", "NHS"
    SOCIAL_CARE = "social_care", "Social care"
    BOTH = "both", "NHS and social care"


def fill_range(obj, central: str, low: str, high: str) -> None:
    """A low or high rate left empty equals its central rate (DESIGN.md section 5)."""
    if getattr(obj, low) is None:
        setattr(obj, low, getattr(obj, central))
    if getattr(obj, high) is None:
        setattr(obj, high, getattr(obj, central))


class Occupation(models.Model):
    """A health or care role, tied to its SOC 2020 unit group."""

    code = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    soc_code = models.CharField("SOC 2020 code", max_length=4, validators=[SOC2020_CODE])
    staff_group = models.CharField(max_length=100, blank=True)
    sector = models.CharField(max_length=16, choices=OccupationSector.choices)
    annual_leaver_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=0,
        validators=RATE_VALIDATORS,
        help_text="Share of staff in post who leave each year and must be replaced (0 to 1).",
    )
    annual_leaver_rate_low = models.DecimalField(
        max_digits=5, decimal_places=4, blank=True, validators=RATE_VALIDATORS,
        help_text="The low case's leaver rate (DESIGN.md 6.2); at most the central rate.",
    )
    annual_leaver_rate_high = models.DecimalField(
        max_digits=5, decimal_places=4, blank=True, validators=RATE_VALIDATORS,
        help_text="The high case's leaver rate; at least the central rate.",
    )
    description = models.TextField(blank=True)  # the ONS description of its SOC 2020 unit group
    # Plain words for the public pathway pages (data/occupation_descriptions.csv), shown instead of the
    # SOC wording; blank where the portal does not know.
    plain_description = models.TextField(blank=True, help_text="What the job is, in plain English.")
    entry_requirements = models.TextField(blank=True, help_text="What it usually takes to start, in plain English.")
    pay_band = models.CharField(
        max_length=40, blank=True, help_text="Typical NHS Agenda for Change band where the role is NHS, e.g. Band 5."
    )
    source = models.CharField(
        max_length=400, blank=True, help_text="Where the entry requirements and the pay band come from."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="occupation_leaver_rate_0_to_1",
                condition=Q(annual_leaver_rate__gte=0, annual_leaver_rate__lte=1),
            ),
            models.CheckConstraint(
                name="occupation_leaver_range_in_order",
                condition=Q(annual_leaver_rate_low__lte=models.F("annual_leaver_rate"))
                & Q(annual_leaver_rate__lte=models.F("annual_leaver_rate_high"))
                & Q(annual_leaver_rate_low__gte=0, annual_leaver_rate_high__lte=1),
            ),
            models.CheckConstraint(name="occupation_soc_format", condition=Q(soc_code__regex=r"^[1-9][0-9]{3}$")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        fill_range(self, "annual_leaver_rate", "annual_leaver_rate_low", "annual_leaver_rate_high")
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.code,)


class StandardStatus(models.TextChoices):
    """A standard's status in the Skills England export (labels as published), plus one of the portal's
    own for a standard that the current list no longer names (kept from an older list, as history)."""

    APPROVED = "approved", "Approved for delivery"
    PAUSED = "paused", "Approved for delivery (paused for starts)"
    IN_DEVELOPMENT = "in_development", "In development"
    PROPOSAL = "proposal", "Proposal in development"
    RETIRED = "retired", "Retired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    NOT_LISTED = "not_listed", "Not in the current list"


# A standard is current while it is approved for delivery, including while starts are paused:
# apprentices already on it carry on and course offers of it still count.
CURRENT_STATUSES = (StandardStatus.APPROVED, StandardStatus.PAUSED)


class ApprenticeshipStandard(models.Model):
    """An apprenticeship standard approved by IfATE (now Skills England).

    The current list is Skills England's export (status, version); standards that only an older list
    names are kept, with the status "not in the current list" (DESIGN.md section 7).
    """

    reference = models.CharField(max_length=9, unique=True, validators=[STANDARD_REFERENCE])
    title = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=LEVEL_VALIDATORS, help_text="Blank while not yet set by IfATE."
    )
    duration_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(72)]
    )
    route = models.CharField(max_length=100, blank=True)
    lars_code = models.CharField("LARS code", max_length=10, blank=True)
    approved_for_delivery_on = models.DateField(null=True, blank=True)
    version = models.CharField(max_length=10, blank=True, help_text="The version in force, e.g. 1.3.")
    status = models.CharField(max_length=20, choices=StandardStatus.choices, default=StandardStatus.APPROVED)
    retired_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                name="standard_reference_format", condition=Q(reference__regex=r"^ST[0-9]{4}(-[0-9]{2})?$")
            ),
            models.CheckConstraint(
                name="standard_level_1_to_8", condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=8)
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def natural_key(self):
        return (self.reference,)

    @property
    def current(self) -> bool:
        """Approved for delivery (starts may be paused): see CURRENT_STATUSES."""
        return self.status in CURRENT_STATUSES


class EntryRoute(models.Model):
    """How completers of a kind of course enter an occupation.

    Matches an offer by its apprenticeship standard when one is set here; otherwise by
    qualification type and level (DESIGN.md section 6).
    """

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="entry_routes")
    qualification_type = models.CharField(max_length=20, choices=QualificationType.choices)
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    apprenticeship_standard = models.ForeignKey(
        ApprenticeshipStandard, null=True, blank=True, on_delete=models.PROTECT, related_name="entry_routes"
    )
    conversion_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        validators=RATE_VALIDATORS,
        help_text="Share of completers who take up the occupation (0 to 1).",
    )
    conversion_rate_low = models.DecimalField(
        max_digits=5, decimal_places=4, blank=True, validators=RATE_VALIDATORS,
        help_text="The low case's conversion rate (DESIGN.md 6.2); at most the central rate.",
    )
    conversion_rate_high = models.DecimalField(
        max_digits=5, decimal_places=4, blank=True, validators=RATE_VALIDATORS,
        help_text="The high case's conversion rate; at least the central rate.",
    )
    from_occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.PROTECT, related_name="backfill_routes",
        help_text="When the route trains people already working in this occupation (DESIGN.md 6.3).",
    )
    lag_months = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(120)], help_text="Months from completion to starting in the role."
    )
    notes = models.TextField(blank=True)

    history = ChangeHistory()

    class Meta:
        ordering = ["occupation__name", "qualification_type", "level"]
        constraints = [
            models.CheckConstraint(name="entry_route_level_1_to_8", condition=Q(level__gte=1, level__lte=8)),
            models.CheckConstraint(
                name="entry_route_conversion_0_to_1", condition=Q(conversion_rate__gte=0, conversion_rate__lte=1)
            ),
            models.CheckConstraint(
                name="entry_route_conversion_range_in_order",
                condition=Q(conversion_rate_low__lte=models.F("conversion_rate"))
                & Q(conversion_rate__lte=models.F("conversion_rate_high"))
                & Q(conversion_rate_low__gte=0, conversion_rate_high__lte=1),
            ),
            models.CheckConstraint(
                name="entry_route_not_from_its_own_occupation", condition=~Q(from_occupation=models.F("occupation"))
            ),
            models.UniqueConstraint(
                fields=["occupation", "apprenticeship_standard"],
                condition=Q(apprenticeship_standard__isnull=False),
                name="entry_route_unique_standard",
            ),
            models.UniqueConstraint(
                fields=["occupation", "qualification_type", "level"],
                condition=Q(apprenticeship_standard__isnull=True),
                name="entry_route_unique_type_level",
            ),
        ]

    def __str__(self):
        how = self.apprenticeship_standard or f"{self.get_qualification_type_display()} level {self.level}"
        return f"{how} -> {self.occupation}"

    def save(self, *args, **kwargs):
        fill_range(self, "conversion_rate", "conversion_rate_low", "conversion_rate_high")
        super().save(*args, **kwargs)

    def clean(self):
        """A route through a named standard is an apprenticeship at that standard's level."""
        super().clean()
        standard = self.apprenticeship_standard if self.apprenticeship_standard_id else None
        if standard is None:
            return
        errors = {}
        if self.qualification_type and self.qualification_type != QualificationType.APPRENTICESHIP:
            errors["qualification_type"] = (
                f"A route through {standard.reference} is an apprenticeship: set the type to apprenticeship, "
                "or clear the standard for a route by type and level."
            )
        if standard.level and self.level and self.level != standard.level:
            errors["level"] = f"{standard.reference} is a level {standard.level} standard, not level {self.level}."
        if errors:
            raise ValidationError(errors)

    @property
    def how(self) -> str:
        """The course this route starts from, in words."""
        if self.apprenticeship_standard_id:
            standard = self.apprenticeship_standard
            return f"{standard.title} apprenticeship ({standard.reference}, level {self.level})"
        return f"{self.get_qualification_type_display()} at level {self.level}"


class CompletionRate(models.Model):
    """The default share of starters who complete, by qualification type, with its range (DESIGN.md 6.2):
    used for an offer that gives no rate of its own. Seeded from vocabulary.DEFAULT_COMPLETION_RATES."""

    qualification_type = models.CharField(max_length=20, choices=QualificationType.choices, unique=True)
    rate = models.DecimalField(max_digits=5, decimal_places=4, validators=RATE_VALIDATORS)
    rate_low = models.DecimalField(max_digits=5, decimal_places=4, validators=RATE_VALIDATORS)
    rate_high = models.DecimalField(max_digits=5, decimal_places=4, validators=RATE_VALIDATORS)
    basis = models.TextField(blank=True, help_text="Where the rate and its range come from.")

    history = ChangeHistory()

    class Meta:
        ordering = ["qualification_type"]
        constraints = [
            models.CheckConstraint(
                name="completion_rate_range_in_order",
                condition=Q(rate_low__lte=models.F("rate")) & Q(rate__lte=models.F("rate_high"))
                & Q(rate_low__gte=0, rate_high__lte=1),
            ),
        ]

    def __str__(self):
        return f"{self.get_qualification_type_display()}: {self.rate}"

    def clean(self):
        """rate_low <= rate <= rate_high, each error on the field that is out of order (admin and services)."""
        super().clean()
        if self.rate is None:
            return
        errors = {}
        if self.rate_low is not None and self.rate_low > self.rate:
            errors["rate_low"] = f"The low value must not be above the central rate ({self.rate})."
        if self.rate_high is not None and self.rate_high < self.rate:
            errors["rate_high"] = f"The high value must not be below the central rate ({self.rate})."
        if errors:
            raise ValidationError(errors)

    def natural_key(self):
        return (self.qualification_type,)


class Progression(models.Model):
    """A step from one occupation to another (healthcare support worker -> nursing associate)."""

    from_occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="progressions_out")
    to_occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="progressions_in")
    typical_months = models.PositiveSmallIntegerField(null=True, blank=True)
    via = models.CharField(max_length=200, blank=True, help_text="The course or programme that makes the step.")

    class Meta:
        ordering = ["from_occupation__name", "to_occupation__name"]
        constraints = [
            models.UniqueConstraint(fields=["from_occupation", "to_occupation"], name="progression_unique"),
            models.CheckConstraint(
                name="progression_not_to_itself", condition=~Q(from_occupation=models.F("to_occupation"))
            ),
        ]

    def __str__(self):
        return f"{self.from_occupation} -> {self.to_occupation}"

    def clean(self):
        super().clean()
        if self.from_occupation_id and self.from_occupation_id == self.to_occupation_id:
            raise ValidationError({"to_occupation": "A progression leads to a different occupation."})
