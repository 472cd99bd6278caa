"""The shipping domain's services: address book, shipping methods and their prices, tax rates."""

from apps.core.services.shipping.addresses import AddressInput, AddressService, validate_address
from apps.core.services.shipping.methods import ShippingMethodService, ShippingQuote, TaxRateService

__all__ = [
    "AddressInput",
    "AddressService",
    "ShippingMethodService",
    "ShippingQuote",
    "TaxRateService",
    "validate_address",
]
