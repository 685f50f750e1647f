"""Pages rendered as PDF documents with WeasyPrint, in the request's language.

The templates carry their own styles; the fetcher accepts only ``data:`` URIs, so rendering a
document never reaches the network or the file system whatever a stored name contains.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

PDF = "application/pdf"


def render_pdf(request, *, template: str, context: dict) -> bytes:
    # Imported here: loading WeasyPrint parses its stylesheets and font configuration (seconds,
    # tens of MB), which every process would otherwise pay when the URLs are loaded.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()


def pdf_response(request, *, template: str, context: dict, filename: str) -> HttpResponse:
    return HttpResponse(
        render_pdf(request, template=template, context=context),
        content_type=PDF,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
