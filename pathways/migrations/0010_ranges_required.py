import django.core.validators
from django.db import migrations, models

RATE = [django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)]


def rate_field(help_text):
    return models.DecimalField(blank=True, decimal_places=4, max_digits=5, validators=RATE, help_text=help_text)


class Migration(migrations.Migration):
    dependencies = [("pathways", "0009_ranges_filled")]

    operations = [
        migrations.AlterField(
            "occupation", "annual_leaver_rate_low",
            rate_field("The low case's leaver rate (DESIGN.md 6.2); at most the central rate."),
        ),
        migrations.AlterField(
            "occupation", "annual_leaver_rate_high", rate_field("The high case's leaver rate; at least the central rate.")
        ),
        migrations.AlterField(
            "entryroute", "conversion_rate_low",
            rate_field("The low case's conversion rate (DESIGN.md 6.2); at most the central rate."),
        ),
        migrations.AlterField(
            "entryroute", "conversion_rate_high",
            rate_field("The high case's conversion rate; at least the central rate."),
        ),
        migrations.AlterField(
            "historicalentryroute", "conversion_rate_low",
            rate_field("The low case's conversion rate (DESIGN.md 6.2); at most the central rate."),
        ),
        migrations.AlterField(
            "historicalentryroute", "conversion_rate_high",
            rate_field("The high case's conversion rate; at least the central rate."),
        ),
    ]
