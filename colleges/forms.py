"""Forms of the course offer pages: one offer, and the CSV upload of many."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from core.csv_forms import CsvConfirmForm, CsvUploadForm
from core.forms import ServiceManualFormMixin
from pathways.models import ApprenticeshipStandard
from trusts.models import IntegratedCareSystem, open_on_q

from .models import CourseOffer


class CourseOfferForm(ServiceManualFormMixin, forms.ModelForm):
    """Fields of one offer. The college comes from the page (its URL), never from the form."""

    apprenticeship_standard = forms.ModelChoiceField(
        queryset=ApprenticeshipStandard.objects.all(),
        to_field_name="reference",
        required=False,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10", "spellcheck": "false"}),
        label="Apprenticeship standard (optional)",
        help_text="For an apprenticeship only: the standard's reference, like ST0216.",
        error_messages={"invalid_choice": "No apprenticeship standard has this reference."},
    )
    delivery_ics = forms.ModelChoiceField(
        queryset=IntegratedCareSystem.objects.none(),  # the boards open today, and the offer's own (__init__)
        required=False,
        label="Delivery ICS (optional)",
        empty_label="The college's own ICS",
        help_text="Where the course is taught, when not in the college's own integrated care system.",
    )

    class Meta:
        model = CourseOffer
        fields = [
            "course_code", "title", "qualification_type", "level", "apprenticeship_standard", "academic_year",
            "start_date", "duration_months", "planned_places", "expected_completion_rate", "delivery_ics",
        ]
        labels = {
            "course_code": "Course code",
            "level": "Level (optional for an apprenticeship)",
            "expected_completion_rate": "Expected completion rate (optional)",
        }
        help_texts = {
            "start_date": "Inside the academic year (1 August to 31 July), for example 7 9 2026.",
            "expected_completion_rate": "A share from 0 to 1, for example 0.85. Leave empty to use the usual rate "
            "for the qualification type.",
        }
        widgets = {
            "academic_year": forms.TextInput(attrs={"class": "nhsuk-input--width-5", "placeholder": "2026/27"}),
            "course_code": forms.TextInput(attrs={"class": "nhsuk-input--width-10", "spellcheck": "false"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Closed boards leave the picker; an offer that already names one keeps it.
        self.fields["delivery_ics"].queryset = IntegratedCareSystem.objects.filter(
            open_on_q(timezone.localdate()) | Q(pk=self.instance.delivery_ics_id)
        ).order_by("name")


class CourseOfferUploadForm(CsvUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "CSV file of course offers"
        self.fields["file"].help_text = "One offer per row, with a header row naming the columns (see the list below)."


class CourseOfferConfirmForm(CsvConfirmForm):
    """The previewed course offers CSV, sent back to be written."""
