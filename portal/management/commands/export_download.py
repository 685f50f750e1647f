"""Save what a download link of the portal answers (an Excel table, a PDF report) to a file,
as a given user, with the same rows and checks as the browser's download: for scheduled
exports. A table is written here whatever its size (no background job)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import Resolver404
from django.utils import translation

from portal.exports import replayed_request, table_export_at


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
            request = replayed_request(user=account, path=parts.path, query=parts.query)
        except Resolver404 as error:
            raise CommandError(f"No page at {parts.path}") from error
        with translation.override(language):
            table = table_export_at(parts.path)
            if table is not None:
                with open(output, "wb") as handle:
                    rows = table.write(table.rows(request), handle)
                self.stdout.write(f"{output}: {table.filename(request)}, {rows} rows")
                return
            match = request.resolver_match
            response = match.func(request, *match.args, **match.kwargs)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
            with open(output, "wb") as handle:
                if response.streaming:
                    for chunk in response.streaming_content:
                        handle.write(chunk)
                else:
                    handle.write(response.content)
            response.close()
        self.stdout.write(f"{output}: {response.get('Content-Disposition', '')}")
