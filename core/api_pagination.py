from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class PortalPageNumberPagination(PageNumberPagination):
    """`?page=` and `?page_size=` (up to 1000), answering {count, next, previous, results}.

    A page_size that is not a whole number of 1 or more answers 400 naming it (DRF would
    silently use the default); one over 1000 is served 1000 at a time.
    """

    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:  # absent or empty: the default
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: ["Give a whole number of 1 or more."]})
        return min(size, self.max_page_size)
