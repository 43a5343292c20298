"""Pages for the geography and the NHS trusts: browse, filter, and see how they connect."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView, View

from core.csv_reading import changes_text
from core.errors import ApplicationError
from core.permissions import can_write
from core.roles import Role
from core.upsert import UpsertBusy, UpsertRefused
from core.views import PortalDetailView, PortalListView

from . import selectors, services
from .filtersets import IntegratedCareSystemFilterSet, RegionFilterSet, TrustFilterSet, VacancyFilterSet
from .forms import VacancyConfirmForm, VacancyUploadForm
from .models import Region, Vacancy


class RegionListView(PortalListView):
    filterset_class = RegionFilterSet
    noun = "regions"
    empty_message = "No regions have been loaded yet."
    template_name = "trusts/region_list.html"

    def get_queryset(self):
        return selectors.region_list().select_related("hub")


class RegionDetailView(PortalDetailView):
    template_name = "trusts/region_detail.html"
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return Region.objects.select_related("hub", "hub__host_college").prefetch_related(
            Prefetch(
                "integrated_care_systems",
                queryset=selectors.integrated_care_system_list().order_by("closed_on", "name"),
                to_attr="ics_rows",
            )
        )


class IntegratedCareSystemListView(PortalListView):
    filterset_class = IntegratedCareSystemFilterSet
    noun = "integrated care systems"
    empty_message = "No integrated care systems have been loaded yet."
    template_name = "trusts/integratedcaresystem_list.html"

    def get_queryset(self):
        return selectors.integrated_care_system_list()

    def get_filterset_kwargs(self, filterset_class):
        """The page shows the boards open today unless asked otherwise: its status filter offers the closed
        boards (and any board) so old ones stay findable. The API lists every board unless filtered."""
        kwargs = super().get_filterset_kwargs(filterset_class)
        if "current" not in self.request.GET and "open_on" not in self.request.GET:
            data = self.request.GET.copy()
            data["current"] = "true"
            kwargs["data"] = data
        return kwargs


class IntegratedCareSystemDetailView(PortalDetailView):
    template_name = "trusts/integratedcaresystem_detail.html"
    slug_field = slug_url_kwarg = "code"

    def get_queryset(self):
        return selectors.integrated_care_system_list()

    def get_context_data(self, **kwargs):
        ics = self.object
        if ics.is_open_today:
            trusts = list(selectors.trust_list().filter(ics=ics).order_by("name"))
            colleges = ics.colleges.all()
        else:  # a closed board: the trusts and colleges that belonged to it, by their memberships
            trusts = list(selectors.trust_list().filter(boards__ics=ics).distinct().order_by("name"))
            college_model = ics.colleges.model  # reached through the relation: trusts does not import colleges
            colleges = college_model.objects.filter(boards__ics=ics).distinct()
        return super().get_context_data(
            open_trusts=[trust for trust in trusts if trust.is_open],
            closed_trusts=[trust for trust in trusts if not trust.is_open],
            colleges=list(colleges.select_related("ics", "ics__region", "hub", "hub__region").order_by("name")),
            **kwargs,
        )


class TrustListView(PortalListView):
    filterset_class = TrustFilterSet
    noun = "trusts"
    empty_message = "No NHS trusts have been loaded yet."
    template_name = "trusts/trust_list.html"

    def get_queryset(self):
        return selectors.trust_list()


class TrustDetailView(PortalDetailView):
    template_name = "trusts/trust_detail.html"
    slug_field = slug_url_kwarg = "ods_code"

    def get_queryset(self):
        return selectors.trust_list().select_related("ics__region__hub")


# --- Vacancies: the list, and the CSV upload with a preview before anything is written ------------


def may_write_vacancies(user) -> bool:
    """Whether the user may write any vacancy rows: the row's own write check, asked of one in their ICS."""
    return can_write(user, Vacancy(ics_id=getattr(user, "ics_id", None)))


class VacancyListView(PortalListView):
    filterset_class = VacancyFilterSet
    noun = "vacancy rows"
    empty_message = "No vacancies have been recorded yet."
    template_name = "trusts/vacancy_list.html"

    def get_queryset(self):
        return selectors.vacancy_list()

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(may_upload=may_write_vacancies(user), own_ics=getattr(user, "ics", None),
                                        **kwargs)


class VacancyUploadView(LoginRequiredMixin, TemplateView):
    """Upload a CSV of vacancies: a preview of what would change, then confirm to write every row or none."""

    template_name = "trusts/vacancy_upload.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_write_vacancies(request.user):
            raise PermissionDenied("Only ICS analysts and portal staff upload vacancies.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("form", VacancyUploadForm())
        return super().get_context_data(
            columns=services.VACANCY_CSV_COLUMNS, required=services.VACANCY_CSV_REQUIRED,
            own_ics=user.ics if user.role == Role.ICS else None, **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if "csv_text" in request.POST:
            return self._confirm(request)
        form = VacancyUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        return self._preview(form.cleaned_data["file"], form=form)

    def _preview(self, text: str, *, form):
        checked = services.vacancies_csv_read(text=text, user=self.request.user)
        if checked.plan is None:  # the file itself is unreadable: say so on the upload form
            for problem in checked.problems:
                form.add_error("file", problem)
            return self.render_to_response(self.get_context_data(form=form))
        return self.render_to_response(self.get_context_data(
            stage="preview", checked=checked, plan=checked.plan, problems=checked.problems,
            preview=_vacancy_preview(checked.plan), nouns=VACANCY_PREVIEW_NOUNS,
            confirm_form=VacancyConfirmForm(initial={"csv_text": text}),
        ))

    def _confirm(self, request):
        form = VacancyConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The upload could not be read again: please upload the file once more.")
            return HttpResponseRedirect(request.path)
        text = form.cleaned_data["csv_text"]
        try:
            counts = services.vacancies_csv_import(text=text, user=request.user)
        except ApplicationError:
            messages.error(request, "Some rows are no longer valid since the preview: nothing was written.")
            return self._preview(text, form=VacancyUploadForm())
        except (UpsertBusy, UpsertRefused) as exc:
            messages.error(request, str(exc.detail))
            return self._preview(text, form=VacancyUploadForm())
        messages.success(
            request,
            f"Upload saved: {counts['created']:,} vacancy rows added, {counts['updated']:,} changed, "
            f"{counts['unchanged']:,} already up to date.",
        )
        target = reverse("trusts:vacancy_list")
        if request.user.role == Role.ICS:
            target += f"?ics={request.user.ics.code}"
        return HttpResponseRedirect(target)


VACANCY_PREVIEW_NOUNS = {"new": "New rows", "change": "Rows that change", "same": "Rows already up to date"}


def _vacancy_text(vacancy) -> str:
    where = vacancy.trust.name if vacancy.trust_id else f"social care in {vacancy.ics.short_name}"
    return f"{vacancy.occupation.name}, {where}, {vacancy.period:%B %Y}"


def _vacancy_preview(plan) -> dict:
    def created(vacancy) -> str:
        text = f"{_vacancy_text(vacancy)}: {vacancy.vacancies_fte} FTE vacant"
        if vacancy.staff_in_post_fte is not None:
            text += f", {vacancy.staff_in_post_fte} FTE in post"
        return text

    return {
        "counts": plan.counts,
        "created": [created(vacancy) for vacancy in plan.created[:50]],
        "changed": [f"{_vacancy_text(v)}: {changes_text(c)}" for v, c in plan.updated_with_changes[:50]],
    }


class VacancyUploadTemplateView(LoginRequiredMixin, View):
    """The CSV template of the vacancy upload: the header row and one example row."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_write_vacancies(request.user):
            raise PermissionDenied("Only ICS analysts and portal staff upload vacancies.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        response = HttpResponse(services.vacancies_csv_template(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="vacancies-template.csv"'
        return response
