import datetime as dt
import functools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.dates import validate_planning_date
from core.history import ChangeHistory
from core.roles import Role
from pathways.vocabulary import (
    LEVEL_VALIDATORS,
    RATE_VALIDATORS,
    QualificationType,
    academic_year_bounds,
)

UKPRN = RegexValidator(r"^1[0-9]{7}$", "A UKPRN is 8 digits starting with 1, e.g. 10000473.")


class College(models.Model):
    """A further education college, identified by its UK provider reference number."""

    ukprn = models.CharField("UKPRN", max_length=8, unique=True, validators=[UKPRN])
    name = models.CharField(max_length=200)
    provider_type = models.CharField(max_length=100, blank=True)
    ics = models.ForeignKey(
        "trusts.IntegratedCareSystem",
        on_delete=models.PROTECT,
        related_name="colleges",
        verbose_name="ICS",
        help_text="Where most of the college's apprentices are taught; the college may correct it.",
    )
    ics_share_of_enrolments = models.DecimalField(
        max_digits=4, decimal_places=3, null=True, blank=True,
        help_text="Share of the college's apprenticeship enrolments taught in this ICS (DfE data).",
    )
    postcode = models.CharField(max_length=8, blank=True)
    hub = models.ForeignKey(
        "hubs.Hub", null=True, blank=True, on_delete=models.SET_NULL, related_name="colleges"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="college_name")]  # the lists' default order
        constraints = [
            models.CheckConstraint(name="college_ukprn_format", condition=Q(ukprn__regex=r"^1[0-9]{7}$")),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.ukprn,)


class CollegeBoard(models.Model):
    """A college's membership of a board over a span of days (DESIGN.md 6.1), as for trusts: a college
    moves with its main delivery district."""

    member_field = "college"
    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="boards")
    ics = models.ForeignKey(
        "trusts.IntegratedCareSystem", on_delete=models.PROTECT, related_name="college_memberships"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["college", models.F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["college", "valid_from"], name="college_board_unique_start"),
            models.CheckConstraint(
                name="college_board_span_in_order",
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
            ),
        ]
        indexes = [models.Index(fields=["ics", "college"], name="college_board_ics")]

    def __str__(self):
        return f"{self.college_id} in {self.ics_id} from {self.valid_from or 'the start'} to {self.valid_to or 'now'}"


@functools.lru_cache(maxsize=256)
def _year_bounds(academic_year: str) -> tuple[dt.date, dt.date]:
    """academic_year_bounds, remembered: a bulk request's thousands of offers name a few years."""
    return academic_year_bounds(academic_year)


def offer_rules(*, academic_year, start_date, qualification_type, standard, level) -> tuple[int | None, dict[str, str]]:
    """The rules of an offer across its fields, over plain values (one place for them: `CourseOffer.clean`
    and the bulk path, which builds no instance): (the offer's level, {field: message} of what breaks).

    `standard` is the ApprenticeshipStandard named, or None; an apprenticeship offer without a level
    takes its standard's level."""
    errors = {}
    try:
        first_day, last_day = _year_bounds(academic_year)
    except ValueError as exc:
        errors["academic_year"] = str(exc)
    else:
        if start_date and not (first_day <= start_date <= last_day):
            errors["start_date"] = (
                f"The start date must fall inside {academic_year} "
                f"({first_day:%-d %B %Y} to {last_day:%-d %B %Y})."
            )
    if qualification_type == QualificationType.APPRENTICESHIP and standard is None:
        errors["apprenticeship_standard"] = "An apprenticeship offer must name its apprenticeship standard."
    elif standard is not None and qualification_type != QualificationType.APPRENTICESHIP:
        errors["apprenticeship_standard"] = "Only an apprenticeship offer names an apprenticeship standard."
    if level is None:
        if standard is not None and standard.level is not None:
            level = standard.level
        elif standard is not None:
            errors["level"] = f"{standard.reference} has no level yet: give the offer's level."
        elif "apprenticeship_standard" not in errors:
            errors["level"] = "Give the level of the course, from 1 to 8."
    return level, errors


class CourseOffer(models.Model):
    """A college's offer of a course in one academic year: the supply side of the gap report."""

    college = models.ForeignKey(College, on_delete=models.PROTECT, related_name="course_offers")
    course_code = models.CharField(max_length=40, help_text="The college's own code for the course.")
    title = models.CharField(max_length=200)
    qualification_type = models.CharField(max_length=20, choices=QualificationType.choices)
    level = models.PositiveSmallIntegerField(
        validators=LEVEL_VALIDATORS,
        blank=True,
        help_text="1 to 8. An apprenticeship offer takes its standard's level when none is given.",
    )
    apprenticeship_standard = models.ForeignKey(
        "pathways.ApprenticeshipStandard",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_offers",
        help_text="Required for an apprenticeship offer, and only named by one.",
    )
    academic_year = models.CharField(max_length=7, help_text="Like 2026/27: the second part is the next year.")
    start_date = models.DateField(
        validators=[validate_planning_date], help_text="Inside the academic year: 1 August to 31 July."
    )
    duration_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(72)], help_text="1 to 72 months."
    )
    planned_places = models.PositiveIntegerField(help_text="Learners the college plans to start (0 or more).")
    expected_completion_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=RATE_VALIDATORS,
        help_text="Share of starters expected to complete (0 to 1); blank uses the default of the qualification type.",
    )
    delivery_ics = models.ForeignKey(
        "trusts.IntegratedCareSystem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivered_course_offers",
        verbose_name="delivery ICS",
        help_text="Where the course is taught, when not in the college's own ICS.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    # History is read per offer (by id) and by date; other indexes would only slow bulk writes.
    history = ChangeHistory(no_db_index=["college", "apprenticeship_standard", "delivery_ics", "updated_at"])

    class Meta:
        # By college, course and year: the natural key's unique index serves it, so a page is an index
        # range, not a sort of every offer on college names (issue 13). Unique, so keyset cursors can use it.
        ordering = ["college_id", "course_code", "academic_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["college", "course_code", "academic_year"], name="course_offer_unique_natural_key"
            ),
            models.CheckConstraint(name="course_offer_level_1_to_8", condition=Q(level__gte=1, level__lte=8)),
            models.CheckConstraint(
                name="course_offer_duration_1_to_72", condition=Q(duration_months__gte=1, duration_months__lte=72)
            ),
            models.CheckConstraint(
                name="course_offer_rate_0_to_1",
                condition=Q(expected_completion_rate__isnull=True)
                | Q(expected_completion_rate__gte=0, expected_completion_rate__lte=1),
            ),
            models.CheckConstraint(
                name="course_offer_academic_year_format",
                condition=Q(academic_year__regex=r"^20[0-9]{2}/[0-9]{2}$"),
            ),
            models.CheckConstraint(
                name="course_offer_apprenticeship_names_standard",
                condition=~Q(qualification_type=QualificationType.APPRENTICESHIP)
                | Q(apprenticeship_standard__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.academic_year})"

    def get_absolute_url(self):
        return reverse("colleges:courseoffer_detail", args=[self.pk])

    def is_writable_by(self, user) -> bool:
        """Staff write any offer (checked by core.permissions); a college's users write its own."""
        return bool(user and user.is_authenticated and user.role == Role.COLLEGE and user.college_id == self.college_id)

    def clean(self):
        super().clean()
        standard = self.apprenticeship_standard if self.apprenticeship_standard_id else None
        level, errors = offer_rules(
            academic_year=self.academic_year, start_date=self.start_date,
            qualification_type=self.qualification_type, standard=standard, level=self.level,
        )
        self.level = level
        if errors:
            raise ValidationError(errors)

    @property
    def ics(self):
        """The ICS the offer supplies: where it is delivered, else the college's own."""
        return self.delivery_ics or self.college.ics

    # The gap rules live in pathways.rules (imported here when used: pathways imports this module).

    @property
    def completion_date(self) -> dt.date:
        from pathways.rules import completion_date

        return completion_date(self.start_date, self.duration_months)

    @property
    def effective_completion_rate(self) -> Decimal:
        from pathways.rules import completion_rate

        # A list annotates its offers with their type's default rate (colleges.selectors); else 1 query.
        default = getattr(self, "default_completion_rate", None)
        return completion_rate(self.expected_completion_rate, self.qualification_type, default)
