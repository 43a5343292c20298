from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


class PortalJSONParser(JSONParser):
    """JSON, refusing NUL characters anywhere in the body.

    PostgreSQL cannot store or compare text containing NUL, so such a value would fail deep
    inside a query (a 500) instead of being named as bad input (a 400).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _contains_nul(data):
            raise ParseError("Text in the request may not contain NUL (\\u0000) characters.")
        return data
