"""Pages for colleges (and, from the course-offers work, their offers)."""

import copy

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView, View

from core.csv_reading import changes_text
from core.errors import ApplicationError
from core.permissions import can_write
from core.roles import Role
from core.upsert import UpsertBusy, UpsertRefused
from core.views import (
    PortalCreateView,
    PortalDeleteView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
)

from .filtersets import CollegeFilterSet, CourseOfferFilterSet
from .forms import CourseOfferConfirmForm, CourseOfferForm, CourseOfferUploadForm
from .models import College, CourseOffer, QualificationType
from .selectors import college_list, course_offer_history, course_offer_list
from .services import (
    OFFER_CSV_COLUMNS,
    OFFER_CSV_REQUIRED,
    course_offer_create,
    course_offer_delete,
    course_offer_update,
    course_offers_csv_import,
    course_offers_csv_read,
    course_offers_csv_template,
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
        return college_list().select_related("hub__host_college")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        offers = course_offer_list().filter(college=self.object).order_by("-academic_year", "course_code")
        context["offers"] = offers[:COLLEGE_PAGE_OFFERS]
        context["offer_count"] = offers.count()
        context["can_write_offers"] = may_write_offers_of(self.request.user, self.object)
        return context


COLLEGE_PAGE_OFFERS = 20


# --- Course offers ------------------------------------------------------------------------------



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


OFFER_PREVIEW_NOUNS = {"new": "New offers", "change": "Offers that change", "same": "Offers already up to date"}


def _offer_preview(plan) -> dict:
    return {
        "counts": plan.counts,
        "created": [f"{o.course_code} {o.academic_year}: {o.title}" for o in plan.created[:50]],
        "changed": [f"{o.course_code} {o.academic_year}: {changes_text(changes)}" for o, changes in plan.updated[:50]],
    }


class CourseOfferUploadView(LoginRequiredMixin, _CollegeOfferMixin, TemplateView):
    """Upload a CSV of offers: first a preview of what would change, then confirm to write it all."""

    template_name = "colleges/courseoffer_upload.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(college=self.college, columns=OFFER_CSV_COLUMNS, required=OFFER_CSV_REQUIRED,
                       qualification_types=QualificationType.values, nouns=OFFER_PREVIEW_NOUNS)
        context.setdefault("form", CourseOfferUploadForm())
        return context

    def post(self, request, *args, **kwargs):
        if "csv_text" in request.POST:
            return self._confirm(request)
        form = CourseOfferUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        text = form.cleaned_data["file"]
        checked = course_offers_csv_read(text=text, user=request.user, college=self.college,
                                         context={"request": request})
        if checked.plan is None:  # the file itself is unreadable: say so on the upload form
            for problem in checked.problems:
                form.add_error("file", problem)
            return self.render_to_response(self.get_context_data(form=form))
        return self.render_to_response(
            self.get_context_data(
                plan=checked.plan, problems=checked.problems, preview=_offer_preview(checked.plan),
                confirm_form=CourseOfferConfirmForm(initial={"csv_text": text}), template="preview",
            )
        )

    def _confirm(self, request):
        form = CourseOfferConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The upload could not be read again: please upload the file once more.")
            return HttpResponseRedirect(request.path)
        try:
            counts = course_offers_csv_import(text=form.cleaned_data["csv_text"], user=request.user,
                                              college=self.college, context={"request": request})
        except ApplicationError:
            messages.error(request, "The offers changed since the preview and some rows are no longer valid: "
                                    "nothing was written. Please upload the file again to see why.")
            return HttpResponseRedirect(request.path)
        except (UpsertBusy, UpsertRefused) as exc:
            messages.error(request, str(exc.detail))
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            f"Upload saved: {counts['created']} offers added, {counts['updated']} changed, "
            f"{counts['unchanged']} already up to date.",
        )
        return HttpResponseRedirect(reverse("colleges:college_detail", args=[self.college.ukprn]))


class CourseOfferUploadTemplateView(LoginRequiredMixin, _CollegeOfferMixin, View):
    """The CSV template of the upload: the header row and one example offer."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(course_offers_csv_template(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="course-offers-template.csv"'
        return response
