from django.db import migrations, models


class Migration(migrations.Migration):
    """Standards get the Skills England status and version. Standards already stored came from the
    2018 IfATE list: they start as "not in the current list" until the current list is imported."""

    dependencies = [
        ("pathways", "0006_planning_move_gap_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="apprenticeshipstandard",
            name="version",
            field=models.CharField(blank=True, help_text="The version in force, e.g. 1.3.", max_length=10),
        ),
        migrations.AddField(
            model_name="apprenticeshipstandard",
            name="retired_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apprenticeshipstandard",
            name="status",
            field=models.CharField(
                choices=[
                    ("approved", "Approved for delivery"),
                    ("paused", "Approved for delivery (paused for starts)"),
                    ("in_development", "In development"),
                    ("proposal", "Proposal in development"),
                    ("retired", "Retired"),
                    ("withdrawn", "Withdrawn"),
                    ("not_listed", "Not in the current list"),
                ],
                default="not_listed",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="apprenticeshipstandard",
            name="status",
            field=models.CharField(
                choices=[
                    ("approved", "Approved for delivery"),
                    ("paused", "Approved for delivery (paused for starts)"),
                    ("in_development", "In development"),
                    ("proposal", "Proposal in development"),
                    ("retired", "Retired"),
                    ("withdrawn", "Withdrawn"),
                    ("not_listed", "Not in the current list"),
                ],
                default="approved",
                max_length=20,
            ),
        ),
    ]
