from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from core.models import DataLoad
from core.roles import Role
from trusts.services import board_successor_today

from .api_tokens import api_token_issue, api_tokens_revoke
from .models import ApiToken

# --- Pages ---------------------------------------------------------------------------------------


def home(request):
    """What the portal is for, for each kind of user; signed-in users also get shortcuts for their role."""
    context = {"roles": Role}
    user = request.user
    if user.is_authenticated and user.role == Role.ICS and user.ics_id and not user.ics.is_open_today:
        # a board that closed: until move_board_users runs, say so and where its work carries on
        context["closed_board"] = user.ics
        context["closed_board_successor"] = board_successor_today(user.ics)
    return render(request, "portal/home.html", context)


def about_data(request):
    """Where the shipped data comes from, under which licence, and which of it is generated."""
    from planning.generators.demo import DEMO_SCALING

    loads = DataLoad.objects.all()[:20]
    return render(
        request, "portal/about_data.html", {"loads": loads, "DataLoad": DataLoad, "demo_scaling": DEMO_SCALING}
    )


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
    """Database, broker and page status, for load balancers and `docker compose` health checks."""
    checks = {"database": _check_database(), "broker": _check_broker(), "pages": _check_pages()}
    healthy = all(status in ("ok", "not configured") for status in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return f"error: {exc.__class__.__name__}"


def _check_pages() -> str:
    """Render a template that names the front end's files through the configured static storage:
    in production that fails (no manifest entry) when collectstatic did not run as it should, which
    would make every HTML page answer 500."""
    try:
        loader.render_to_string("portal/healthz_pages.html")
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}: {str(exc)[:200]}"


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
    """The signed-in user's role and organisation, and their API tokens (create or replace one).
    A new token's key is shown on the page that answers its creation, and never again.
    Staff also see every user's tokens, with a button to revoke them."""

    template_name = "portal/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["tokens"] = list(ApiToken.objects.filter(user=user).order_by("-created_at"))
        context["now"] = timezone.now()
        context["token_expiry_days"] = settings.API_TOKEN_EXPIRY_DAYS
        if user.is_portal_staff:
            context["all_tokens"] = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        return context


@login_required
@require_POST
def account_token_rotate(request):
    """Replace the user's API tokens by a new one: the old keys stop working at once. The answer is
    the account page showing the new key, this once (nothing keeps it to show again)."""
    had_token = ApiToken.objects.filter(user=request.user).exists()
    _token, key = api_token_issue(user=request.user, replace=True)
    messages.success(
        request,
        "Your new API token is shown below. The old one no longer works." if had_token
        else "Your API token is shown below.",
    )
    view = AccountView(request=request, args=(), kwargs={})
    response = render(request, view.template_name, view.get_context_data(new_key=key))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def account_token_revoke(request, user_id: int):
    """Staff only: delete a user's API tokens (they can create a new one on their account page)."""
    if not request.user.is_portal_staff:
        raise PermissionDenied("Only portal staff revoke other users' API tokens.")
    deleted = api_tokens_revoke(user_id=user_id)
    messages.success(request, "The token was revoked." if deleted else "That user had no token.")
    return HttpResponseRedirect(reverse("account"))
