"""Option filter parameters of the product list and facets (`size=M,L&color=black`).

The option type slugs are not declared fields: they come from the OptionType rows (cached, see
`services.catalog.option_filters`), so a new option type is a new parameter without a deploy,
and a slug that is no option type is still refused as an unknown parameter.
"""

import re

from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

from apps.core.services.catalog.option_filters import option_type_slugs, selection_from

MAX_OPTION_VALUES = 20
_VALUE = re.compile(r"^[^\x00-\x1f\x7f,]{1,64}$")


class OptionParamsMixin:
    """Takes the `<option type slug>=v1,v2` parameters out of the query before strict validation.

    Values are option value slugs or values, compared case-insensitively, comma-separated (a
    repeated parameter adds values); `validated_data["options"]` is the canonical selection
    (see `option_filters.selection_from`), `()` when none is given.
    """

    def to_internal_value(self, data):
        slugs = option_type_slugs() - set(self.fields)
        picked = [name for name in data if name in slugs]
        if not picked:
            return {**super().to_internal_value(data), "options": ()}
        rest = data.copy()
        selected, errors = {}, {}
        for name in picked:
            raw = rest.getlist(name) if hasattr(rest, "getlist") else [rest[name]]
            rest.pop(name)
            values = [v.strip() for chunk in raw for v in str(chunk).split(",")]
            if not values or len(values) > MAX_OPTION_VALUES or not all(_VALUE.match(v) for v in values):
                errors[name] = [
                    ErrorDetail(
                        f"Give 1 to {MAX_OPTION_VALUES} comma-separated values of option {name!r}.", code="invalid"
                    )
                ]
            else:
                selected[name] = values
        validated = super().to_internal_value(rest)
        if errors:
            raise serializers.ValidationError(errors)
        return {**validated, "options": selection_from(selected)}
