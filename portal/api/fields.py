from rest_framework import serializers

from portal import credit_code


class NullInResponsesIntegerField(serializers.IntegerField):
    """An integer a client must give, which rows the portal writes itself may leave empty (a
    rule set's year: the documented defaults have none). The schema says so per direction
    (``portal.api.schema.NullInResponsesFieldExtension``)."""


class CreditCodeField(serializers.CharField):
    """The API's twin of ``portal.forms.CreditCodeField``: a pasted code is normalised
    (``portal.credit_code.normalise``) before it is checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", credit_code.PASTED_MAX_LENGTH)
        kwargs.setdefault("validators", [credit_code.validate_credit_code])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return credit_code.normalise(super().to_internal_value(data))
