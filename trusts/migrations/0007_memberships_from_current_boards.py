from django.db import migrations


def forwards(apps, schema_editor):
    """Each trust's and college's board so far becomes an open-ended membership, and each merger recorded
    as `succeeded_by` a succession with share 1 (DESIGN.md 6.1)."""
    IntegratedCareSystem = apps.get_model("trusts", "IntegratedCareSystem")
    BoardSuccession = apps.get_model("trusts", "BoardSuccession")
    Trust = apps.get_model("trusts", "Trust")
    TrustBoard = apps.get_model("trusts", "TrustBoard")
    College = apps.get_model("colleges", "College")
    CollegeBoard = apps.get_model("colleges", "CollegeBoard")
    TrustBoard.objects.bulk_create(
        [TrustBoard(trust_id=t.id, ics_id=t.ics_id) for t in Trust.objects.exclude(boards__isnull=False)]
    )
    CollegeBoard.objects.bulk_create(
        [CollegeBoard(college_id=c.id, ics_id=c.ics_id) for c in College.objects.exclude(boards__isnull=False)]
    )
    for ics in IntegratedCareSystem.objects.filter(succeeded_by__isnull=False):
        BoardSuccession.objects.get_or_create(
            predecessor_id=ics.id, successor_id=ics.succeeded_by_id, defaults={"share": 1}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("trusts", "0006_map_ranges_scenarios_schema"),
        ("colleges", "0008_map_ranges_scenarios_schema"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
