from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from core.dates import validate_planning_date
from core.history import ChangeHistory
from core.roles import Role, is_staff
from pathways import rules
from pathways.models import Occupation
from pathways.vocabulary import QualificationType

# The one default horizon, and its bounds (DESIGN.md section 6): every door (API, pages, command,
# nightly task) takes these.
DEFAULT_HORIZON_YEARS = 3
MIN_HORIZON_YEARS, MAX_HORIZON_YEARS = 1, 10


class GapReport(models.Model):
    """A stored snapshot of the vacancy-to-provision gap (DESIGN.md section 6); also the job row.

    The database, not the broker, holds the run's state. Rows are written in the same
    transaction that marks the report succeeded, so a half-written report is never visible.
    At most one report per parameters is pending or running at a time (a partial unique
    constraint): identical requests are handed that one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    IN_FLIGHT = (Status.PENDING, Status.RUNNING)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    as_of = models.DateField(validators=[validate_planning_date])
    horizon_years = models.PositiveSmallIntegerField(
        default=DEFAULT_HORIZON_YEARS,
        validators=[MinValueValidator(MIN_HORIZON_YEARS), MaxValueValidator(MAX_HORIZON_YEARS)],
    )
    requested_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="gap_reports"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    scenario = models.ForeignKey(
        "planning.Scenario", null=True, blank=True, on_delete=models.CASCADE, related_name="reports",
        help_text="The what-if the report was computed with; blank for the baseline (DESIGN.md 6.4).",
    )
    # What the figures rest on: counts of vacancy rows, offers and routes used, latest data change.
    inputs = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "pathways_gapreport"  # the table it had when it lived in pathways
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="gap_report_progress_0_to_100", condition=Q(progress__lte=100)),
            models.CheckConstraint(
                name="gap_report_horizon_1_to_10", condition=Q(horizon_years__gte=1, horizon_years__lte=10)
            ),
            models.UniqueConstraint(
                fields=["as_of", "horizon_years"],
                condition=Q(status__in=["pending", "running"], scenario__isnull=True),
                name="gap_report_one_run_in_flight_per_parameters",
            ),
            models.UniqueConstraint(
                fields=["as_of", "horizon_years", "scenario"],
                condition=Q(status__in=["pending", "running"], scenario__isnull=False),
                name="gap_report_one_scenario_run_in_flight_per_parameters",
            ),
        ]

    def __str__(self):
        return f"Gap report {self.pk} as of {self.as_of} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def stores_supply(self) -> bool:
        """Whether the run stored its supply by college (reports computed before it did, do not)."""
        return bool((self.inputs or {}).get("supply_rows") is not None)

    @staticmethod
    def may_be_requested_by(user) -> bool:
        """ICS people-board analysts and portal staff may ask for a report (DESIGN.md section 2)."""
        return is_staff(user) or bool(user and user.is_authenticated and user.role == Role.ICS)


# England first, then regions, then ICSs: the order of a report's rows (also an index's first key).
LEVEL_ORDER = models.Case(
    models.When(level=rules.Level.NATIONAL, then=models.Value(0)),
    models.When(level=rules.Level.REGION, then=models.Value(1)),
    default=models.Value(2),
)


class GapReportRow(models.Model):
    """One line of a report: a geography, an occupation and a year of the horizon (cumulative)."""

    Level = rules.Level

    # Rows are written only by the report's run, in one INSERT ... SELECT from rows that already hold
    # valid keys, inside the transaction that locks the report. So the keys carry no database constraint
    # (whose per-row checks at commit cost as much as 15% of a report at England scale: bench/gap_report.py);
    # Django still cascades a report's deletion to its rows and protects an occupation that rows name.
    # No index of its own for `report`: the unique constraint below starts with it. None for `occupation`
    # either: every read of rows names its report, and an index serving only the PROTECT check of deleting an
    # occupation (admin only, refused while any report names it) cost every report a write per row
    # (issue 13, second round: the insert's WAL records fell by a fifth without it). That check scans instead.
    report = models.ForeignKey(
        GapReport, on_delete=models.CASCADE, related_name="rows", db_index=False, db_constraint=False
    )
    level = models.CharField(max_length=8, choices=Level.choices)
    code = models.CharField(max_length=9)
    name = models.CharField(max_length=200)
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="gap_report_rows", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField()
    demand_fte = models.DecimalField(max_digits=20, decimal_places=6)
    supply_fte = models.DecimalField(max_digits=20, decimal_places=6)
    gap_fte = models.DecimalField(max_digits=20, decimal_places=6)
    coverage = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    # The ranges of DESIGN.md 6.2 and the backfill of 6.3; null on rows of reports computed before them.
    demand_low_fte = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    demand_high_fte = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    supply_low_fte = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    supply_high_fte = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    gap_low_fte = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    gap_high_fte = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    backfill_fte = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)

    class Meta:
        db_table = "pathways_gapreportrow"  # the table it had when it lived in pathways
        ordering = ["report", "level", "code", "occupation__name", "year"]
        constraints = [
            # Also the index for reading a report's rows by level, code, occupation and year.
            models.UniqueConstraint(
                fields=["report", "level", "code", "occupation", "year"], name="gap_report_row_unique"
            ),
        ]
        indexes = [
            # The rows' order (England, regions, ICSs; then code; then occupation name and year) read as an
            # index range on its first two keys, each (level, code) group's ~180 rows sorted on the way:
            # a page of 100 reads ~200 rows, not a sort of all 8,814 at England scale (issue 13).
            models.Index(F("report"), LEVEL_ORDER, F("code"), name="gap_report_row_order"),
        ]

    def __str__(self):
        return f"{self.name}, {self.occupation_id}, year {self.year}"


class GapReportSupply(models.Model):
    """The supply behind a report's ICS rows, by college: entrants to an occupation arriving in one
    year's window (not cumulative) from one college's offers lying in one ICS.

    Written by the report's run from the same staged arrivals as its rows, in the same transaction,
    so a drill-down reading these figures adds up to the report's rows: for an ICS, occupation and
    year y, the sum over colleges and years 1..y is the row's supply_fte (before its rounding to 6
    decimals: these are stored unrounded, to 8, as the products of places and rates are exact there).
    """

    # Keys without database constraints, for the reasons given on GapReportRow. No index of its own for
    # `college` or `occupation`: every read names its report (the unique constraint's first key), and those two
    # indexes served only the PROTECT checks of deleting a college or an occupation (admin only, refused while
    # a report names them; they scan instead). Measured at England scale (issue 13, second round, EXPLAIN
    # ANALYZE of the insert of 12,922 rows): 65,500 WAL records and 124-202 ms with them, 39,700 and 63-73 ms
    # without.
    report = models.ForeignKey(
        GapReport, on_delete=models.CASCADE, related_name="supply", db_index=False, db_constraint=False
    )
    ics_code = models.CharField(max_length=9)
    college = models.ForeignKey(
        "colleges.College", on_delete=models.PROTECT, related_name="gap_report_supply", db_constraint=False,
        db_index=False,
    )
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="gap_report_supply", db_constraint=False, db_index=False
    )
    year = models.PositiveSmallIntegerField()
    supply_fte = models.DecimalField(max_digits=24, decimal_places=8)

    class Meta:
        ordering = ["report", "ics_code", "occupation", "college", "year"]
        constraints = [
            # Also the index the drill-down reads by: a report, an ICS (or all), an occupation.
            models.UniqueConstraint(
                fields=["report", "occupation", "ics_code", "college", "year"], name="gap_report_supply_unique"
            ),
        ]

    def __str__(self):
        return f"{self.ics_code}, college {self.college_id}, {self.occupation_id}, year {self.year}"


class ScenarioQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every scenario; an ICS user their ICS's shared ones and their own; others none."""
        if is_staff(user):
            return self
        if user and user.is_authenticated and user.role == Role.ICS and user.ics_id:
            return self.filter(Q(ics_id=user.ics_id) & (Q(shared=True) | Q(created_by=user)))
        return self.none()


class Scenario(models.Model):
    """A named what-if on top of the portal's data that never changes that data (DESIGN.md 6.4)."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    ics = models.ForeignKey(
        "trusts.IntegratedCareSystem", null=True, blank=True, on_delete=models.PROTECT, related_name="scenarios",
        verbose_name="ICS", help_text="The ICS it plans for; blank (staff only) for England.",
    )
    shared = models.BooleanField(default=False, help_text="Others in the ICS may read and copy it.")
    created_by = models.ForeignKey(
        "portal.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="scenarios"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = ChangeHistory()

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.name

    def is_writable_by(self, user) -> bool:
        """Staff write any scenario (core.permissions); an ICS analyst writes their own ICS's."""
        return bool(user and user.is_authenticated and user.role == Role.ICS and user.ics_id
                    and user.ics_id == self.ics_id)


class ScenarioOffer(models.Model):
    """A hypothetical course offer of a scenario, validated as real offers are."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="offers")
    college = models.ForeignKey("colleges.College", on_delete=models.PROTECT, related_name="scenario_offers")
    qualification_type = models.CharField(max_length=20, choices=QualificationType.choices)
    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(8)])
    apprenticeship_standard = models.ForeignKey(
        "pathways.ApprenticeshipStandard", null=True, blank=True, on_delete=models.PROTECT,
        related_name="scenario_offers",
    )
    start_date = models.DateField(validators=[validate_planning_date])
    duration_months = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(72)])
    planned_places = models.PositiveIntegerField()
    expected_completion_rate = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    delivery_ics = models.ForeignKey(
        "trusts.IntegratedCareSystem", null=True, blank=True, on_delete=models.PROTECT,
        related_name="scenario_offers", verbose_name="delivery ICS",
    )

    class Meta:
        ordering = ["scenario", "id"]

    def __str__(self):
        return f"{self.planned_places} places at {self.college_id} from {self.start_date}"


class AdjustmentKind(models.TextChoices):
    OFFER_PLACES = "offer_places", "Places on a course offer"
    CONVERSION_RATE = "conversion_rate", "Conversion rate of an entry route"
    COMPLETION_RATE = "completion_rate", "Default completion rate of a qualification type"
    LEAVER_RATE = "leaver_rate", "Leaver rate of an occupation"
    VACANCIES_FACTOR = "vacancies_factor", "Vacancies of an occupation, multiplied"


class ScenarioAdjustment(models.Model):
    """One change a scenario makes to the data it reads (DESIGN.md 6.4): `target` is an offer id, an
    entry route id, a qualification type or an occupation code, by kind."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="adjustments")
    kind = models.CharField(max_length=20, choices=AdjustmentKind.choices)
    target = models.CharField(max_length=80)
    value = models.DecimalField(max_digits=12, decimal_places=4, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["scenario", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "kind", "target"], name="scenario_adjustment_unique"),
            models.CheckConstraint(name="scenario_adjustment_value_not_negative", condition=Q(value__gte=0)),
        ]

    def __str__(self):
        return f"{self.kind} {self.target} = {self.value}"
