"""The shipping domain's models: address book, shipping methods, tax rates (the ship-to side of checkout)."""

from apps.core.models.shipping.addresses import Address
from apps.core.models.shipping.methods import ShippingMethod
from apps.core.models.shipping.taxes import TaxRate

__all__ = ["Address", "ShippingMethod", "TaxRate"]
