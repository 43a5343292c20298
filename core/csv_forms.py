"""Forms shared by every CSV upload page: upload a file, preview, then confirm."""

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.template.defaultfilters import filesizeformat


class CsvUploadForm(forms.Form):
    """A UTF-8 CSV file, read into text for the preview. Subclasses set the field's label and help."""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.CSV_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is larger than {filesizeformat(limit)}: split it into smaller files."
            )
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file is not UTF-8 text: save it as 'CSV UTF-8'.") from exc
        if "\x00" in text:
            raise forms.ValidationError("The file contains NUL characters, so it is not a CSV text file.")
        return text


class CsvConfirmForm(forms.Form):
    """The previewed CSV, sent back to be written."""

    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read at request time, so the limit follows the setting (validators are fixed at field creation).
        self.fields["csv_text"].validators.append(MaxLengthValidator(settings.CSV_UPLOAD_MAX_BYTES))
