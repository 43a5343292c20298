"""The API's JSON parser: every request body is bounded (size, nesting) and its text is text
PostgreSQL can store, before any serializer, service or query sees it.

The size bound is Django's DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig, answered 413 by
core.api_errors); the nesting bound and the text rules are here. Query parameters obey the
same text rules (core.text, used by core.api_filters).
"""

import json

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.settings import api_settings

from core.text import text_problem

# Deeper than any body the API documents (a bulk list of objects holding lists is 3 deep).
MAX_DEPTH = 20


def _where(path: tuple) -> str:
    """Where a value sits in the body, like "at item 0, field 'course_code'"."""
    if not path:
        return "in the request body"
    return "at " + ", ".join(f"item {step}" if isinstance(step, int) else f"field '{step}'" for step in path)


def check_json(data) -> None:
    """Refuse (ParseError, 400) a parsed body nested deeper than MAX_DEPTH or holding a string or
    key that `text_problem` refuses; the message says where. Iterative: no recursion limit."""
    stack = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise ParseError(f"Text {_where(path)} {problem}.")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise ParseError(f"The JSON is nested too deeply: at most {MAX_DEPTH} levels.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and text_problem(key):
                    raise ParseError(f"A field name {_where(path)} {text_problem(key)}.")
                stack.append((item, path + (key,), depth + 1))


def _check_depth(data) -> None:
    """Only the nesting bound of `check_json`: the walk over containers alone (same message)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH:
            raise ParseError(f"The JSON is nested too deeply: at most {MAX_DEPTH} levels.")
        children = value.values() if type(value) is dict else value
        kinds = set(map(type, children))  # json.loads makes exactly dict and list for containers
        if dict in kinds or list in kinds:
            stack.extend((item, depth + 1) for item in children if type(item) is dict or type(item) is list)


def check_body(text: str, data) -> None:
    """`check_json(data)` for `data` parsed from the JSON `text`, cheaply when it can be: decoded text
    holds no NUL and no lone surrogate, so a string of the body can only hold one through a `\\u`
    escape. A body with no `\\u` at all needs only its nesting checked."""
    if "\\u" in text or "\x00" in text:
        check_json(data)
    elif type(data) is dict or type(data) is list:
        _check_depth(data)


class PortalJSONParser(JSONParser):
    """JSON, bounded in nesting, with only storable text (see `check_json`).

    Django reads the body first and refuses one over DATA_UPLOAD_MAX_MEMORY_SIZE (413 through
    core.api_errors). A body too deeply nested for Python's parser is a 400, never a
    RecursionError.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
            if api_settings.STRICT_JSON:
                data = json.loads(text, parse_constant=_refuse_constant)
            else:
                data = json.loads(text)
        except RecursionError:
            raise ParseError(f"The JSON is nested too deeply: at most {MAX_DEPTH} levels.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        check_body(text, data)
        return data


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")
