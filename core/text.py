"""Text: what the portal can store (the one rule for request bodies and query parameters alike),
and names published in capitals tidied for display."""

import re

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


# Kept in capitals when tidying names published in capitals (ODS, DfE).
ACRONYMS = {
    "NHS", "ICB", "ICS", "UK", "CIC", "CCG", "GP", "HQ", "NE", "NW", "SE", "SW", "II", "III", "IV",
    "BMET", "BCOT", "CCN", "DN", "EKC", "HCUC", "LTE", "NCG", "NESCOT", "RNN", "SGS", "TEC", "UTC", "WCG",
    "WKCIC", "ELATT", "CSR", "NCC", "CITB", "ESB", "LLP", "PLC", "CMB", "BHASVIC", "DCG", "HRUC", "SMB", "SEEVIC",
}
SPECIAL_CASES = {"BMET": "BMet", "MCDONALD": "McDonald"}
SMALL_WORDS = {"and", "of", "the", "for", "in", "on", "at", "upon", "with", "by", "to", "de", "le", "a", "an"}
HYPHENATED_SMALL_WORDS = SMALL_WORDS | {"under", "super", "en"}  # Newcastle-under-Lyme, Weston-super-Mare


def _word_tidy(word: str, first: bool, small_words: set[str] = SMALL_WORDS) -> str:
    core = word.strip("().,&'\"")
    upper = core.upper()
    if upper in SPECIAL_CASES:
        return word.replace(core, SPECIAL_CASES[upper])
    if upper in ACRONYMS:
        return word.replace(core, upper)
    lower = word.lower()
    if not first and core.lower() in small_words:
        return lower
    # Capitalise the first letter and any letter after a hyphen or an opening bracket, not after an apostrophe.
    return re.sub(r"(^|[-(/.])([a-z])", lambda m: m.group(1) + m.group(2).upper(), lower)


def display_name(name: str) -> str:
    """A name published in capitals, tidied for display: 'KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST'
    -> "King's College Hospital NHS Foundation Trust". Names not all in capitals are kept as they are."""
    name = " ".join(name.split())
    if name != name.upper():
        return name
    words = name.split(" ")
    tidied = []
    for index, word in enumerate(words):
        parts = word.split("-")
        # Small words stay lower case inside a name, not first or last ("College, The").
        parts = [
            _word_tidy(
                part,
                first=n == 0 and index in (0, len(words) - 1),
                small_words=HYPHENATED_SMALL_WORDS if n > 0 else SMALL_WORDS,
            )
            for n, part in enumerate(parts)
        ]
        tidied.append("-".join(parts))
    return " ".join(tidied)
