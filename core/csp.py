"""Content-Security-Policy on every response (pages, API, admin, docs, errors).

The policy is one string, settings.CONTENT_SECURITY_POLICY (built there from the dict
CONTENT_SECURITY_POLICY_DIRECTIVES). It allows scripts and styles only from the portal's own
origin: no inline script, no inline style attribute, no eval. A response that already carries the
header keeps its own.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy:
            report_only = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            header = "Content-Security-Policy-Report-Only" if report_only else "Content-Security-Policy"
            response.headers.setdefault(header, policy)
        return response
