from django.conf import settings


def portal(request):
    return {"PORTAL_DEBUG": settings.DEBUG, "SERVICE_NAME": "Health and care workforce portal"}
