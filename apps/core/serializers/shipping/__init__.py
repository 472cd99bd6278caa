"""The shipping domain's serializers."""

from apps.core.serializers.shipping.addresses import AddressInputSerializer, AddressOutputSerializer
from apps.core.serializers.shipping.methods import (
    ShippingMethodInputSerializer,
    ShippingMethodListQuerySerializer,
    ShippingMethodOutputSerializer,
    TaxRateInputSerializer,
    TaxRateOutputSerializer,
)

__all__ = [
    "AddressInputSerializer",
    "AddressOutputSerializer",
    "ShippingMethodInputSerializer",
    "ShippingMethodListQuerySerializer",
    "ShippingMethodOutputSerializer",
    "TaxRateInputSerializer",
    "TaxRateOutputSerializer",
]
