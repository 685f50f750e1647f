"""Middleware of the portal's own."""

from django.shortcuts import render

from .filtering import InvalidFilters

BAD_REQUEST = 400


class InvalidFiltersMiddleware:
    """A list asked for with a filter value its form refuses answers 400, naming the field and
    why, on any page or download that validates its filters (``portal.filtering.validated``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, InvalidFilters):
            return None
        context = {"errors": exception.messages(), "list_url": request.path}
        return render(request, "invalid_filters.html", context, status=BAD_REQUEST)
