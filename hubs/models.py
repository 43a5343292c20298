from django.db import models


class Hub(models.Model):
    """An employer hub for health and care: one per NHS England region, hosted by a college."""

    region = models.OneToOneField("trusts.Region", on_delete=models.PROTECT, related_name="hub")
    name = models.CharField(max_length=200)
    host_college = models.ForeignKey(
        "colleges.College", null=True, blank=True, on_delete=models.SET_NULL, related_name="hosted_hubs"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def code(self):
        return self.region.code
