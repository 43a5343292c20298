"""GapReport and GapReportRow move from pathways to planning, keeping their tables and rows.

State only (SeparateDatabaseAndState): the tables stay pathways_gapreport and pathways_gapreportrow,
their rows, constraints and indexes untouched; pathways' migration 0006 takes the models out of
its own state. The content types (and so the admin permissions that name them) move with them.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("gapreport", "gapreportrow")


def content_types_move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED:
        old = ContentType.objects.filter(app_label="pathways", model=model).first()
        if old is None:
            continue
        # A content type made for planning in the meantime (none should be) would block the move.
        ContentType.objects.filter(app_label="planning", model=model).exclude(pk=old.pk).delete()
        old.app_label = "planning"
        old.save(update_fields=["app_label"])


def content_types_move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="planning", model__in=MOVED).update(app_label="pathways")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pathways", "0005_gap_report_row_keys_unconstrained"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="GapReport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("status", models.CharField(choices=[("pending", "Pending"), ("running", "Running"), ("succeeded", "Succeeded"), ("failed", "Failed")], db_index=True, default="pending", max_length=10)),
                        ("progress", models.PositiveSmallIntegerField(default=0, validators=[django.core.validators.MaxValueValidator(100)])),
                        ("as_of", models.DateField()),
                        ("horizon_years", models.PositiveSmallIntegerField(default=3, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(10)])),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("started_at", models.DateTimeField(blank=True, null=True)),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("finished_at", models.DateTimeField(blank=True, null=True)),
                        ("error", models.TextField(blank=True)),
                        ("inputs", models.JSONField(blank=True, default=dict)),
                        ("requested_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="gap_reports", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "pathways_gapreport",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("progress__lte", 100)), name="gap_report_progress_0_to_100"),
                            models.CheckConstraint(condition=models.Q(("horizon_years__gte", 1), ("horizon_years__lte", 10)), name="gap_report_horizon_1_to_10"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="GapReportRow",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("level", models.CharField(choices=[("national", "England"), ("region", "Region"), ("ics", "ICS")], max_length=8)),
                        ("code", models.CharField(max_length=9)),
                        ("name", models.CharField(max_length=200)),
                        ("year", models.PositiveSmallIntegerField()),
                        ("demand_fte", models.DecimalField(decimal_places=6, max_digits=20)),
                        ("supply_fte", models.DecimalField(decimal_places=6, max_digits=20)),
                        ("gap_fte", models.DecimalField(decimal_places=6, max_digits=20)),
                        ("coverage", models.DecimalField(blank=True, decimal_places=6, max_digits=20, null=True)),
                        ("occupation", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name="gap_report_rows", to="pathways.occupation")),
                        ("report", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="rows", to="planning.gapreport")),
                    ],
                    options={
                        "db_table": "pathways_gapreportrow",
                        "ordering": ["report", "level", "code", "occupation__name", "year"],
                        "constraints": [
                            models.UniqueConstraint(fields=("report", "level", "code", "occupation", "year"), name="gap_report_row_unique"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
