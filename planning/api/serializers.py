from decimal import ROUND_HALF_UP

from rest_framework import serializers

from core.api_values import decimal_representation
from core.dates import validate_planning_date

from ..models import DEFAULT_HORIZON_YEARS, MAX_HORIZON_YEARS, MIN_HORIZON_YEARS, GapReport, GapReportRow


class GapReportSerializer(serializers.ModelSerializer):
    """A report run: its state (poll `url` until `status` is succeeded or failed) and what it rests on."""

    url = serializers.HyperlinkedIdentityField(view_name="api:gapreport-detail")
    rows_url = serializers.HyperlinkedIdentityField(view_name="api:gapreport-rows")
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = GapReport
        fields = [
            "id", "url", "status", "progress", "as_of", "horizon_years", "requested_by", "created_at",
            "started_at", "finished_at", "error", "inputs", "rows_url",
        ]
        read_only_fields = fields


class GapReportRequestSerializer(serializers.Serializer):
    """What to compute: `as_of` defaults to today, `horizon_years` to 3 (1 to 10)."""

    as_of = serializers.DateField(required=False, validators=[validate_planning_date])
    horizon_years = serializers.IntegerField(
        required=False, default=DEFAULT_HORIZON_YEARS, min_value=MIN_HORIZON_YEARS, max_value=MAX_HORIZON_YEARS
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
