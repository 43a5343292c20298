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
        auth = request.auth
        ident = f"token:{auth.key}" if getattr(auth, "key", None) else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
