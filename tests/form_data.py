"""Form data as a browser sends it, for page tests."""


def date_parts(name: str, day="", month="", year="") -> dict[str, str]:
    """The three inputs of the NHS date input (core.forms.DayMonthYearInput) for field `name`."""
    return {f"{name}_day": str(day), f"{name}_month": str(month), f"{name}_year": str(year)}
