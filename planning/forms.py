"""Forms of the planning pages: a scenario, its hypothetical offers and adjustments (DESIGN.md 6.4), and the
request for a gap report (as of a date, over a horizon, of a scenario or the baseline). The forms check
types and choices; the rules (the course offers', the adjustments') are the services'."""

from django import forms

from colleges.models import College
from core.forms import PlanningDateField, ServiceManualFormMixin
from pathways.models import ApprenticeshipStandard
from trusts.models import IntegratedCareSystem

from .models import (
    DEFAULT_HORIZON_YEARS,
    MAX_HORIZON_YEARS,
    MIN_HORIZON_YEARS,
    AdjustmentKind,
    Scenario,
    ScenarioOffer,
)


class ScenarioForm(ServiceManualFormMixin, forms.ModelForm):
    """Name, description and sharing; staff also choose its ICS (none: England)."""

    ics = forms.ModelChoiceField(
        queryset=IntegratedCareSystem.objects.order_by("name"), required=False, label="ICS (optional)",
        empty_label="England as a whole",
        help_text="The integrated care system it plans for.",
    )

    class Meta:
        model = Scenario
        fields = ["name", "description", "ics", "shared"]
        labels = {"name": "Name", "description": "Description (optional)", "shared": "Share it with my ICS"}
        help_texts = {
            "name": "Say what it tries, for example: 40 more T Level places from 2027.",
            "shared": "Others in your ICS can then read and copy it. Leave unticked to keep it to yourself.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["ics"]


class ScenarioOfferForm(ServiceManualFormMixin, forms.ModelForm):
    """One hypothetical course offer: the real offer's fields, without a course code or academic year."""

    college = forms.ModelChoiceField(
        queryset=College.objects.all(), to_field_name="ukprn", label="College UKPRN",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric", "spellcheck": "false"}),
        help_text="The college's 8-digit UK provider reference number, for example 10000473.",
        error_messages={"invalid_choice": "No college has this UKPRN.", "required": "Enter the college's UKPRN"},
    )
    level = forms.IntegerField(
        min_value=1, max_value=8, required=False, label="Level (optional for an apprenticeship)",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-2", "inputmode": "numeric"}),
    )
    apprenticeship_standard = forms.ModelChoiceField(
        queryset=ApprenticeshipStandard.objects.all(), to_field_name="reference", required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "spellcheck": "false"}),
        label="Apprenticeship standard (optional)",
        help_text="For an apprenticeship only: the standard's reference, like ST0216.",
        error_messages={"invalid_choice": "No apprenticeship standard has this reference."},
    )
    delivery_ics = forms.ModelChoiceField(
        queryset=IntegratedCareSystem.objects.order_by("name"), required=False, label="Delivery ICS (optional)",
        empty_label="The college's own ICS",
        help_text="Where the course is taught, when not in the college's own integrated care system.",
    )

    class Meta:
        model = ScenarioOffer
        fields = [
            "college", "qualification_type", "level", "apprenticeship_standard", "start_date", "duration_months",
            "planned_places", "expected_completion_rate", "delivery_ics",
        ]
        labels = {
            "qualification_type": "Qualification type",
            "start_date": "Start date",
            "duration_months": "Length in months",
            "planned_places": "Planned places",
            "expected_completion_rate": "Expected completion rate (optional)",
        }
        help_texts = {
            "start_date": "For example 6 9 2027.",
            "expected_completion_rate": "A share from 0 to 1, for example 0.85. Leave empty to use the usual rate "
            "for the qualification type.",
        }


class ScenarioAdjustmentForm(ServiceManualFormMixin, forms.Form):
    kind = forms.ChoiceField(
        choices=AdjustmentKind.choices, widget=forms.RadioSelect, label="What to change",
        error_messages={"required": "Choose what to change"},
    )
    target = forms.CharField(
        max_length=80, label="Which one",
        help_text="Places on a course offer: the offer's id. Conversion rate: the entry route's id. Completion "
        "rate: the qualification type's code, like t_level. Leaver rate or vacancies: the occupation's code, like "
        "registered-nurse.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-20", "spellcheck": "false"}),
        error_messages={"required": "Enter which offer, route, qualification type or occupation to change"},
    )
    value = forms.DecimalField(
        label="New value", max_digits=12, decimal_places=4,
        help_text="A rate from 0 to 1 (0.85 for 85%); places as a whole number; vacancies as a factor "
        "(1.2 adds a fifth).",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "decimal"}),
        error_messages={"required": "Enter the new value", "invalid": "New value must be a number"},
    )


HORIZON_CHOICES = [(years, f"{years} year{'s' if years != 1 else ''}")
                   for years in range(MIN_HORIZON_YEARS, MAX_HORIZON_YEARS + 1)]


class GapReportRequestForm(ServiceManualFormMixin, forms.Form):
    """What to work out (issue 10.4): as of a date, over a horizon, for the baseline or a scenario."""

    as_of = PlanningDateField(
        label="As of", required=False,
        help_text="The date the figures start from, for example 1 11 2026. Leave empty for today.",
    )
    horizon_years = forms.TypedChoiceField(
        choices=HORIZON_CHOICES, coerce=int, initial=DEFAULT_HORIZON_YEARS, label="Horizon",
        help_text="How many years ahead to look.",
    )
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(), required=False, label="Scenario (optional)",
        empty_label="None: the portal's data as it is",
        help_text="A what-if to apply to the data. Only your own scenarios and those shared in your ICS are listed.",
    )

    def __init__(self, *args, scenarios=None, **kwargs):
        super().__init__(*args, **kwargs)
        if scenarios is not None:
            self.fields["scenario"].queryset = scenarios


class CouncilAreaForm(forms.Form):
    """The public pathway page's "courses near you": a council area a school leaver knows, which the
    portal places in its board (trusts.CouncilArea). A plain GET form: it works without JavaScript."""

    area = forms.ChoiceField(
        label="Your council area", required=False,
        help_text="The council for where you live or go to school or college, for example Leeds or Cornwall.",
        error_messages={"invalid_choice": "Choose your council area from the list: %(value)s is not one we know."},
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = {area.code: area for area in areas}
        self.fields["area"].choices = [("", "Choose a council area"),
                                       *((area.code, area.name) for area in self.areas.values())]

    def chosen(self):
        """The council area chosen, or None (nothing chosen, or the form has errors)."""
        if not self.is_bound or not self.is_valid():
            return None
        return self.areas.get(self.cleaned_data["area"])
