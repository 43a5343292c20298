from decimal import Decimal

from django.db import migrations


RATES = {
    "t_level": "0.80", "apprenticeship": "0.55", "diploma": "0.80", "access_to_he": "0.75",
    "foundation_degree": "0.75", "hnc_hnd": "0.75", "short_course": "0.90", "other": "0.70",
}


def seed_completion_rates(apps, schema_editor):
    """The defaults as they stood in vocabulary.DEFAULT_COMPLETION_RATES; their range starts equal to them."""
    CompletionRate = apps.get_model("pathways", "CompletionRate")
    for qualification_type, rate in RATES.items():
        CompletionRate.objects.get_or_create(
            qualification_type=qualification_type,
            defaults={"rate": Decimal(rate), "rate_low": Decimal(rate), "rate_high": Decimal(rate)},
        )


class Migration(migrations.Migration):
    """Existing rates' low and high values start equal to the central rate (DESIGN.md section 5)."""

    dependencies = [("pathways", "0008_map_ranges_scenarios_schema")]

    operations = [
        migrations.RunSQL(
            "UPDATE pathways_occupation SET annual_leaver_rate_low = annual_leaver_rate "
            "WHERE annual_leaver_rate_low IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE pathways_occupation SET annual_leaver_rate_high = annual_leaver_rate "
            "WHERE annual_leaver_rate_high IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE pathways_entryroute SET conversion_rate_low = conversion_rate WHERE conversion_rate_low IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE pathways_entryroute SET conversion_rate_high = conversion_rate WHERE conversion_rate_high IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE pathways_historicalentryroute SET conversion_rate_low = conversion_rate, "
            "conversion_rate_high = conversion_rate WHERE conversion_rate_low IS NULL OR conversion_rate_high IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.RunPython(seed_completion_rates, migrations.RunPython.noop),
    ]
