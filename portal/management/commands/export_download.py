"""Save what a download link of the portal answers (an Excel table, a PDF report) to a file,
as a given user, with the same rows and checks as the browser's download: for scheduled
exports. A table is written here whatever its size (no background job): the link is resolved
to its table and validated filters, and the table's selector is called with the user and
those filters. A PDF report, which has no selector of its own, is answered by its view."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation

from portal.exports import table_export_at
from portal.filtering import InvalidFilters


class Command(BaseCommand):
    help = "Save a download (e.g. /services/requests/export.xlsx?status=completed) to a file."

    def add_arguments(self, parser):
        parser.add_argument("url", help="Path and query string of the download link.")
        parser.add_argument("--user", required=True, help="Username whose scope applies.")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args, url, user, output, language, **options):
        parts = urlsplit(url)
        try:
            account = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user {user}") from error
        try:
            table = table_export_at(parts.path)
        except Resolver404 as error:
            raise CommandError(f"No page at {parts.path}") from error
        with translation.override(language):
            if table is not None:
                self._save_table(table, account, QueryDict(parts.query), output)
            else:
                self._save_document(account, parts, output)

    def _save_table(self, table, account, query: QueryDict, output: str) -> None:
        try:
            filters = table.filters(account, query)
        except InvalidFilters as error:
            raise CommandError(f"Filters not valid: {error}") from error
        with open(output, "wb") as handle:
            rows = table.write(table.rows(user=account, filters=filters), handle)
        self.stdout.write(f"{output}: {table.filename(account, filters)}, {rows} rows")

    def _save_document(self, account, parts, output: str) -> None:
        request = HttpRequest()
        request.method = "GET"
        request.path = request.path_info = parts.path
        request.GET = QueryDict(parts.query)
        request.META["SERVER_NAME"], request.META["SERVER_PORT"] = "127.0.0.1", "80"
        request.user = account
        match = request.resolver_match = resolve(parts.path)
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise CommandError(f"{parts.path} answered {response.status_code}")
        with open(output, "wb") as handle:
            if response.streaming:
                for chunk in response.streaming_content:
                    handle.write(chunk)
            else:
                handle.write(response.content)
        response.close()
        self.stdout.write(f"{output}: {response.get('Content-Disposition', '')}")
