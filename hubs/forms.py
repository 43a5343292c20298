"""Server-rendered forms for the hub pages. Model rules run through ModelForm validation (the
model's clean() and constraints); scope is checked by the services the views call."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from colleges.models import College
from core.forms import ServiceManualFormMixin
from core.roles import Role, is_staff
from pathways.models import Occupation
from trusts.models import IntegratedCareSystem, Region, Trust, ics_short_name, open_on_q

from .models import Activity, Agenda, CaseStudy, Contact, ContactSide, Hub, Partnership


def _college_choices(user):
    """Colleges offered in a form: a coordinator sees their hub's; staff see all.

    Only the offered choices narrow; the field still accepts any college so that a choice outside
    the user's scope reaches the service and is refused with 403 rather than a form error.
    """
    colleges = College.objects.order_by("name")
    if not is_staff(user) and user.role == Role.COORDINATOR:
        colleges = colleges.filter(hub_id=user.hub_id)
    return [("", "Choose a college"), *colleges.values_list("pk", "name")]


def _region_of(user, partnership) -> int | None:
    """The region whose trusts a partnership form offers first: the partnership's college's hub's, else the
    user's own (a coordinator's hub, a college's hub, an ICS's board); None for staff starting afresh."""
    college = partnership.college if partnership.college_id else getattr(user, "college", None)
    if college is not None and college.hub_id:
        return college.hub.region_id
    if getattr(user, "hub", None) is not None:
        return user.hub.region_id
    if getattr(user, "ics", None) is not None:
        return user.ics.region_id
    return None


def _trust_choices(trusts, region_id: int | None):
    """The trust picker's options: the region's trusts first (a group), then the others; one query."""
    rows = [(trust.pk, trust.name, trust.ics.region_id) for trust in trusts]
    if region_id is None:
        return [("", "No single trust"), *[(pk, label) for pk, label, _ in rows]]
    region_name = Region.objects.filter(pk=region_id).values_list("name", flat=True).first() or "this region"
    near = [(pk, label) for pk, label, region in rows if region == region_id]
    far = [(pk, label) for pk, label, region in rows if region != region_id]
    return [("", "No single trust"), (f"Trusts in {region_name}", near), ("Other trusts", far)]


class HubForm(ServiceManualFormMixin, forms.ModelForm):
    colleges = forms.ModelMultipleChoiceField(
        queryset=College.objects.none(),
        required=False,
        label="Member colleges",
        help_text="Choose every college of the hub. A college moves here from any other hub.",
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Hub
        fields = ["region", "name", "host_college"]
        labels = {"region": "NHS England region", "host_college": "Host college"}
        error_messages = {
            "region": {"required": "Choose the region.", "unique": "This region already has a hub."},
            "name": {"required": "Enter the hub's name."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        colleges = College.objects.select_related("ics").order_by("name")
        self.fields["colleges"].queryset = colleges
        self.fields["host_college"].queryset = colleges
        self.fields["host_college"].empty_label = "No host college yet"
        if self.instance.pk:
            self.initial.setdefault("colleges", list(self.instance.colleges.values_list("pk", flat=True)))

    def clean(self):
        cleaned = super().clean()
        host = cleaned.get("host_college")
        if host is not None and "colleges" in cleaned and host not in cleaned["colleges"]:
            self.add_error("host_college", "The host college must be one of the hub's member colleges.")
        return cleaned

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("region", "name", "host_college", "colleges")}


class PartnershipForm(ServiceManualFormMixin, forms.ModelForm):
    agendas = forms.MultipleChoiceField(
        choices=Agenda.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Agendas the partnership covers",
        help_text="Choose every agenda the college and its NHS partner work on together.",
        error_messages={"required": "Choose at least one agenda."},
    )
    occupations = forms.ModelMultipleChoiceField(
        queryset=Occupation.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Roles the partnership works on",
        help_text="Choose the health and care roles it trains or recruits for, if any.",
    )

    class Meta:
        model = Partnership
        fields = ["college", "trust", "ics", "status", "started_on", "summary"]
        widgets = {
            "status": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"trust": "NHS trust", "ics": "Integrated care system (ICS)"}
        help_texts = {
            "trust": "Leave as 'No single trust' when the college partners with an ICS as a whole.",
            "ics": "Only needed when there is no single trust: the trust's own ICS is filled in for you.",
            "started_on": "For example, 15 9 2025",
            "summary": "What the partnership is for, in a few sentences.",
        }
        error_messages = {
            "college": {"required": "Choose the college."},
            "started_on": {"required": "Enter the date the partnership started."},
            "summary": {"required": "Enter a summary of the partnership."},
            "status": {"required": "Choose the status of the partnership."},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["college"].widget.choices = _college_choices(user)
        # Closed trusts and boards leave the pickers; a record that already names one keeps it.
        self.fields["trust"].queryset = Trust.objects.filter(
            Q(closed_on__isnull=True) | Q(pk=self.instance.trust_id)
        ).select_related("ics").order_by("name")
        self.fields["trust"].empty_label = "No single trust"
        region = _region_of(user, self.instance)
        self.fields["trust"].widget.choices = _trust_choices(self.fields["trust"].queryset, region)
        self.fields["trust"].widget.attrs["data-portal-filter"] = "trusts"
        self.fields["ics"].queryset = IntegratedCareSystem.objects.filter(
            open_on_q(timezone.localdate()) | Q(pk=self.instance.ics_id)
        ).order_by("name")
        self.fields["ics"].empty_label = "The trust's own ICS"
        self.fields["ics"].label_from_instance = lambda ics: ics_short_name(ics.name)
        self.fields["status"].choices = [c for c in self.fields["status"].choices if c[0]]
        if self.instance.pk:
            self.initial.setdefault("agendas", self.instance.agenda_codes)
            self.initial.setdefault("occupations", [occupation.pk for occupation in self.instance.occupations.all()])
            if self.instance.trust_id:
                self.initial["ics"] = None

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*self.Meta.fields, "agendas", "occupations")}


class ContactForm(ServiceManualFormMixin, forms.ModelForm):
    agendas = forms.MultipleChoiceField(
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Agendas this person is the contact for",
    )

    class Meta:
        model = Contact
        fields = ["side", "team", "name", "job_title", "email", "phone"]
        widgets = {"side": forms.RadioSelect}
        labels = {"side": "Which side of the partnership is this person on?", "phone": "Telephone"}
        help_texts = {"team": "Only for college contacts: the college team they work in."}
        error_messages = {
            "side": {"required": "Choose which side of the partnership this person is on."},
            "name": {"required": "Enter the person's name."},
            "job_title": {"required": "Enter the person's job title."},
            "email": {"required": "Enter the person's email address.",
                      "invalid": "Enter an email address like name@example.org."},
        }

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        labels = dict(Agenda.choices)
        self.fields["agendas"].choices = [(code, labels[code]) for code in partnership.agenda_codes]
        self.fields["team"].choices = [("", "Not a college contact"), *self.fields["team"].choices[1:]]
        if self.instance.pk:
            self.initial.setdefault("agendas", [link.agenda for link in self.instance.agenda_links.all()])
        self.fields["side"].choices = [c for c in self.fields["side"].choices if c[0]]
        if user.role == Role.COLLEGE and not is_staff(user):
            # A college's data officer keeps its own college's contacts only.
            self.fields["side"].choices = [(ContactSide.COLLEGE, ContactSide.COLLEGE.label)]
            self.fields["side"].initial = ContactSide.COLLEGE

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*self.Meta.fields, "agendas")}


class ActivityForm(ServiceManualFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "kind", "happened_on", "learners", "placements_offered", "placements_filled", "interviews_guaranteed",
            "hires", "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "Kind of activity"}
        help_texts = {
            "happened_on": "For example, 10 2 2026",
            "notes": "Required for 'Other': say what the activity was.",
        }
        error_messages = {
            "kind": {"required": "Choose the kind of activity."},
            "happened_on": {"required": "Enter the date of the activity."},
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        for name in ("learners", "placements_offered", "placements_filled", "interviews_guaranteed", "hires"):
            field = self.fields[name]
            field.error_messages["min_value"] = f"{field.label.capitalize()} must be 0 or more."
            field.error_messages["invalid"] = f"{field.label.capitalize()} must be a whole number."
            field.error_messages["required"] = f"Enter the number of {field.label}, or 0."
            field.widget.attrs.update({"inputmode": "numeric"})

    def service_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CaseStudyForm(ServiceManualFormMixin, forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = [
            "hub", "title", "agenda", "colleges", "trusts", "summary", "learners", "placements_filled", "hires",
            "outcome",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "colleges": forms.CheckboxSelectMultiple,
            "trusts": forms.CheckboxSelectMultiple,
        }
        labels = {"colleges": "Colleges involved", "trusts": "NHS trusts involved"}
        error_messages = {
            "title": {"required": "Enter a title."},
            "agenda": {"required": "Choose the agenda the case study is about."},
            "summary": {"required": "Enter a summary of what was done."},
            "hub": {"required": "Choose the hub."},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        hub = None
        if is_staff(user):
            self.fields["hub"].queryset = Hub.objects.select_related("region").order_by("name")
            colleges = College.objects.exclude(hub=None)
            trusts = Trust.objects.open()
        else:
            hub = self.instance.hub if self.instance.pk else user.hub
            del self.fields["hub"]
            colleges = College.objects.filter(hub=hub)
            trusts = Trust.objects.open().filter(ics__region_id=hub.region_id if hub else None)
        if self.instance.pk:  # trusts already named keep their place, closed or not
            trusts = trusts | Trust.objects.filter(pk__in=self.instance.trusts.values("pk"))
        self.fields["colleges"].queryset = colleges.order_by("name")
        self.fields["trusts"].queryset = trusts.order_by("name")
        self.hub = hub
        for name in ("learners", "placements_filled", "hires"):
            field = self.fields[name]
            field.error_messages["min_value"] = f"{field.label.capitalize()} must be 0 or more."
            field.error_messages["invalid"] = f"{field.label.capitalize()} must be a whole number."
            field.error_messages["required"] = f"Enter the number of {field.label}, or 0."

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("colleges") and not cleaned.get("trusts") and "colleges" not in self.errors:
            self.add_error("colleges", "Name at least one college or trust the case study is about.")
        return cleaned

    def _post_clean(self):
        if self.hub is not None:
            self.instance.hub = self.hub
        super()._post_clean()

    def service_values(self) -> dict:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}
        values.setdefault("hub", self.hub)
        return values


class FrontDoorForm(forms.Form):
    """Pick one organisation (a trust, a college or an ICS) and, optionally, an agenda."""

    trust = forms.ModelChoiceField(queryset=Trust.objects.none(), required=False, label="NHS trust",
                                   empty_label="Any trust")
    college = forms.ModelChoiceField(queryset=College.objects.none(), required=False, label="College",
                                     empty_label="Any college")
    ics = forms.ModelChoiceField(queryset=IntegratedCareSystem.objects.none(), required=False,
                                 label="Integrated care system (ICS)", empty_label="Any ICS")
    agenda = forms.ChoiceField(choices=[("", "Any agenda"), *Agenda.choices], required=False, label="Agenda")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trust"].queryset = Trust.objects.open().select_related("ics__region").order_by("name")
        self.fields["trust"].to_field_name = "ods_code"
        self.fields["college"].queryset = College.objects.order_by("name")
        self.fields["college"].to_field_name = "ukprn"
        self.fields["ics"].queryset = IntegratedCareSystem.objects.current().select_related("region").order_by("name")
        self.fields["ics"].to_field_name = "code"
        self.fields["ics"].label_from_instance = lambda ics: ics_short_name(ics.name)

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("trust", "college", "ics") if cleaned.get(name)]
        if len(chosen) != 1 and not self.errors:
            message = (
                "Choose a trust, a college or an ICS." if not chosen
                else "Choose only one organisation: a trust, a college or an ICS."
            )
            self.add_error("trust", message)
        return cleaned


class PlacementYearForm(forms.Form):
    """The academic year a placements page shows: one of the years the area has figures for."""

    academic_year = forms.ChoiceField(
        label="Academic year", help_text="1 August to 31 July. T Level learners are counted in the year they complete.",
        error_messages={"invalid_choice": "Choose an academic year from the list"},
    )

    def __init__(self, *args, years: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["academic_year"].choices = [(year, year) for year in years]
