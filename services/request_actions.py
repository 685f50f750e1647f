"""Each move of a service request and the service that makes it, for pages and the API alike."""

from . import quotes, services

ACTION_SERVICES = {
    "accept": services.service_request_accept,
    "quote": quotes.service_request_quote,
    "accept_quote": quotes.service_request_accept_quote,
    "decline_quote": quotes.service_request_decline_quote,
    "reject": services.service_request_reject,
    "start": services.service_request_start,
    "deliver": services.service_request_deliver,
    "confirm": services.service_request_confirm,
    "dispute": services.service_request_dispute,
    "cancel": services.service_request_cancel,
}
