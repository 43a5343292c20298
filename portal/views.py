from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from core.models import DataLoad
from core.roles import Role

# --- Pages ---------------------------------------------------------------------------------------


def home(request):
    """What the portal is for, for each kind of user; signed-in users also get shortcuts for their role."""
    return render(request, "portal/home.html", {"roles": Role})


def about_data(request):
    """Where the shipped data comes from, under which licence, and which of it is generated."""
    loads = DataLoad.objects.all()[:20]
    return render(request, "portal/about_data.html", {"loads": loads, "DataLoad": DataLoad})


class PortalAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }


class PortalLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "failure_limit": settings.AXES_FAILURE_LIMIT}


@never_cache
@require_GET
def healthz(request):
    """Database and broker status, for load balancers and `docker compose` health checks."""
    checks = {"database": _check_database(), "broker": _check_broker()}
    healthy = all(status in ("ok", "not configured") for status in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return f"error: {exc.__class__.__name__}"


def _check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "not configured"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"


def permission_denied(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: neither the context processors nor the database are trusted here.
    return HttpResponseServerError(loader.get_template("500.html").render())


# --- Account: role, organisation and API token ----------------------------------------------------


class AccountView(LoginRequiredMixin, TemplateView):
    """The signed-in user's role and organisation, and their API token (create or rotate it).
    Staff also see every user's token, with a button to revoke it."""

    template_name = "portal/account.html"

    def get_context_data(self, **kwargs):
        from rest_framework.authtoken.models import Token

        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["token"] = Token.objects.filter(user=user).first()
        if user.is_portal_staff:
            context["all_tokens"] = Token.objects.select_related("user").order_by("user__username")
        return context


@login_required
@require_POST
def account_token_rotate(request):
    """Replace the user's API token by a new one: the old key stops working at once."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        had_token = Token.objects.filter(user=request.user).delete()[0] > 0
        Token.objects.create(user=request.user)
    messages.success(
        request,
        "Your new API token is shown below. The old one no longer works." if had_token
        else "Your API token is shown below.",
    )
    return HttpResponseRedirect(reverse("account"))


@login_required
@require_POST
def account_token_revoke(request, user_id: int):
    """Staff only: delete a user's API token (they can create a new one on their account page)."""
    from rest_framework.authtoken.models import Token

    if not request.user.is_portal_staff:
        raise PermissionDenied("Only portal staff revoke other users' API tokens.")
    deleted = Token.objects.filter(user_id=user_id).delete()[0]
    messages.success(request, "The token was revoked." if deleted else "That user had no token.")
    return HttpResponseRedirect(reverse("account"))
