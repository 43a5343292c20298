"""The API's throttles: DRF's sliding-window rates, one cache round trip per request on Redis.

DRF's SimpleRateThrottle reads a request's history (the times of the requests inside the window)
and writes it back: two round trips, and the whole pickled list both ways. On Django's Redis cache
the same history is a Redis list changed by one script, atomically (two requests at once cannot
both take the last place): the times outside the window are dropped, the request is refused when
the window is full, else its time is pushed and the key's expiry set to the window. Same rates,
same answers (429 with Retry-After, DRF's `wait()`); other caches (the local-memory default) use
DRF's own code.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from redis.commands.core import Script
from rest_framework.throttling import SimpleRateThrottle

# KEYS[1]: the history; ARGV: now, window (s), requests allowed. Answers {allowed (1/0), requests in the
# window (this one included when allowed), the oldest request's time (text) or false}.
_SLIDING_WINDOW = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local oldest = redis.call('LINDEX', key, -1)
while oldest and tonumber(oldest) <= now - window do
    redis.call('RPOP', key)
    oldest = redis.call('LINDEX', key, -1)
end
local count = redis.call('LLEN', key)
if count >= limit then
    return {0, count, oldest}
end
redis.call('LPUSH', key, ARGV[1])
redis.call('EXPIRE', key, window)
return {1, count + 1, redis.call('LINDEX', key, -1)}
"""


class OneTripRateThrottle(SimpleRateThrottle):
    """SimpleRateThrottle whose check and record are one atomic script on Django's Redis cache."""

    _script: Script | None = None  # registered once; run on each request's client (EVALSHA)

    def allow_request(self, request, view):
        backend = self.cache
        if isinstance(backend, ConnectionProxy):
            backend = backend._connections[backend._alias]
        self._window = None
        if self.rate is None or not isinstance(backend, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        # A key of its own: DRF's code keeps a pickled list under self.key (a Redis string), which a worker
        # still running it during a deploy may read or write; the two must never meet on one key.
        key = backend.make_and_validate_key(f"{self.key}:window")
        client = backend._cache.get_client(key, write=True)
        if OneTripRateThrottle._script is None:
            OneTripRateThrottle._script = client.register_script(_SLIDING_WINDOW)
        allowed, count, oldest = OneTripRateThrottle._script(
            keys=[key], args=[repr(self.now), self.duration, self.num_requests], client=client
        )
        self._window = (int(count), float(oldest) if oldest is not None else None)
        return bool(allowed)

    def wait(self):
        """DRF's wait(), from the window's number of requests and the oldest one's time."""
        if self._window is None:
            return super().wait()
        count, oldest = self._window
        remaining = self.duration - (self.now - oldest) if count and oldest is not None else self.duration
        available = self.num_requests - count + 1
        if available <= 0:
            return None
        return remaining / float(available)


class TokenRateThrottle(OneTripRateThrottle):
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


class TokenEndpointRateThrottle(OneTripRateThrottle):
    """POST auth/token/: one budget per client address (rate in settings 'auth_token'), so that
    passwords cannot be tried at speed from one place. The address is REMOTE_ADDR, or the proxy's
    X-Forwarded-For entry when DJANGO_TRUSTED_PROXY is set (REST_FRAMEWORK NUM_PROXIES)."""

    scope = "auth_token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
