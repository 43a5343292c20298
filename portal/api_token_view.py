"""POST /api/v1/auth/token/: username and password in, a new token's key out (shown this once)."""

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.throttling import TokenEndpointRateThrottle

from .api_tokens import api_token_issue


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(request=self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                "Unable to sign in with those credentials (after repeated failures, sign-in is locked for a while).",
                code="authorization",
            )
        attrs["user"] = user
        return attrs


class ApiTokenCreateView(APIView):
    """Every call makes a new token (other tokens of the user keep working until they expire)."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [TokenEndpointRateThrottle]
    parser_classes = [*api_settings.DEFAULT_PARSER_CLASSES, FormParser, MultiPartParser]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer(
                "ApiTokenCreated",
                {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            ),
            400: OpenApiResponse(description="Wrong username or password: `{\"non_field_errors\": [...]}`."),
            429: OpenApiResponse(description="Too many token requests from this address; see Retry-After."),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": key, "expires_at": token.expires_at})
