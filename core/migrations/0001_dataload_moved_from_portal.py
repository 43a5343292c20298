from django.db import migrations, models


class Migration(migrations.Migration):
    """DataLoad moves from portal (the roof) to core (the ground floor); its table stays."""

    initial = True

    dependencies = [
        ("portal", "0003_dataload"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataLoad",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("reference", "Reference data (published)"), ("demo", "Demonstration data (generated)"), ("synthetic", "Synthetic benchmark data (generated)")], db_index=True, max_length=16)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("description", models.CharField(blank=True, max_length=300)),
                        ("summary", models.JSONField(blank=True, default=dict, help_text="Rows added, changed and unchanged per entity.")),
                    ],
                    options={"db_table": "portal_dataload", "ordering": ["-created_at", "-id"]},
                ),
            ],
            database_operations=[],
        ),
    ]
