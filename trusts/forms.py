from django import forms

VACANCY_CSV_MAX_BYTES = 2 * 1024 * 1024  # the confirm step posts the text back: keep under Django's 2.5 MB limit


class VacancyUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file of vacancies",
        help_text="One row per occupation and month, with a header row naming the columns (see the list below).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > VACANCY_CSV_MAX_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB: split it into smaller files, by year say.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file is not UTF-8 text: save it as 'CSV UTF-8'.") from exc


class VacancyConfirmForm(forms.Form):
    """The previewed CSV, sent back to be written."""

    csv_text = forms.CharField(widget=forms.HiddenInput, max_length=VACANCY_CSV_MAX_BYTES, strip=False)
