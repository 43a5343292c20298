from django.db import migrations


class Migration(migrations.Migration):
    """DataLoad now lives in core; the table portal_dataload is kept (no database change)."""

    dependencies = [
        ("portal", "0003_dataload"),
        ("core", "0001_dataload_moved_from_portal"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DataLoad")],
            database_operations=[],
        ),
    ]
