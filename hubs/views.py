"""Pages for hubs, partnerships, their contacts and activities, the front door and good practice.

Views stay thin: reads come from hubs.selectors, writes go through hubs.services, which check
scope (403) and validate (form errors) before anything is saved.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.views.generic import TemplateView

from core.errors import ApplicationError
from core.permissions import can_write
from core.roles import Role, is_staff
from core.views import (
    PortalCreateView,
    PortalDeleteView,
    PortalDetailView,
    PortalListView,
    PortalUpdateView,
)

from . import selectors, services
from .filtersets import CaseStudyFilterSet, HubFilterSet, PartnershipFilterSet
from .forms import ActivityForm, CaseStudyForm, ContactForm, FrontDoorForm, HubForm, PartnershipForm
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
            case_study_count=hub.case_studies.count(),
            can_edit=is_staff(self.request.user),
            can_add_partnership=is_staff(self.request.user)
            or (self.request.user.role == Role.COORDINATOR and self.request.user.hub_id == hub.pk),
            **kwargs,
        )


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
