"""Pages rendered as PDF documents with WeasyPrint, in the request's language.

The templates carry their own styles; the fetcher accepts only ``data:`` URIs, so rendering a
document never reaches the network or the file system whatever a stored name contains.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher

PDF = "application/pdf"


def render_pdf(request, *, template: str, context: dict) -> bytes:
    html = render_to_string(template, context, request=request)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()


def pdf_response(request, *, template: str, context: dict, filename: str) -> HttpResponse:
    return HttpResponse(
        render_pdf(request, template=template, context=context),
        content_type=PDF,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )
