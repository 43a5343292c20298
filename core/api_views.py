"""Views every API version shares."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # like every API view: a POST to a wrong path is a 404, not a CSRF page
def api_not_found(request, *args, **kwargs):
    """Any path under the API that names no endpoint: a JSON 404 like every other API error
    (not the site's HTML page), so that clients read one error shape."""
    return JsonResponse({"detail": "No API endpoint has this path."}, status=404)
