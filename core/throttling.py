from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """One budget per API token (per user for browser sessions); rate in settings 'token'.

    Anonymous requests are left to AnonRateThrottle. A throttled request answers 429 with
    a Retry-After header (DRF's own behaviour).
    """

    scope = "token"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        auth = request.auth  # a portal.ApiToken for token requests, None for sessions
        ident = f"token:{auth.pk}" if getattr(auth, "pk", None) else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenEndpointRateThrottle(SimpleRateThrottle):
    """POST auth/token/: one budget per client address (rate in settings 'auth_token'), so that
    passwords cannot be tried at speed from one place. The address is REMOTE_ADDR, or the proxy's
    X-Forwarded-For entry when DJANGO_TRUSTED_PROXY is set (REST_FRAMEWORK NUM_PROXIES)."""

    scope = "auth_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
