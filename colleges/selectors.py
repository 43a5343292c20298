from .models import College


def college_list():
    return College.objects.select_related("ics", "ics__region", "hub", "hub__region")
