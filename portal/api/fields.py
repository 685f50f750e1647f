from rest_framework import serializers


class NullInResponsesIntegerField(serializers.IntegerField):
    """An integer a client must give, which rows the portal writes itself may leave empty (a
    rule set's year: the documented defaults have none). The schema says so per direction
    (``portal.api.schema.NullInResponsesFieldExtension``)."""
