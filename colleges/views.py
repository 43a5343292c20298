"""Pages for colleges (and, from the course-offers work, their offers)."""

import copy
import csv
import io

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from core.errors import ApplicationError
from core.permissions import can_write
from core.roles import Role
from core.views import (
    PortalCreateView,
    PortalDeleteView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
)

from .api.serializers import validate_offer_items
from .filtersets import CollegeFilterSet, CourseOfferFilterSet
from .forms import CourseOfferConfirmForm, CourseOfferForm, CourseOfferUploadForm
from .models import College, CourseOffer
from .selectors import college_list, course_offer_history, course_offer_list
from .services import (
    BULK_MAX_ITEMS,
    course_offer_create,
    course_offer_delete,
    course_offer_update,
    course_offers_plan,
    course_offers_upsert,
)


class CollegeListView(PortalListView):
    filterset_class = CollegeFilterSet
    noun = "colleges"
    empty_message = "No colleges have been loaded yet."
    template_name = "colleges/college_list.html"

    def get_queryset(self):
        return college_list()


class CollegeDetailView(PortalDetailView):
    template_name = "colleges/college_detail.html"
    slug_field = slug_url_kwarg = "ukprn"

    def get_queryset(self):
        return college_list().select_related("hub__host_college", "ics__succeeded_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offers = course_offer_list().filter(college=self.object).order_by("-academic_year", "course_code")
        context["offers"] = offers[:COLLEGE_PAGE_OFFERS]
        context["offer_count"] = offers.count()
        context["can_write_offers"] = may_write_offers_of(self.request.user, self.object)
        return context


COLLEGE_PAGE_OFFERS = 20


# --- Course offers ------------------------------------------------------------------------------

OFFER_CSV_COLUMNS = (
    "course_code", "title", "qualification_type", "level", "apprenticeship_standard", "academic_year",
    "start_date", "duration_months", "planned_places", "expected_completion_rate", "delivery_ics",
)
OFFER_CSV_REQUIRED = (
    "course_code", "title", "qualification_type", "academic_year", "start_date", "duration_months", "planned_places",
)


def may_write_offers_of(user, college) -> bool:
    """Whether the user may write this college's offers: the offer's own write check, asked of a new one."""
    return can_write(user, CourseOffer(college=college))


def _require_offer_writer(user, college) -> None:
    if not may_write_offers_of(user, college):
        raise PermissionDenied("Only the college's own users and portal staff change its course offers.")


def _form_errors_from(form, exc: ApplicationError) -> None:
    for name, messages_ in exc.errors.items():
        target = name if name in form.fields else None
        for message in messages_ if isinstance(messages_, list) else [messages_]:
            form.add_error(target, str(message))


class CourseOfferListView(PortalListView):
    filterset_class = CourseOfferFilterSet
    noun = "course offers"
    empty_message = "No college has entered course offers yet."
    template_name = "colleges/courseoffer_list.html"

    def get_queryset(self):
        return course_offer_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["own_college"] = user.college if user.role == Role.COLLEGE else None
        return context


class CourseOfferDetailView(PortalDetailView):
    template_name = "colleges/courseoffer_detail.html"
    context_object_name = "offer"

    def get_queryset(self):
        return course_offer_list().select_related("college__ics__region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = course_offer_history(offer_id=self.object.pk)
        context["can_write"] = may_write_offers_of(self.request.user, self.object.college)
        return context


class _CollegeOfferMixin:
    """The college of the page, from the URL (`<ukprn>`); only its users and staff get further."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.college = get_object_or_404(College.objects.select_related("ics"), ukprn=kwargs["ukprn"])
            _require_offer_writer(request.user, self.college)
        return super().dispatch(request, *args, **kwargs)


class CourseOfferCreateView(_CollegeOfferMixin, PortalCreateView):
    model = CourseOffer
    form_class = CourseOfferForm
    submit_label = "Add the offer"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = CourseOffer(college=self.college)
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", f"Add a course offer of {self.college.name}")
        return super().get_context_data(**kwargs)

    def get_cancel_url(self):
        return reverse("colleges:college_detail", args=[self.college.ukprn])

    def form_valid(self, form):
        data = {**form.cleaned_data, "college": self.college}
        try:
            self.object = course_offer_create(user=self.request.user, data=data, source="page")
        except ApplicationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        self._message(self.object)
        return HttpResponseRedirect(self.object.get_absolute_url())


class CourseOfferUpdateView(PortalUpdateView):
    model = CourseOffer
    form_class = CourseOfferForm
    submit_label = "Save changes"

    def get_queryset(self):
        return course_offer_list()

    def check_write_permission(self, obj) -> None:
        _require_offer_writer(self.request.user, obj.college)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # The form checks a copy, so the service sees what changed against the stored offer.
        kwargs["instance"] = copy.copy(self.object)
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("page_title", f"Change {self.object}")
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            self.object = course_offer_update(offer=self.object, user=self.request.user, data=data, source="page")
        except ApplicationError as exc:
            _form_errors_from(form, exc)
            return self.form_invalid(form)
        self._message(self.object)
        return HttpResponseRedirect(self.object.get_absolute_url())


class CourseOfferDeleteView(PortalDeleteView):
    model = CourseOffer

    def get_queryset(self):
        return course_offer_list()

    def check_write_permission(self, obj) -> None:
        _require_offer_writer(self.request.user, obj.college)

    def form_valid(self, form):
        name, college = str(self.object), self.object.college
        course_offer_delete(offer=self.object, user=self.request.user, source="page")
        messages.success(self.request, f"{name} was deleted.")
        return HttpResponseRedirect(reverse("colleges:college_detail", args=[college.ukprn]))


def _offers_from_csv(text: str) -> tuple[list[dict], list[str]]:
    """CSV text -> items in the API's shape (empty cells left out), or the problems with its columns."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in OFFER_CSV_REQUIRED if name not in columns]
    if missing:
        return [], [f"The header row lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}."]
    items = []
    for record in reader:
        item = {}
        for key, value in record.items():
            key = (key or "").strip()
            if key in OFFER_CSV_COLUMNS and value is not None and value.strip():
                item[key] = value.strip()
        items.append(item)
    if not items:
        return [], ["The file has a header row but no offers."]
    if len(items) > BULK_MAX_ITEMS:
        return [], [f"The file has {len(items):,} offers: upload at most {BULK_MAX_ITEMS:,} at a time."]
    return items, []


class CourseOfferUploadView(LoginRequiredMixin, _CollegeOfferMixin, TemplateView):
    """Upload a CSV of offers: first a preview of what would change, then confirm to write it all."""

    template_name = "colleges/courseoffer_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(college=self.college, columns=OFFER_CSV_COLUMNS, required=OFFER_CSV_REQUIRED)
        context.setdefault("form", CourseOfferUploadForm())
        return context

    def _plan(self, text: str):
        items, problems = _offers_from_csv(text)
        if problems:
            return None, problems
        rows, errors = validate_offer_items(items, context={"request": self.request})
        plan = course_offers_plan(
            rows=rows, errors=errors, user=self.request.user, college=self.college, fields_checked=True
        )
        return plan, []

    def post(self, request, *args, **kwargs):
        if "csv_text" in request.POST:
            return self._confirm(request)
        form = CourseOfferUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        text = form.cleaned_data["file"]
        plan, problems = self._plan(text)
        if problems:
            for problem in problems:
                form.add_error("file", problem)
            return self.render_to_response(self.get_context_data(form=form))
        errors = [
            {"line": index + 2, "fields": [(name, messages_) for name, messages_ in plan.errors[index].items()]}
            for index in sorted(plan.errors)
        ]
        return self.render_to_response(
            self.get_context_data(
                plan=plan, row_errors=errors, confirm_form=CourseOfferConfirmForm(initial={"csv_text": text}),
                template="preview",
            )
        )

    def _confirm(self, request):
        form = CourseOfferConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The upload could not be read again: please upload the file once more.")
            return HttpResponseRedirect(request.path)
        items, problems = _offers_from_csv(form.cleaned_data["csv_text"])
        if problems:
            messages.error(request, problems[0])
            return HttpResponseRedirect(request.path)
        rows, errors = validate_offer_items(items, context={"request": request})
        try:
            counts = course_offers_upsert(rows=rows, errors=errors, user=request.user, college=self.college,
                                          source="csv", fields_checked=True)
        except ApplicationError:
            messages.error(request, "The offers changed since the preview and some rows are no longer valid: "
                                    "nothing was written. Please upload the file again to see why.")
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            f"Upload saved: {counts['created']} offers added, {counts['updated']} changed, "
            f"{counts['unchanged']} already up to date.",
        )
        return HttpResponseRedirect(reverse("colleges:college_detail", args=[self.college.ukprn]))
