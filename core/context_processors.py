from django.conf import settings


def portal(request):
    return {
        "PORTAL_DEBUG": settings.DEBUG,
        "SERVICE_NAME": "Health and care workforce portal",
        **demo_data(request),
    }


def demo_data(request):
    """`demo_data` is True while generated (demo or synthetic) data is loaded: the layout shows a banner."""
    from .models import DataLoad

    return {"demo_data": DataLoad.objects.exclude(kind=DataLoad.Kind.REFERENCE).exists()}
