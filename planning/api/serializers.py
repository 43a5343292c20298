from decimal import ROUND_HALF_UP, Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from colleges.models import College
from core.api_fields import NaturalKeyField
from core.api_values import decimal_representation
from core.dates import validate_planning_date
from pathways.models import ApprenticeshipStandard
from trusts.models import IntegratedCareSystem

from ..models import (
    DEFAULT_HORIZON_YEARS,
    MAX_HORIZON_YEARS,
    MIN_HORIZON_YEARS,
    AdjustmentKind,
    GapReport,
    GapReportRow,
    Scenario,
    ScenarioAdjustment,
    ScenarioOffer,
)


class GapReportSerializer(serializers.ModelSerializer):
    """A report run: its state (poll `url` until `status` is succeeded or failed) and what it rests on."""

    url = serializers.HyperlinkedIdentityField(view_name="api:gapreport-detail")
    rows_url = serializers.HyperlinkedIdentityField(view_name="api:gapreport-rows")
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    scenario = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The scenario computed (its id, 6.4); null for the baseline."
    )

    class Meta:
        model = GapReport
        fields = [
            "id", "url", "status", "progress", "as_of", "horizon_years", "scenario", "requested_by", "created_at",
            "started_at", "finished_at", "error", "inputs", "rows_url",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleScenarioField(serializers.PrimaryKeyRelatedField):
    """A scenario by id, among those the requesting user may see (others answer as unknown ids)."""

    default_error_messages = {
        "does_not_exist": "No scenario with the id {pk_value} is visible to you.",
        "incorrect_type": "Give the scenario's id as a whole number.",
    }

    def get_queryset(self):
        request = self.context.get("request")
        return Scenario.objects.visible_to(getattr(request, "user", None))


class GapReportRequestSerializer(serializers.Serializer):
    """What to compute: `as_of` defaults to today, `horizon_years` to 3 (1 to 10)."""

    as_of = serializers.DateField(required=False, validators=[validate_planning_date])
    horizon_years = serializers.IntegerField(
        required=False, default=DEFAULT_HORIZON_YEARS, min_value=MIN_HORIZON_YEARS, max_value=MAX_HORIZON_YEARS
    )
    scenario = VisibleScenarioField(
        required=False, allow_null=True,
        help_text="The id of a scenario you may see, to compute the report with it applied; none: the baseline.",
    )


class GapReportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=GapReport.Status.choices)
    url = serializers.URLField()


def _figure(**kwargs):
    """Figures are stored to 6 decimals and rounded to 2 only here, on output."""
    return serializers.DecimalField(max_digits=22, decimal_places=2, rounding=ROUND_HALF_UP, read_only=True, **kwargs)


RANGE_FIELDS = (
    "demand_low_fte", "demand_high_fte", "supply_low_fte", "supply_high_fte", "gap_low_fte", "gap_high_fte",
    "backfill_fte",
)


class GapReportRowSerializer(serializers.ModelSerializer):
    occupation = serializers.SlugRelatedField(slug_field="code", read_only=True)
    occupation_name = serializers.CharField(source="occupation.name", read_only=True)
    demand_fte = _figure()
    supply_fte = _figure()
    gap_fte = _figure()
    coverage = _figure(allow_null=True)
    # The range (DESIGN.md 6.2) and the backfill (6.3); null on rows of reports computed before them.
    demand_low_fte = _figure(allow_null=True, help_text="Demand in the low case (every low rate).")
    demand_high_fte = _figure(allow_null=True, help_text="Demand in the high case (every high rate).")
    supply_low_fte = _figure(allow_null=True, help_text="Supply in the low case.")
    supply_high_fte = _figure(allow_null=True, help_text="Supply in the high case.")
    gap_low_fte = _figure(allow_null=True, help_text="demand_low_fte - supply_high_fte.")
    gap_high_fte = _figure(allow_null=True, help_text="demand_high_fte - supply_low_fte.")
    backfill_fte = _figure(
        allow_null=True, help_text="Part of demand_fte: posts left by entrants to other roles, cumulative."
    )

    class Meta:
        model = GapReportRow
        fields = [
            "level", "code", "name", "occupation", "occupation_name", "year", "demand_fte", "supply_fte", "gap_fte",
            "coverage", *RANGE_FIELDS,
        ]
        read_only_fields = fields


_FIGURE = _figure()


def gap_report_rows_data(rows) -> list[dict]:
    """Rows from `selectors.gap_report_row_values` in the JSON of GapReportRowSerializer, key for key and
    figure for figure (the same field rounds them), without a model instance or a serializer per row."""
    figure = decimal_representation(_FIGURE)
    return [
        {
            "level": row["level"],
            "code": row["code"],
            "name": row["name"],
            "occupation": row["occupation_code"],
            "occupation_name": row["occupation_name"],
            "year": row["year"],
            "demand_fte": figure(row["demand_fte"]),
            "supply_fte": figure(row["supply_fte"]),
            "gap_fte": figure(row["gap_fte"]),
            "coverage": None if row["coverage"] is None else figure(row["coverage"]),
            **{name: None if row[name] is None else figure(row[name]) for name in RANGE_FIELDS},
        }
        for row in rows
    ]


# --- Scenarios (DESIGN.md 6.4) --------------------------------------------------------------------


class ScenarioOfferSerializer(serializers.ModelSerializer):
    """A hypothetical course offer, checked by the rules of real offers when the scenario is saved."""

    college = NaturalKeyField(slug_field="ukprn", queryset=College.objects.all(), help_text="The college's UKPRN.")
    level = serializers.IntegerField(
        min_value=1, max_value=8, required=False, allow_null=True,
        help_text="1 to 8. An apprenticeship offer left without a level takes its standard's level.",
    )
    apprenticeship_standard = NaturalKeyField(
        slug_field="reference", queryset=ApprenticeshipStandard.objects.all(), required=False, allow_null=True,
        help_text="Reference of an existing standard, like ST0216: for an apprenticeship, and only for one.",
    )
    delivery_ics = NaturalKeyField(
        slug_field="code", queryset=IntegratedCareSystem.objects.all(), required=False, allow_null=True,
        help_text="ICB code of the ICS where it is taught, when not the college's own.",
    )
    expected_completion_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, min_value=Decimal(0), max_value=Decimal(1), required=False, allow_null=True,
        help_text="0 to 1; null uses the default rate of the qualification type.",
    )

    class Meta:
        model = ScenarioOffer
        fields = [
            "id", "college", "qualification_type", "level", "apprenticeship_standard", "start_date",
            "duration_months", "planned_places", "expected_completion_rate", "delivery_ics",
        ]
        read_only_fields = ["id"]
        validators = []


class ScenarioAdjustmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=AdjustmentKind.choices, help_text="What the adjustment changes.")
    target = serializers.CharField(
        max_length=80,
        help_text="By kind: offer_places a course offer id; conversion_rate an entry route id; completion_rate a "
        "qualification type; leaver_rate and vacancies_factor an occupation code.",
    )
    value = serializers.DecimalField(
        max_digits=12, decimal_places=4,
        help_text="A rate 0 to 1; offer_places a whole number of places (0 or more); vacancies_factor 0 or more.",
    )

    class Meta:
        model = ScenarioAdjustment
        fields = ["kind", "target", "value"]
        validators = []


def _errors_by_index(errors):
    """A nested list's errors as {index: errors} of the bad items only (the bulk endpoints' shape)."""
    if isinstance(errors, list) and any(isinstance(item, dict) for item in errors):
        return {str(index): item for index, item in enumerate(errors) if item}
    return errors


class ScenarioSerializer(serializers.ModelSerializer):
    """A named what-if (DESIGN.md 6.4). `offers` and `adjustments`, when sent, replace the scenario's own.
    Errors in them are named by their index (from 0) and field."""

    url = serializers.HyperlinkedIdentityField(view_name="api:scenario-detail")
    ics = NaturalKeyField(
        slug_field="code", queryset=IntegratedCareSystem.objects.all(), required=False, allow_null=True,
        help_text="The ICS it plans for. An ICS analyst's is always their own; staff may leave it null for England.",
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    offers = ScenarioOfferSerializer(many=True, required=False, help_text="Hypothetical course offers.")
    adjustments = ScenarioAdjustmentSerializer(many=True, required=False, help_text="Changes to the data it reads.")

    class Meta:
        model = Scenario
        fields = [
            "id", "url", "name", "description", "ics", "shared", "created_by", "created_at", "updated_at", "offers",
            "adjustments",
        ]
        read_only_fields = ["id", "created_by", "created_at", "updated_at"]

    def run_validation(self, data=serializers.empty):
        try:
            return super().run_validation(data)
        except serializers.ValidationError as exc:
            if isinstance(exc.detail, dict):
                exc.detail = {name: _errors_by_index(errors) for name, errors in exc.detail.items()}
            raise


class ScenarioHistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The scenario's field (the ICS by code).")
    old = serializers.CharField(allow_null=True, help_text="Its value before, as text (null: empty or new).")
    new = serializers.CharField(allow_null=True, help_text="Its value after, as text (null: empty).")


class ScenarioHistorySerializer(serializers.Serializer):
    """One entry of a scenario's audit trail."""

    history_id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="Username of who made the change.")
    source = serializers.CharField(help_text="How the change came in: API or Web form.")
    changes = ScenarioHistoryChangeSerializer(many=True, help_text="The scenario's own fields that changed.")
    nested = serializers.CharField(
        allow_blank=True, help_text="What changed in its offers and adjustments, like 'offers: 1 added'."
    )
