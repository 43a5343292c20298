"""Pages for hubs, partnerships, their contacts and activities, the front door and good practice.

Views stay thin: reads come from hubs.selectors, writes go through hubs.services, which check
scope (403) and validate (form errors) before anything is saved.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.text import slugify
from django.views.generic import TemplateView

from core import exports
from core.errors import ApplicationError
from core.exports import ExportTable
from core.permissions import can_write
from core.roles import Role, is_staff
from core.views import (
    PortalCreateView,
    PortalDeleteView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
)
from pathways import rules
from pathways.rules import Level
from trusts.models import IntegratedCareSystem, Region, ics_short_name

from . import selectors, services
from .filtersets import CaseStudyFilterSet, HubFilterSet, PartnershipFilterSet
from .forms import (
    ActivityForm,
    CaseStudyForm,
    ContactForm,
    FrontDoorForm,
    HubForm,
    PartnershipForm,
    PlacementYearForm,
)
from .models import (
    Activity,
    Agenda,
    CaseStudy,
    CollegeTeam,
    Contact,
    ContactSide,
    Hub,
    Partnership,
    PartnershipStatus,
)


class _ServiceWrite:
    """Create and edit pages whose save goes through a service: its ApplicationError becomes form errors."""

    def write(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.write(form)
        except ApplicationError as exc:
            errors = exc.errors if isinstance(exc.errors, dict) else {"non_field_errors": [exc.message]}
            for field, field_messages in errors.items():
                target = field if field in form.fields else None
                for message in field_messages if isinstance(field_messages, list) else [field_messages]:
                    form.add_error(target, message)
            return self.form_invalid(form)
        self._message(self.object)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return self.object.get_absolute_url()


class _ServiceDelete(PortalDeleteView):
    def delete_with_service(self, obj):
        raise NotImplementedError

    def form_valid(self, form):
        name = str(self.object)
        try:
            self.delete_with_service(self.object)
        except ApplicationError as exc:
            messages.error(self.request, exc.message)
            return HttpResponseRedirect(self.get_cancel_url())
        messages.success(self.request, self.success_message.format(object=name))
        return HttpResponseRedirect(self.get_success_url())


# --- hubs ------------------------------------------------------------------------------------


class HubListView(PortalListView):
    filterset_class = HubFilterSet
    template_name = "hubs/hub_list.html"

    def get_queryset(self):
        return selectors.hub_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_add=is_staff(self.request.user), **kwargs)


class HubDetailView(PortalDetailView):
    template_name = "hubs/hub_detail.html"
    slug_field = "region__code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Hub.objects.select_related("region", "host_college")

    def get_context_data(self, **kwargs):
        hub = self.object
        partnerships = list(selectors.partnership_list().filter(college__hub=hub))
        totals = selectors.activity_totals(activities=Activity.objects.filter(partnership__college__hub=hub))
        chart = {
            "labels": [str(year["year"]) for year in totals["by_year"]],
            "series": [
                {"label": label, "values": [year[name] for year in totals["by_year"]]}
                for name, label in (("learners", "Learners reached"), ("placements_filled", "Placements filled"),
                                    ("interviews_guaranteed", "Interviews guaranteed"), ("hires", "Hires"))
            ],
        }
        return super().get_context_data(
            colleges=list(selectors.hub_detail_colleges(hub=hub)),
            partnerships=partnerships,
            totals=totals,
            chart=chart,
            coordinators=list(selectors.hub_coordinators(hub=hub)),
            placements=_hub_placements(hub),
            case_study_count=hub.case_studies.count(),
            can_edit=is_staff(self.request.user),
            can_add_partnership=is_staff(self.request.user)
            or (self.request.user.role == Role.COORDINATOR and self.request.user.hub_id == hub.pk),
            **kwargs,
        )


def _hub_placements(hub: Hub) -> dict:
    """The hub's region's T Level placement position in the academic year running (or the latest before it)."""
    rows = selectors.placement_rows(level=Level.REGION, code=hub.region.code)
    year = _default_year([row["academic_year"] for row in rows])
    row = next((row for row in rows if row["academic_year"] == year), None)
    return {
        "year": year,
        "figures": [(label, placement_text(value, kind)) for (label, kind), value in zip(
            _FIGURE_COLUMNS, _figures(row), strict=True)] if row else [],
        "url": reverse("hubs:placements_region", args=[hub.region.code]),
    }


class HubRoleMapView(PortalDetailView):
    """The relationship map by role: which colleges and NHS partners work together on each role in the
    hub's region."""

    template_name = "hubs/hub_roles.html"
    slug_field = "region__code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Hub.objects.select_related("region")

    def get_context_data(self, **kwargs):
        return super().get_context_data(roles=selectors.region_role_map(region=self.object.region), **kwargs)


class HubCreateView(_ServiceWrite, PortalCreateView):
    model = Hub
    form_class = HubForm
    template_name = "hubs/hub_form.html"
    page_title = "Add a hub"
    submit_label = "Save hub"
    success_url = reverse_lazy("hubs:hub_list")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff(request.user):
            raise PermissionDenied("Hubs are set up by portal administrators.")
        return super().dispatch(request, *args, **kwargs)

    def write(self, form):
        return services.hub_create(user=self.request.user, **form.service_values())


class HubUpdateView(_ServiceWrite, PortalUpdateView):
    model = Hub
    form_class = HubForm
    template_name = "hubs/hub_form.html"
    page_title = "Change the hub"
    submit_label = "Save changes"
    slug_field = "region__code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Hub.objects.select_related("region")

    def write(self, form):
        hub = self.get_queryset().get(pk=self.object.pk)  # as stored, not as the form changed it
        return services.hub_update(user=self.request.user, hub=hub, **form.service_values())


class HubDeleteView(_ServiceDelete):
    model = Hub
    slug_field = "region__code"
    slug_url_kwarg = "code"
    success_url = reverse_lazy("hubs:hub_list")

    def get_queryset(self):
        return Hub.objects.select_related("region")

    def delete_with_service(self, obj):
        services.hub_delete(user=self.request.user, hub=obj)


# --- partnerships ----------------------------------------------------------------------------


class PartnershipListView(PortalListView):
    filterset_class = PartnershipFilterSet
    template_name = "hubs/partnership_list.html"

    def get_queryset(self):
        return selectors.partnership_list()

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(can_add=is_staff(user) or user.role == Role.COORDINATOR, **kwargs)


class PartnershipDetailView(PortalDetailView):
    template_name = "hubs/partnership_detail.html"

    def get_queryset(self):
        return selectors.partnership_list()

    def get_context_data(self, **kwargs):
        partnership, user = self.object, self.request.user
        contacts = list(selectors.contact_list(partnership=partnership))
        for contact in contacts:
            contact.partnership = partnership
            contact.can_edit = can_write(user, contact)
        activities = list(Activity.objects.filter(partnership=partnership))
        can_edit = can_write(user, partnership)
        return super().get_context_data(
            can_edit=can_edit,
            can_add_contact=can_edit or can_write(user, Contact(partnership=partnership, side=ContactSide.COLLEGE)),
            teams=CollegeTeam.choices,
            relationship_map=selectors.partnership_relationship_map(partnership=partnership),
            contacts=contacts,
            activities=activities,
            totals=selectors.activity_totals(activities=Activity.objects.filter(partnership=partnership)),
            history=selectors.partnership_history(partnership=partnership),
            **kwargs,
        )


class PartnershipCreateView(_ServiceWrite, PortalCreateView):
    model = Partnership
    form_class = PartnershipForm
    template_name = "hubs/partnership_form.html"
    page_title = "Add a partnership"
    submit_label = "Save partnership"
    success_message = "The partnership between {object} was added."
    success_url = reverse_lazy("hubs:partnership_list")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (is_staff(user) or user.role == Role.COORDINATOR):
            raise PermissionDenied("Only hub coordinators and portal administrators add partnerships.")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        ukprn = self.request.GET.get("college")
        if ukprn:
            from colleges.models import College

            initial["college"] = College.objects.filter(ukprn=ukprn).values_list("pk", flat=True).first()
        initial.setdefault("status", PartnershipStatus.EXPLORING)
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def write(self, form):
        return services.partnership_create(user=self.request.user, **form.service_values())


class PartnershipUpdateView(_ServiceWrite, PortalUpdateView):
    model = Partnership
    form_class = PartnershipForm
    template_name = "hubs/partnership_form.html"
    page_title = "Change the partnership"
    submit_label = "Save changes"
    success_message = "The partnership between {object} was updated."

    def get_queryset(self):
        return selectors.partnership_list()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def write(self, form):
        return services.partnership_update(
            user=self.request.user, partnership=Partnership.objects.get(pk=self.object.pk), **form.service_values()
        )


class PartnershipDeleteView(_ServiceDelete):
    model = Partnership
    template_name = "hubs/partnership_confirm_delete.html"
    success_message = "The partnership between {object} was deleted."
    success_url = reverse_lazy("hubs:partnership_list")

    def get_queryset(self):
        return selectors.partnership_list().annotate(activity_count=Count("activities"))

    def delete_with_service(self, obj):
        services.partnership_delete(user=self.request.user, partnership=obj)


# --- contacts --------------------------------------------------------------------------------


class _PartnershipChild:
    """Pages under /partnerships/<pk>/...: the partnership comes from the URL."""

    def get_partnership(self):
        if not hasattr(self, "_partnership"):
            self._partnership = get_object_or_404(selectors.partnership_list(), pk=self.kwargs["partnership"])
        return self._partnership

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.get_partnership(), **kwargs)


class ContactCreateView(_PartnershipChild, _ServiceWrite, PortalCreateView):
    model = Contact
    form_class = ContactForm
    template_name = "hubs/contact_form.html"
    page_title = "Add a contact"
    submit_label = "Save contact"
    success_message = "{object} was added as a contact."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            partnership = self.get_partnership()
            if not any(
                can_write(request.user, Contact(partnership=partnership, side=side)) for side in ContactSide.values
            ):
                raise PermissionDenied("You can only add contacts to partnerships within your scope.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "partnership": self.get_partnership()}

    def write(self, form):
        return services.contact_create(
            user=self.request.user, partnership=self.get_partnership(), **form.service_values()
        )


class ContactUpdateView(_ServiceWrite, PortalUpdateView):
    model = Contact
    form_class = ContactForm
    template_name = "hubs/contact_form.html"
    page_title = "Change a contact"
    submit_label = "Save changes"
    success_message = "{object} was updated."

    def get_queryset(self):
        return Contact.objects.select_related("partnership__college", "partnership__trust", "partnership__ics")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "partnership": self.object.partnership}

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.object.partnership, **kwargs)

    def write(self, form):
        contact = self.get_queryset().get(pk=self.object.pk)  # as stored, not as the form changed it
        return services.contact_update(user=self.request.user, contact=contact, **form.service_values())


class ContactDeleteView(_ServiceDelete):
    model = Contact

    def get_queryset(self):
        return Contact.objects.select_related("partnership__college")

    def get_success_url(self):
        return reverse("hubs:partnership_detail", args=[self.object.partnership_id])

    def delete_with_service(self, obj):
        services.contact_delete(user=self.request.user, contact=obj)


# --- activities ------------------------------------------------------------------------------


class ActivityDetailView(PortalDetailView):
    template_name = "hubs/activity_detail.html"

    def get_queryset(self):
        return selectors.activity_list().select_related("partnership__college__hub")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_edit=can_write(self.request.user, self.object),
            history=selectors.activity_history(activity=self.object),
            **kwargs,
        )


class ActivityCreateView(_PartnershipChild, _ServiceWrite, PortalCreateView):
    model = Activity
    form_class = ActivityForm
    template_name = "hubs/activity_form.html"
    page_title = "Log an activity"
    submit_label = "Save activity"
    success_message = "{object} was logged."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_write(request.user, Activity(partnership=self.get_partnership())):
            raise PermissionDenied("You can only log activities for partnerships of your own hub's colleges.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.get_partnership()}

    def write(self, form):
        return services.activity_create(
            user=self.request.user, partnership=self.get_partnership(), **form.service_values()
        )

    def get_success_url(self):
        return self.get_partnership().get_absolute_url()


class ActivityUpdateView(_ServiceWrite, PortalUpdateView):
    model = Activity
    form_class = ActivityForm
    template_name = "hubs/activity_form.html"
    page_title = "Change an activity"
    submit_label = "Save changes"
    success_message = "{object} was updated."

    def get_queryset(self):
        return selectors.activity_list().select_related("partnership__college__hub")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.object.partnership}

    def get_context_data(self, **kwargs):
        return super().get_context_data(partnership=self.object.partnership, **kwargs)

    def write(self, form):
        activity = self.get_queryset().get(pk=self.object.pk)  # as stored, not as the form changed it
        return services.activity_update(user=self.request.user, activity=activity, **form.service_values())


class ActivityDeleteView(_ServiceDelete):
    model = Activity

    def get_queryset(self):
        return selectors.activity_list().select_related("partnership__college__hub")

    def get_success_url(self):
        return reverse("hubs:partnership_detail", args=[self.object.partnership_id])

    def delete_with_service(self, obj):
        services.activity_delete(user=self.request.user, activity=obj)


# --- front door ------------------------------------------------------------------------------


class FrontDoorView(LoginRequiredMixin, TemplateView):
    """Who to talk to: pick a trust, a college or an ICS (and an agenda) -> named contacts and the hub."""

    template_name = "hubs/front_door.html"

    def get_context_data(self, **kwargs):
        form = FrontDoorForm(self.request.GET or None)
        result = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            result = selectors.front_door_lookup(
                trust=data["trust"], college=data["college"], ics=data["ics"], agenda=data["agenda"]
            )
            result["organisation"] = data["trust"] or data["college"] or data["ics"]
            result["agenda_label"] = dict(Agenda.choices).get(data["agenda"], "")
        return super().get_context_data(form=form, result=result, **kwargs)


# --- good practice ---------------------------------------------------------------------------


class CaseStudyListView(PortalListView):
    filterset_class = CaseStudyFilterSet
    template_name = "hubs/casestudy_list.html"

    def get_queryset(self):
        return selectors.case_study_list()

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(can_add=is_staff(user) or user.role == Role.COORDINATOR, **kwargs)


class CaseStudyDetailView(PortalDetailView):
    template_name = "hubs/casestudy_detail.html"

    def get_queryset(self):
        return selectors.case_study_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=can_write(self.request.user, self.object), **kwargs)


class CaseStudyCreateView(_ServiceWrite, PortalCreateView):
    model = CaseStudy
    form_class = CaseStudyForm
    template_name = "hubs/casestudy_form.html"
    page_title = "Write a case study"
    submit_label = "Publish case study"
    success_message = "The case study \u201c{object}\u201d was published."
    success_url = reverse_lazy("hubs:casestudy_list")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (is_staff(user) or user.role == Role.COORDINATOR):
            raise PermissionDenied("Case studies are written by hub coordinators.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def write(self, form):
        return services.case_study_create(user=self.request.user, **form.service_values())


class CaseStudyUpdateView(_ServiceWrite, PortalUpdateView):
    model = CaseStudy
    form_class = CaseStudyForm
    template_name = "hubs/casestudy_form.html"
    page_title = "Change a case study"
    submit_label = "Save changes"
    success_message = "The case study \u201c{object}\u201d was updated."

    def get_queryset(self):
        return selectors.case_study_list()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def write(self, form):
        return services.case_study_update(
            user=self.request.user, case_study=CaseStudy.objects.get(pk=self.object.pk), **form.service_values()
        )


class CaseStudyDeleteView(_ServiceDelete):
    model = CaseStudy
    success_message = "The case study \u201c{object}\u201d was deleted."
    success_url = reverse_lazy("hubs:casestudy_list")

    def delete_with_service(self, obj):
        services.case_study_delete(user=self.request.user, case_study=obj)


# --- T Level industry placements (DESIGN.md 6.5) ----------------------------------------------
#
# England, each region and each ICS by academic year: need, offered, filled, shortfall and fill rate,
# a chart with the table of the same figures, the areas within, and (for a region or an ICS) the
# colleges and partnerships that make up the figures. Every table on the page is what the CSV and
# Excel downloads hold.



@dataclass
class PlacementTable:
    """A table of the placements page: its first column heads each row; cells are (value, href)."""

    key: str
    caption: str
    sheet: str
    columns: list[tuple[str, str]]  # (label, kind): kind text, figure or percent
    rows: list[list[tuple]] = field(default_factory=list)
    note: str = ""

    def add(self, *values, href: str = "", links: dict[int, str] | None = None) -> None:
        links = {0: href, **(links or {})}
        self.rows.append([(value, links.get(index, "")) for index, value in enumerate(values)])

    def export(self) -> ExportTable:
        return ExportTable(self.key, self.sheet, self.caption, self.columns,
                           ([value for value, _ in row] for row in self.rows))

    def html_rows(self) -> list[list[dict]]:
        return [
            [
                {"text": placement_text(value, kind), "href": href, "numeric": kind != "text"}
                for (value, href), (_, kind) in zip(row, self.columns, strict=True)
            ]
            for row in self.rows
        ]


def placement_text(value, kind: str = "figure") -> str:
    if value is None or value == "":
        return "–"
    if kind == "percent":
        return f"{value * 100:,.1f}%"
    if kind == "figure":
        value = Decimal(value)
        return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return str(value)


def fill_rate(row: dict) -> Decimal | None:
    """Placements filled as a share of the learners who need one (none when nobody needs one)."""
    return row["filled"] / row["need"] if row["need"] else None


_FIGURE_COLUMNS = [("Need", "figure"), ("Offered", "figure"), ("Filled", "figure"), ("Shortfall", "figure"),
                   ("Fill rate", "percent")]


def _figures(row: dict) -> list:
    return [row["need"], row["offered"], row["filled"], row["shortfall"], fill_rate(row)]


class PlacementsView(LoginRequiredMixin, TemplateView):
    """Placements for England (`placements/`), a region (`placements/region/Y56/`) or an ICS."""

    template_name = "hubs/placements.html"
    level = Level.NATIONAL

    def get_area(self):
        """(code, name, parent) of the page's area; 404 when there is no such area."""
        code = self.kwargs.get("code", "")
        if self.level == Level.REGION:
            region = get_object_or_404(Region, code__iexact=code)
            return region.code, region.name, None
        if self.level == Level.ICS:
            ics = get_object_or_404(IntegratedCareSystem.objects.select_related("region"), code__iexact=code)
            return ics.code, ics.name, ics.region
        return rules.NATIONAL_CODE, rules.NATIONAL_NAME, None

    def get(self, request, *args, **kwargs):
        code, name, parent = self.get_area()
        if self.level == Level.ICS:
            rows = selectors.placement_rows(level=Level.ICS, code=code)
        else:
            rows = selectors.placement_rows()
        own = [row for row in rows if row["level"] == self.level and row["code"] == code]
        years = [row["academic_year"] for row in own]
        form = PlacementYearForm(request.GET if "academic_year" in request.GET else None, years=years)
        year = _default_year(years)
        if form.is_bound and form.is_valid():
            year = form.cleaned_data["academic_year"]
        current = next((row for row in own if row["academic_year"] == year), None)
        short = ics_short_name(name)
        tables = [self._years_table(own, short)]
        if year:
            tables += self._area_tables(rows, code, short, year)
            if self.level != Level.NATIONAL:
                contributors = selectors.placement_contributors(level=self.level, code=code, academic_year=year)
                tables += self._contributor_tables(contributors, short, year)
        download = self._download(request, tables, code, year)
        if download is not None:
            return download
        context = self.get_context_data(
            level=self.level, code=code, name=name, short_name=short, parent=parent, form=form,
            years=years, year=year, current=current, fill_rate=fill_rate(current) if current else None,
            headline=self._headline(current), tables={table.key: table for table in tables},
            chart={
                "labels": years,
                "series": [{"label": label, "values": [float(row[key]) for row in own]}
                           for key, label in (("need", "Need"), ("offered", "Offered"), ("filled", "Filled"))],
            },
            chart_summary=self._chart_summary(own, short),
            england_url=reverse("hubs:placements"),
        )
        return self.render_to_response(context)

    @staticmethod
    def _headline(row):
        if row is None:
            return []
        return [("Need", placement_text(row["need"])), ("Offered", placement_text(row["offered"])),
                ("Filled", placement_text(row["filled"])), ("Shortfall", placement_text(row["shortfall"])),
                ("Fill rate", placement_text(fill_rate(row), "percent"))]

    @staticmethod
    def _chart_summary(own, short) -> str:
        text = f"Bar chart of T Level industry placements needed, offered and filled in {short} by academic year."
        if own:
            last = own[-1]
            text += (f" In {last['academic_year']}: {placement_text(last['need'])} needed, "
                     f"{placement_text(last['offered'])} offered, {placement_text(last['filled'])} filled.")
        return text + " Every figure is in the table that follows."

    @staticmethod
    def _years_table(own, short) -> PlacementTable:
        table = PlacementTable(
            "years", f"T Level industry placements in {short}, by academic year", "By academic year",
            [("Academic year", "text"), *_FIGURE_COLUMNS],
        )
        for row in own:
            table.add(row["academic_year"], *_figures(row))
        return table

    def _area_tables(self, rows, code, short, year) -> list[PlacementTable]:
        region_link = _last_argument_url("hubs:placements_region")
        ics_link = _last_argument_url("hubs:placements_ics")
        in_year = [row for row in rows if row["academic_year"] == year]
        tables = []
        if self.level == Level.NATIONAL:
            regions = PlacementTable("regions", f"Regions, {year}", "Regions", [("Region", "text"), *_FIGURE_COLUMNS],
                                     note="Largest shortfall first.")
            for row in sorted((r for r in in_year if r["level"] == Level.REGION), key=lambda r: -r["shortfall"]):
                regions.add(row["name"], *_figures(row), href=region_link(row["code"]))
            tables.append(regions)
        if self.level in (Level.NATIONAL, Level.REGION):
            icss = PlacementTable(
                "icss", f"Integrated care systems{'' if self.level == Level.NATIONAL else ' in ' + short}, {year}",
                "ICSs", [("ICS", "text"), *_FIGURE_COLUMNS], note="Largest shortfall first.",
            )
            for row in sorted(
                (r for r in in_year if r["level"] == Level.ICS
                 and (self.level == Level.NATIONAL or r["region_code"] == code)),
                key=lambda r: -r["shortfall"],
            ):
                icss.add(ics_short_name(row["name"]), *_figures(row), href=ics_link(row["code"]))
            tables.append(icss)
        return tables

    @staticmethod
    def _contributor_tables(contributors, short, year) -> list[PlacementTable]:
        college_link = _last_argument_url("colleges:college_detail")
        offers_url = reverse("colleges:courseoffer_list")
        colleges = PlacementTable(
            "colleges", f"Colleges whose T Level learners complete in {short} in {year}", "Colleges",
            [("College", "text"), ("UKPRN", "text"), ("Need", "figure"), ("T Level offers", "text")],
            note="Planned places of T Level offers completing in the academic year and taught here: each learner "
                 "needs an industry placement.",
        )
        for row in contributors["colleges"]:
            colleges.add(
                row["name"], row["ukprn"], row["need"], "T Level offers",
                href=college_link(row["ukprn"]),
                links={3: f"{offers_url}?college={row['ukprn']}&qualification_type=t_level"},
            )
        trust_link = _last_argument_url("trusts:trust_detail")
        partnership_link = _last_argument_url("hubs:partnership_detail")
        partners = PlacementTable(
            "trusts", f"Trusts and partnerships offering placements in {short} in {year}", "Trusts",
            [("NHS partner", "text"), ("College", "text"), ("Offered", "figure"), ("Filled", "figure"),
             ("Activities", "text")],
            note="Industry placement activities logged in the academic year. Follow a partnership to see each one.",
        )
        for row in contributors["partnerships"]:
            partnership = row["partnership"]
            if partnership.trust_id:
                partner, href = partnership.trust.name, trust_link(partnership.trust.ods_code)
            else:
                partner, href = f"{ics_short_name(partnership.ics.name)} (whole ICS)", ""
            partners.add(partner, partnership.college.name, row["offered"], row["filled"], "Placement activities",
                         href=href, links={4: partnership_link(partnership.pk)})
        return [colleges, partners]

    def _download(self, request, tables, code, year):
        kind = exports.requested_format(request)
        if not kind:
            return None
        name = "-".join(["placements", self.level, slugify(code), *([slugify(year)] if year else [])])
        if kind == "csv":
            table = exports.chosen_table(request, tables)
            return exports.csv_response(table.export(), f"{name}-{table.key}.csv")
        about = [
            ("T Level industry placements", "Need, offered, filled and shortfall (DESIGN.md 6.5)"),
            ("Need", "Planned places of T Level offers completing in the academic year (1 August to 31 July)"),
            ("Offered, filled", "Industry placement activities logged in the academic year"),
            ("Fill rate", "Filled divided by need"),
            ("Downloaded", timezone.localtime().replace(tzinfo=None)),
        ]
        return exports.xlsx_response([table.export() for table in tables], about, f"{name}.xlsx")


def _default_year(years: list[str]) -> str:
    """The academic year running today when the area has figures for it, else the latest before it, else
    the first after it."""
    if not years:
        return ""
    today = selectors.academic_year_label(selectors.academic_year_start(timezone.localdate()))
    past = [year for year in years if year <= today]
    return past[-1] if past else years[0]


def _last_argument_url(name: str):
    """A function of a URL's one argument that reverses once (the tables link every row)."""
    marker = "987654321"
    prefix, suffix = reverse(name, args=[marker]).split(marker)
    return lambda value: f"{prefix}{value}{suffix}"


class RegionPlacementsView(PlacementsView):
    level = Level.REGION


class IcsPlacementsView(PlacementsView):
    level = Level.ICS
