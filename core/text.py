"""Text the portal can store: the one rule for request bodies and query parameters alike."""

from rest_framework.exceptions import ParseError


def text_problem(value: str) -> str:
    """What makes `value` unfit to store ('' when nothing): NUL or a lone UTF-16 surrogate.

    PostgreSQL cannot store or compare text containing NUL, and a lone surrogate ("\\ud800",
    which JSON escapes allow) cannot be encoded as UTF-8 at all: either would fail deep inside
    a query (a 500) instead of being named as bad input (a 400).
    """
    if "\x00" in value:
        return "may not contain NUL (\\u0000) characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "may not contain lone surrogate characters (like \\ud800): send valid Unicode text"
    return ""


def check_text(value: str, *, name: str) -> None:
    """Refuse (ParseError, 400) a query parameter whose name or value `text_problem` refuses."""
    for text, what in ((name, "The name of a query parameter"), (value, f"The query parameter '{name}'")):
        problem = text_problem(text)
        if problem:
            raise ParseError(f"{what} {problem}.")
