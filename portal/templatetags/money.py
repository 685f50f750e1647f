"""``{% load money %}``, the name the funding pages load the number filters by: the same
library as ``{% load numbers %}``."""

from portal.templatetags.numbers import register

__all__ = ["register"]
