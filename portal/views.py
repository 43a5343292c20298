from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import CreateView, DeleteView, DetailView, TemplateView, UpdateView
from django_filters.views import FilterView

from .api_tokens import api_token_issue, api_tokens_revoke
from .models import ApiToken, DataLoad
from .permissions import require_write
from .roles import Role

# --- Base views shared by every app's pages -------------------------------------------------------


class PortalListView(LoginRequiredMixin, FilterView):
    """A signed-in list page filtered by the same FilterSet as the API, paginated.

    Subclasses set `filterset_class` and `get_queryset()` (the app's base selector). `?page_size=`
    is honoured up to `max_page_size`. The context gains `querystring` (the current filters without
    `page`, for links) and `filters_active` (for the empty state).
    """

    paginate_by = 25
    max_page_size = 100
    noun = ""  # what the rows are, in the plural ("trusts"); defaults to the model's plural name
    empty_message = ""  # what an empty, unfiltered list says
    # Ask for other filters on the page itself rather than silently showing an empty list.
    strict = True

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        # Free-text search first in the filter form: it is the filter people reach for.
        form = filterset.form
        if "q" in form.fields:
            form.fields = {"q": form.fields.pop("q"), **form.fields}
        return filterset

    def get_paginate_by(self, queryset):
        try:
            size = int(self.request.GET.get("page_size", ""))
        except ValueError:
            return self.paginate_by
        return max(1, min(size, self.max_page_size))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        context["querystring"] = params.urlencode()
        context["filters_active"] = any(
            value for key, value in self.request.GET.items() if key not in ("page", "page_size")
        )
        context["noun"] = self.noun or self.object_list.model._meta.verbose_name_plural
        context["empty_message"] = self.empty_message
        return context


def use_select(filterset, name: str, choices, label: str | None = None, empty: str = "Any") -> None:
    """Show a FilterSet's text filter (e.g. `ics`, a code) as a drop-down of choices on the page.

    The API keeps the plain parameter; the page only offers the valid values. `choices` is a list of
    (value, text) pairs; a first "Any" option (value "") is added.
    """
    field = filterset.form.fields[name]
    field.widget = forms.Select(choices=[("", empty), *choices])
    if label:
        field.label = label


class PortalDetailView(LoginRequiredMixin, DetailView):
    """A signed-in detail page. Set `slug_field` / `slug_url_kwarg` to the natural key."""


class _WriteMixin:
    """What create, update and delete pages share: the scope check and the confirmation message."""

    success_message = ""
    fallback_template = "portal/form_page.html"
    page_title = ""
    submit_label = "Save"

    def check_write_permission(self, obj) -> None:
        """403 unless the user may write obj (portal.permissions). Override for extra rules."""
        require_write(self.request.user, obj)

    def get_template_names(self):
        # The app's own template (e.g. colleges/courseoffer_form.html) when it has one, else the generic one.
        return [*super().get_template_names(), self.fallback_template]

    def get_cancel_url(self):
        obj = getattr(self, "object", None)
        if obj is not None and obj.pk and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return self.request.GET.get("next") if self._safe_next() else str(self.success_url or "/")

    def _safe_next(self) -> bool:
        from django.utils.http import url_has_allowed_host_and_scheme

        target = self.request.GET.get("next", "")
        return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("page_title", self.page_title)
        context.setdefault("submit_label", self.submit_label)
        context.setdefault("cancel_url", self.get_cancel_url())
        return context

    def _message(self, obj) -> None:
        if self.success_message:
            messages.success(self.request, self.success_message.format(object=obj))


class PortalCreateView(LoginRequiredMixin, _WriteMixin, CreateView):
    """Create page: the form's unsaved instance must pass `check_write_permission` before saving."""

    success_message = "{object} was added."

    def form_valid(self, form):
        self.check_write_permission(form.instance)
        response = super().form_valid(form)
        self._message(self.object)
        return response


class PortalUpdateView(LoginRequiredMixin, _WriteMixin, UpdateView):
    """Edit page: out-of-scope objects answer 403 on GET and POST alike."""

    success_message = "{object} was updated."

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_write_permission(obj)
        return obj

    def form_valid(self, form):
        response = super().form_valid(form)
        self._message(self.object)
        return response


class PortalDeleteView(LoginRequiredMixin, _WriteMixin, DeleteView):
    """Asks "Are you sure?" (includes/confirm_delete.html), deletes on POST, then says so."""

    fallback_template = "includes/confirm_delete.html"
    success_message = "{object} was deleted."

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_write_permission(obj)
        return obj

    def get_cancel_url(self):
        obj = getattr(self, "object", None)
        if obj is not None and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return super().get_cancel_url()

    def form_valid(self, form):
        name = str(self.object)
        try:
            response = super().form_valid(form)
        except ProtectedError:
            messages.error(self.request, f"{name} cannot be deleted while other records still refer to it.")
            return HttpResponseRedirect(self.get_cancel_url())
        self._message(name)
        return response


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
