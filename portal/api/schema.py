"""The error answers every operation may give, added to the OpenAPI schema in one place.

Views document their success answers; the shapes below are those of the portal's exception
handler (``portal.api.exceptions``) and of DRF, the same for every operation.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes

HTTP_METHODS = {"get", "put", "patch", "post", "delete", "head", "options", "trace"}
DETAIL = {"$ref": "#/components/schemas/ErrorDetail"}
ERROR_COMPONENTS = {
    "ErrorDetail": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ValidationErrors": {
        "description": "Messages per field (``non_field_errors`` for the whole input).",
        "oneOf": [
            {"type": "object", "additionalProperties": {}},
            {"type": "array", "items": {"type": "string"}},
        ],
    },
}
ERROR_ANSWERS = {
    "400": ("Invalid input.", {"$ref": "#/components/schemas/ValidationErrors"}),
    "401": ("Not authenticated.", DETAIL),
    "403": ("The role may not do this.", DETAIL),
    "404": ("No such object in the caller's scope.", DETAIL),
    "409": ("Conflicts with the object's current state or version.", DETAIL),
    "429": ("Too many requests.", DETAIL),
}
# Only operations that take a body: its Content-Type is not one the operation reads, or the body
# cannot be read as that type (a malformed multipart form).
BODY_ERROR_ANSWERS = {
    "415": ("The body's media type is not accepted, or the body cannot be read as it.", DETAIL),
}


def add_error_answers(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the error answers of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            answers = ERROR_ANSWERS
            if "requestBody" in operation:
                answers = {**ERROR_ANSWERS, **BODY_ERROR_ANSWERS}
            for status, (description, body) in answers.items():
                responses.setdefault(
                    status,
                    {"description": description, "content": {"application/json": {"schema": body}}},
                )
    return result


class NullInResponsesFieldExtension(OpenApiSerializerFieldExtension):
    """Required and non-null when written, possibly null when read."""

    target_class = "portal.api.fields.NullInResponsesIntegerField"

    def map_serializer_field(self, auto_schema, direction):
        schema = build_basic_type(OpenApiTypes.INT)
        schema.update(minimum=self.target.min_value, maximum=self.target.max_value)
        if direction == "response":
            schema["nullable"] = True
        return schema
