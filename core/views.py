"""Base views shared by every app's pages: signed-in lists filtered by the API's FilterSets,
details, and create/update/delete pages that run the one write check of each model."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView
from django_filters.views import FilterView

from .permissions import require_write

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
        # Search first, codes as drop-downs, the page's labels: all declared on the FilterSet.
        return super().get_filterset(filterset_class).for_page()

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


class PortalDetailView(LoginRequiredMixin, DetailView):
    """A signed-in detail page. Set `slug_field` / `slug_url_kwarg` to the natural key."""


class _WriteMixin:
    """What create, update and delete pages share: the scope check and the confirmation message."""

    success_message = ""
    fallback_template = "portal/form_page.html"
    page_title = ""
    submit_label = "Save"

    def check_write_permission(self, obj) -> None:
        """403 unless the user may write obj (core.permissions). Override for extra rules."""
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


