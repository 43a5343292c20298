"""API tokens: issue, find, touch and revoke. A key is random, shown once, and stored only as its
SHA-256 digest (a fast hash is right here: keys are 256 random bits, not guessable passwords)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, User


def api_token_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def api_token_issue(*, user: User, replace: bool = False) -> tuple[ApiToken, str]:
    """A new token for user, and its key (the only time the key exists outside the caller).

    replace=True revokes the user's other tokens first (the account page's "Replace my token").
    The user's expired tokens are removed either way.
    """
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        old = ApiToken.objects.filter(user=user)
        (old if replace else old.filter(expires_at__lte=now)).delete()
        token = ApiToken.objects.create(
            user=user,
            digest=api_token_digest(key),
            prefix=key[: ApiToken.PREFIX_LENGTH],
            expires_at=now + dt.timedelta(days=settings.API_TOKEN_EXPIRY_DAYS),
        )
    return token, key


def api_token_find(*, key: str) -> ApiToken | None:
    """The token with this key, expired or not (the caller says which), with its user."""
    return ApiToken.objects.select_related("user").filter(digest=api_token_digest(key)).first()


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Record the use of token, writing at most once per API_TOKEN_LAST_USED_RESOLUTION_SECONDS."""
    now = now or timezone.now()
    resolution = dt.timedelta(seconds=settings.API_TOKEN_LAST_USED_RESOLUTION_SECONDS)
    if token.last_used_at is not None and now - token.last_used_at < resolution:
        return
    stale = now - resolution
    ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=stale).update(last_used_at=now)
    token.last_used_at = now


def api_tokens_revoke(*, user_id: int) -> int:
    """Delete every token of the user; how many there were."""
    return ApiToken.objects.filter(user_id=user_id).delete()[0]
