from core.csv_forms import CsvConfirmForm, CsvUploadForm


class VacancyUploadForm(CsvUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "CSV file of vacancies"
        self.fields["file"].help_text = (
            "One row per occupation and month, with a header row naming the columns (see the list below)."
        )


class VacancyConfirmForm(CsvConfirmForm):
    """The previewed vacancies CSV, sent back to be written."""
