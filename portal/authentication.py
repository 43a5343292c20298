"""`Authorization: Token <key>` against the portal's own hashed, expiring tokens (portal.ApiToken)."""

from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .api_tokens import api_token_find, api_token_touch


class PortalTokenAuthentication(TokenAuthentication):
    """DRF's header contract (keyword `Token`, 401 with `WWW-Authenticate: Token`), our token model."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = api_token_find(key=key)
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if token.expires_at <= timezone.now():
            raise AuthenticationFailed(
                "This token has expired: create a new one on your account page or with POST /api/v1/auth/token/."
            )
        if not token.user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        api_token_touch(token=token)
        return token.user, token
