from django.db import models


class DataLoad(models.Model):
    """A record of one load of data into the portal: real reference data, or generated demo data.

    The pages show a "demonstration data" banner while any demo or synthetic load is recorded.
    """

    class Kind(models.TextChoices):
        REFERENCE = "reference", "Reference data (published)"
        DEMO = "demo", "Demonstration data (generated)"
        SYNTHETIC = "synthetic", "Synthetic benchmark data (generated)"

    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    description = models.CharField(max_length=300, blank=True)
    summary = models.JSONField(default=dict, blank=True, help_text="Rows added, changed and unchanged per entity.")

    class Meta:
        db_table = "portal_dataload"  # the table kept its name when the model moved from portal
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} loaded {self.created_at:%Y-%m-%d %H:%M}"
