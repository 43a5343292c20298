"""GapReport and GapReportRow now belong to planning (planning 0001): out of pathways' state only;
their tables and rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("pathways", "0005_gap_report_row_keys_unconstrained"),
        ("planning", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="GapReportRow"),
                migrations.DeleteModel(name="GapReport"),
            ],
        ),
    ]
