from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.csv_forms import CsvConfirmForm, CsvUploadForm


@override_settings(CSV_UPLOAD_MAX_BYTES=100)
def test_a_file_over_the_upload_limit_is_refused_naming_the_limit():
    form = CsvUploadForm(files={"file": SimpleUploadedFile("big.csv", b"a,b\n" * 50)})
    assert not form.is_valid()
    assert "larger than 100" in form.errors["file"][0]


def test_a_file_that_is_not_utf8_is_refused():
    form = CsvUploadForm(files={"file": SimpleUploadedFile("latin1.csv", "caf\xe9,1\n".encode("latin-1"))})
    assert not form.is_valid()
    assert "UTF-8" in form.errors["file"][0]


def test_a_utf8_file_with_a_byte_order_mark_reads_as_text():
    form = CsvUploadForm(files={"file": SimpleUploadedFile("ok.csv", "\ufeffa,b\n1,2\n".encode())})
    assert form.is_valid()
    assert form.cleaned_data["file"] == "a,b\n1,2\n"


@override_settings(CSV_UPLOAD_MAX_BYTES=10)
def test_the_confirm_step_refuses_text_over_the_same_limit():
    assert not CsvConfirmForm(data={"csv_text": "x" * 11}).is_valid()


def test_a_file_with_nul_characters_is_refused():
    form = CsvUploadForm(files={"file": SimpleUploadedFile("nul.csv", b"a,b\n1,\x002\n")})
    assert not form.is_valid()
    assert "NUL" in form.errors["file"][0]
