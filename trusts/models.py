import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from core.dates import validate_planning_date
from core.history import ChangeHistory

REGION_CODE = RegexValidator(r"^Y[0-9]{2}$", "A region code is Y followed by two digits, e.g. Y56.")
# ICB ODS codes of both forms: the three-character codes of 2022 (QE1) and the five-character codes
# that boards opened since 2026 carry (Z9B2Z).
ICB_CODE_PATTERN = r"^(Q[A-Z0-9]{2}|[A-Z][A-Z0-9]{4})$"
ICB_CODE = RegexValidator(
    ICB_CODE_PATTERN,
    "An ICB ODS code is Q and two letters or digits (QE1), or five capital letters or digits (Z9B2Z).",
)
TRUST_CODE = RegexValidator(
    r"^[A-Z0-9]{3,5}$", "An NHS trust ODS code is 3 to 5 capital letters or digits, e.g. RXN."
)


class Sector(models.TextChoices):
    NHS = "nhs", "NHS"
    SOCIAL_CARE = "social_care", "Social care"


class Region(models.Model):
    """An NHS England region (7), keyed by its ODS code."""

    code = models.CharField(max_length=3, unique=True, validators=[REGION_CODE])
    name = models.CharField(max_length=100, unique=True)
    ons_code = models.CharField(max_length=9, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(name="region_code_format", condition=Q(code__regex=r"^Y[0-9]{2}$"))]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


def ics_short_name(name: str) -> str:
    """'NHS Cheshire and Merseyside Integrated Care Board' -> 'Cheshire and Merseyside'."""
    return name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


def month_span(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last days of the month of `day`."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def open_on_q(day, prefix: str = "") -> Q:
    """Boards open on `day` (DESIGN.md 6.1): opened_on null or <= day, and closed_on null or >= day."""
    return (Q(**{f"{prefix}opened_on__isnull": True}) | Q(**{f"{prefix}opened_on__lte": day})) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": day})
    )


class IntegratedCareSystemQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(open_on_q(day))

    def current(self):
        """The boards open today."""
        from django.utils import timezone

        return self.open_on(timezone.localdate())


class IntegratedCareSystem(models.Model):
    """An ICS, identified by the ODS code of its integrated care board.

    Boards merge and split (April 2026): a board is then closed (`closed_on`, its last day) and its
    successions (`successions_out`) name its successors with shares, so that vacancies, offers and
    reports recorded against it keep their history.
    """

    code = models.CharField("ICB ODS code", max_length=5, unique=True, validators=[ICB_CODE])
    ons_code = models.CharField("ONS code", max_length=9, blank=True)
    name = models.CharField(max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="integrated_care_systems")
    opened_on = models.DateField(
        null=True, blank=True, help_text="Its first day; blank when open since before records."
    )
    closed_on = models.DateField(null=True, blank=True, help_text="Its last day; blank while open.")

    objects = IntegratedCareSystemQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "integrated care system"
        constraints = [
            models.CheckConstraint(name="ics_code_format", condition=Q(code__regex=ICB_CODE_PATTERN)),
            models.CheckConstraint(
                name="ics_opens_before_it_closes",
                condition=Q(opened_on__isnull=True) | Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def short_name(self):
        return ics_short_name(self.name)

    def is_open_on(self, day) -> bool:
        """Open on `day` (DESIGN.md 6.1): opened_on blank or <= day, closed_on blank or >= day."""
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or self.closed_on >= day)

    def is_open_in_month(self, month: dt.date) -> bool:
        """Open on at least one day of the month of `month`."""
        first, last = month_span(month)
        return (self.opened_on is None or self.opened_on <= last) and (
            self.closed_on is None or self.closed_on >= first
        )

    def closed_in_month_message(self, month: dt.date) -> str:
        """Why a record of the month of `month` cannot lie in this board, in words, naming its successors."""
        if self.opened_on and self.opened_on > month_span(month)[1]:
            return (f"{self.name} opened on {self.opened_on:%-d %B %Y}: record {month:%B %Y} against the board "
                    "of that month.")
        rows = getattr(self, "successors", None)
        if rows is None:
            rows = list(self.successions_out.select_related("successor").order_by("-share"))
        names = ", ".join(f"{row.successor.code} {row.successor.short_name}"
                          + (f" ({row.share * 100:.1f}%)" if len(rows) > 1 else "") for row in rows)
        return (f"{self.name} closed on {self.closed_on:%-d %B %Y}: record {month:%B %Y} against its "
                + (f"successors: {names}." if len(rows) > 1 else f"successor {names}." if rows else "successors."))

    @property
    def is_open_today(self) -> bool:
        from django.utils import timezone

        return self.is_open_on(timezone.localdate())

    @property
    def not_yet_open(self) -> bool:
        from django.utils import timezone

        return self.opened_on is not None and self.opened_on > timezone.localdate()


class BoardSuccession(models.Model):
    """A closed board's area passing to a successor, with the share of its figures the successor takes.

    The shares of one predecessor's successions sum to 1 (DESIGN.md 6.1); a successor that is itself
    closed passes its share on to its own successors (shares multiply).
    """

    predecessor = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.CASCADE, related_name="successions_out"
    )
    successor = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, related_name="successions_in"
    )
    share = models.DecimalField(
        max_digits=7, decimal_places=6,
        help_text="Share of the predecessor's figures counted in this successor (above 0, at most 1).",
    )
    basis = models.CharField(max_length=200, blank=True, help_text="How the share was derived.")

    class Meta:
        ordering = ["predecessor__code", "successor__code"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="board_succession_unique"),
            models.CheckConstraint(name="board_succession_share_0_to_1", condition=Q(share__gt=0, share__lte=1)),
            models.CheckConstraint(name="board_succession_not_to_itself", condition=~Q(predecessor=F("successor"))),
        ]

    def __str__(self):
        return f"{self.predecessor_id} -> {self.successor_id} ({self.share})"

    @property
    def share_percent(self) -> str:
        """The share in words for pages: '64.7%'."""
        return f"{self.share * 100:.1f}%"


LAD_CODE = RegexValidator(
    r"^[ENSW][0-9]{8}$", "A local authority district code is a letter and 8 digits, e.g. E06000001."
)


class CouncilArea(models.Model):
    """A local council area (an ONS local authority district, April 2024) and the board it lies in today:
    the board open today that holds the largest share of the district's LSOAs (2021), with that share
    (data/lad_sub_icb_lsoa_counts.csv read through today's sub-ICB map; data/SOURCES.md). Lets the public
    pathway pages ask for a council a school leaver knows instead of an ICS."""

    code = models.CharField("LAD code", max_length=9, unique=True, validators=[LAD_CODE])
    name = models.CharField(max_length=100)
    ics = models.ForeignKey(IntegratedCareSystem, on_delete=models.PROTECT, related_name="council_areas",
                            help_text="The board open today with most of the district's LSOAs in it.")
    share = models.DecimalField(
        max_digits=7, decimal_places=6,
        help_text="Share of the district's LSOAs (2021) that lie in that board (above 0, at most 1).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(name="council_area_code_format", condition=Q(code__regex=r"^[ENSW][0-9]{8}$")),
            models.CheckConstraint(name="council_area_share_0_to_1", condition=Q(share__gt=0, share__lte=1)),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)

    @property
    def share_percent(self) -> str:
        return f"{self.share * 100:.0f}%"


class TrustKind(models.TextChoices):
    ACUTE = "acute", "Acute"
    MENTAL_HEALTH = "mental_health", "Mental health"
    COMMUNITY = "community", "Community"
    AMBULANCE = "ambulance", "Ambulance"
    SPECIALIST = "specialist", "Specialist"
    OTHER = "other", "Other"


class TrustQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Trust(models.Model):
    """An NHS trust (provider organisation) inside one ICS."""

    ods_code = models.CharField("ODS code", max_length=5, unique=True, validators=[TRUST_CODE])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=TrustKind.choices, default=TrustKind.OTHER)
    ics = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, related_name="trusts", verbose_name="ICS"
    )
    postcode = models.CharField(max_length=8, blank=True)
    town = models.CharField(max_length=100, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    objects = TrustQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "NHS trust"
        indexes = [models.Index(fields=["name"], name="trust_name")]  # the lists' default order
        constraints = [
            models.CheckConstraint(
                name="trust_ods_code_format",
                condition=Q(ods_code__regex=r"^[A-Z0-9]{3,5}$"),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.ods_code,)

    @property
    def is_open(self):
        return self.closed_on is None

    def boards_in_month(self, month: dt.date) -> list:
        """The boards the trust belongs to on some day of the month of `month`, by its memberships
        (prefetched as `boards` where many trusts are read); a trust with no memberships is in `ics`."""
        spans = list(self.boards.all())
        if not spans:
            return [self.ics]
        first, last = month_span(month)
        return [
            span.ics for span in spans
            if (span.valid_from is None or span.valid_from <= last)
            and (span.valid_to is None or span.valid_to >= first)
        ]


class TrustBoard(models.Model):
    """A trust's membership of a board over a span of days (DESIGN.md 6.1): valid_from and valid_to are
    the first and last days, null for open ends. A trust belongs to one board on each day."""

    member_field = "trust"
    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="boards")
    ics = models.ForeignKey(IntegratedCareSystem, on_delete=models.PROTECT, related_name="trust_memberships")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["trust", F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(fields=["trust", "valid_from"], name="trust_board_unique_start"),
            models.CheckConstraint(
                name="trust_board_span_in_order",
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
            ),
        ]
        indexes = [models.Index(fields=["ics", "trust"], name="trust_board_ics")]

    def __str__(self):
        return f"{self.trust_id} in {self.ics_id} from {self.valid_from or 'the start'} to {self.valid_to or 'now'}"


class VacancyQuerySet(models.QuerySet):
    def writable_by(self, user):
        """The rows `user` may change: staff all; an ICS analyst those of their own ICS; others none."""
        from core.roles import Role, is_staff

        if is_staff(user):
            return self
        if user and user.is_authenticated and user.role == Role.ICS and user.ics_id:
            return self.filter(ics_id=user.ics_id)
        return self.none()


class Vacancy(models.Model):
    """Vacancies for one occupation in one month: an NHS trust's, or an ICS's social-care estimate.

    A series is sector + trust-or-ics + occupation; each month of it is one row. NHS rows
    belong to a trust and carry that trust's ICS; social-care rows are estimates for a whole
    ICS and name no trust. Rows made by the synthetic data generator are flagged `synthetic`.
    """

    sector = models.CharField(max_length=16, choices=Sector.choices)
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="vacancies"
    )
    ics = models.ForeignKey(
        IntegratedCareSystem, on_delete=models.PROTECT, related_name="vacancies", verbose_name="ICS"
    )
    occupation = models.ForeignKey("pathways.Occupation", on_delete=models.PROTECT, related_name="vacancies")
    period = models.DateField(
        validators=[validate_planning_date], help_text="The first day of the month the figures describe."
    )
    vacancies_fte = models.DecimalField(
        "vacancies (FTE)", max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    staff_in_post_fte = models.DecimalField(
        "staff in post (FTE)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    synthetic = models.BooleanField(
        default=False, help_text="Generated by generate_synthetic for testing and demonstration, not real figures."
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    # History is read per row (by id) and by date; other indexes would only slow bulk writes.
    history = ChangeHistory(no_db_index=["trust", "ics", "occupation", "updated_at"])

    objects = VacancyQuerySet.as_manager()

    class Meta:
        # Newest month first, then newest row: served by the (period, id) index read backwards, so a
        # page is an index range, not a sort of every joined row (issue 13: 460,680 rows at England scale).
        ordering = ["-period", "-id"]
        verbose_name_plural = "vacancies"
        constraints = [
            models.UniqueConstraint(
                fields=["sector", "trust", "occupation", "period"],
                condition=Q(trust__isnull=False),
                name="vacancy_unique_trust_series_period",
            ),
            models.UniqueConstraint(
                fields=["sector", "ics", "occupation", "period"],
                condition=Q(trust__isnull=True),
                name="vacancy_unique_ics_series_period",
            ),
            models.CheckConstraint(
                name="vacancy_nhs_needs_trust",
                condition=Q(sector=Sector.SOCIAL_CARE) | Q(trust__isnull=False),
            ),
            models.CheckConstraint(
                name="vacancy_social_care_has_no_trust",
                condition=Q(sector=Sector.NHS) | Q(trust__isnull=True),
            ),
            models.CheckConstraint(name="vacancy_fte_not_negative", condition=Q(vacancies_fte__gte=0)),
            models.CheckConstraint(
                name="vacancy_staff_in_post_not_negative",
                condition=Q(staff_in_post_fte__isnull=True) | Q(staff_in_post_fte__gte=0),
            ),
            models.CheckConstraint(name="vacancy_period_first_of_month", condition=Q(period__day=1)),
        ]
        indexes = [
            models.Index(fields=["ics", "occupation", "period"]),
            models.Index(fields=["period", "id"], name="vacancy_period_id"),
        ]

    def __str__(self):
        where = self.trust or self.ics
        return f"{self.occupation} at {where}, {self.period:%B %Y}"

    def clean(self):
        """The rules a row must keep besides its field formats (the check constraints, in words)."""
        super().clean()
        errors: dict[str, str] = {}
        if self.period and self.period.day != 1:
            errors["period"] = f"Use the first day of the month ({self.period:%Y-%m}-01), not {self.period:%Y-%m-%d}."
        trust = self.trust if self.trust_id else None
        if self.sector == Sector.NHS and trust is None:
            errors["trust"] = "An NHS vacancy row must name its trust (ODS code)."
        elif self.sector == Sector.SOCIAL_CARE and trust is not None:
            errors["trust"] = "A social-care vacancy row is an estimate for the whole ICS: leave the trust blank."
        ics = self.ics if self.ics_id else None
        if ics is not None and self.period and not ics.is_open_in_month(self.period):
            errors["ics"] = ics.closed_in_month_message(self.period)
        if trust is not None:
            boards = trust.boards_in_month(self.period) if self.period else [trust.ics]
            if ics is not None and "ics" not in errors and ics.pk not in {board.pk for board in boards}:
                where = " or ".join(board.code for board in boards) if boards else "no board"
                month = f" in {self.period:%B %Y}" if self.period else ""
                errors["ics"] = f"{trust.ods_code} lies in ICS {where}{month}, not {ics.code}."
            elif trust.closed_on and self.period and self.period > trust.closed_on:
                errors["period"] = f"{trust.ods_code} closed on {trust.closed_on:%-d %B %Y}, before this month."
        occupation = self.occupation if self.occupation_id else None
        if occupation is not None and self.sector and occupation.sector not in (self.sector, "both"):
            where = "NHS" if self.sector == Sector.NHS else "social-care"
            errors["occupation"] = f"{occupation.name} is not counted in {where} vacancies (its sector is " \
                f"{occupation.get_sector_display()})."
        if errors:
            raise ValidationError(errors)

    @property
    def vacancy_rate(self):
        """Vacancies as a share of all posts (vacancies plus staff in post); None when staff in post is unknown."""
        if self.staff_in_post_fte is None or self.vacancies_fte is None:
            return None
        posts = self.vacancies_fte + self.staff_in_post_fte
        return self.vacancies_fte / posts if posts else None

    def is_writable_by(self, user) -> bool:
        """Staff write any row; an ICS analyst writes rows of their own ICS (its trusts, its social care)."""
        from core.roles import Role, is_staff

        if is_staff(user):
            return True
        return bool(user and user.is_authenticated and user.role == Role.ICS and user.ics_id == self.ics_id)
