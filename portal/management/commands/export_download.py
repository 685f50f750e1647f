"""Save what a download link of the portal answers (an Excel table, a PDF report) to a file,
as a given user, through the same view the browser calls: for scheduled exports and for the
benchmark of an export's time and memory."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation


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
            match = resolve(parts.path)
        except Resolver404 as error:
            raise CommandError(f"No page at {parts.path}") from error
        request = HttpRequest()
        request.method = "GET"
        request.path = request.path_info = parts.path
        request.GET = QueryDict(parts.query)
        request.META["SERVER_NAME"], request.META["SERVER_PORT"] = "127.0.0.1", "80"
        try:
            request.user = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"No user {user}") from error
        with translation.override(language):
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
