"""Address serializers: countries are ISO 3166-1 alpha-2 codes, phones come out in E.164."""

from django_countries.serializer_fields import CountryField
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from apps.core.models.shipping import Address


class E164PhoneField(PhoneNumberField):
    """A phone number valid in its country (libphonenumber); refused with code "invalid_phone_number"."""

    default_error_messages = {"invalid_phone_number": "Enter a valid phone number in international format."}

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            self.fail("invalid_phone_number")


class AddressInputSerializer(serializers.Serializer):
    """An address as entered; the service validates it for its country (postal code, region, lines)."""

    full_name = serializers.CharField(max_length=255)
    company = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    line1 = serializers.CharField(max_length=255)
    line2 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    region = serializers.CharField(
        max_length=128, required=False, allow_blank=True, default="", help_text="State, province or county code."
    )
    country = CountryField(help_text="ISO 3166-1 alpha-2 code, e.g. `GB`.")
    phone = E164PhoneField(
        required=False, allow_blank=True, default="", help_text="International format, e.g. `+442079460000`."
    )
    is_default_shipping = serializers.BooleanField(required=False, default=False)
    is_default_billing = serializers.BooleanField(required=False, default=False)


class AddressOutputSerializer(serializers.ModelSerializer):
    """An address of the signed-in user's book."""

    country = serializers.CharField(source="country.code", read_only=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Address
        fields = (
            "id",
            "full_name",
            "company",
            "line1",
            "line2",
            "city",
            "postal_code",
            "region",
            "country",
            "phone",
            "is_default_shipping",
            "is_default_billing",
        )
        read_only_fields = fields

    def get_phone(self, address: Address) -> str:
        """E.164, or "" when none."""
        return address.phone.as_e164 if address.phone else ""
