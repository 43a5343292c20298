from decimal import Decimal

from django.db import migrations

# The seeded default completion rates (0009) with the range data/PATHWAYS.md ("Ranges") documents: 10
# percentage points either side of the central rate, at most 1. Indicative planning assumptions.
RANGES = {
    "t_level": ("0.80", "0.70", "0.90"),
    "apprenticeship": ("0.55", "0.45", "0.65"),
    "diploma": ("0.80", "0.70", "0.90"),
    "access_to_he": ("0.75", "0.65", "0.85"),
    "foundation_degree": ("0.75", "0.65", "0.85"),
    "hnc_hnd": ("0.75", "0.65", "0.85"),
    "short_course": ("0.90", "0.80", "1.00"),
    "other": ("0.70", "0.60", "0.80"),
}
BASIS = (
    "Indicative planning assumption set by the portal (not a published statistic); low and high 10 percentage "
    "points either side (data/PATHWAYS.md, Ranges). Staff may edit it."
)


def ranges_fill(apps, schema_editor):
    """A seeded rate nobody has changed (its range still equal to the seed) takes the documented range."""
    CompletionRate = apps.get_model("pathways", "CompletionRate")
    for kind, (rate, low, high) in RANGES.items():
        CompletionRate.objects.filter(
            qualification_type=kind, rate=Decimal(rate), rate_low=Decimal(rate), rate_high=Decimal(rate), basis=""
        ).update(rate_low=Decimal(low), rate_high=Decimal(high), basis=BASIS)


def ranges_unfill(apps, schema_editor):
    CompletionRate = apps.get_model("pathways", "CompletionRate")
    for kind, (rate, low, high) in RANGES.items():
        CompletionRate.objects.filter(
            qualification_type=kind, rate=Decimal(rate), rate_low=Decimal(low), rate_high=Decimal(high), basis=BASIS
        ).update(rate_low=Decimal(rate), rate_high=Decimal(rate), basis="")


class Migration(migrations.Migration):
    dependencies = [("pathways", "0010_ranges_required")]

    operations = [migrations.RunPython(ranges_fill, ranges_unfill)]
