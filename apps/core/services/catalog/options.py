"""Option types (size, color) and their values: public reads, staff writes."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils.text import slugify

from apps.core.exceptions import ConflictError, InvalidInputError, NotFoundError, OptionInUseError
from apps.core.models.catalog import OptionType, OptionValue, VariantOption
from apps.core.services.catalog.cache import CatalogCache

_UNSET = object()


@dataclass(frozen=True)
class OptionTypeInput:
    """Validated fields of an option type write; `_UNSET` fields are left unchanged (PATCH).

    Attributes:
        slug: also the product-list filter parameter (`?size=M`); generated from the name when not given.
        values: on create only, the values in order (`["XS", "S", "M"]`; positions 0, 1, 2...).
    """

    name: str | object = _UNSET
    slug: str | object = _UNSET
    values: list[str] | object = _UNSET

    @classmethod
    def from_mapping(cls, data: dict) -> "OptionTypeInput":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class OptionTypeService:
    """Lists option types with their values and changes them (staff).

    Args:
        catalog_cache: variant options show in product details, so renames invalidate them.
    """

    def __init__(self, catalog_cache: CatalogCache) -> None:
        self._catalog_cache = catalog_cache

    def list(self) -> list[OptionType]:
        """Every option type by name, `values` prefetched in position order (two queries)."""
        return list(self._queryset())

    def get(self, type_id: int) -> OptionType:
        """One option type with its values.

        Raises:
            NotFoundError: no option type has that id.
        """
        found = self._queryset().filter(pk=type_id).first()
        if found is None:
            raise NotFoundError(f"Option type {type_id} does not exist.")
        return found

    @transaction.atomic
    def create(self, data: OptionTypeInput) -> OptionType:
        """Create an option type, with its first values when given.

        Raises:
            ConflictError: the name or slug is taken (code "unique", attr "name" or "slug").
            InvalidInputError: two values with the same slug (attr "values").
        """
        option_type = OptionType(name=data.name, slug=data.slug if data.slug is not _UNSET else slugify(data.name))
        self._save(option_type)
        for position, value in enumerate(data.values if data.values is not _UNSET else []):
            self._add(option_type, value, None, position, attr="values")
        return self.get(option_type.pk)

    @transaction.atomic
    def update(self, type_id: int, data: OptionTypeInput) -> OptionType:
        """Rename an option type or change its slug (the filter parameter).

        Raises:
            NotFoundError: no option type has that id.
            ConflictError: the name or slug is taken (code "unique").
        """
        option_type = self.get(type_id)
        for name in ("name", "slug"):
            if getattr(data, name) is not _UNSET:
                setattr(option_type, name, getattr(data, name))
        self._save(option_type)
        self._catalog_cache.products_changed()
        return self.get(type_id)

    @transaction.atomic
    def delete(self, type_id: int) -> None:
        """Delete an option type and its values, when no variant uses any of them.

        Raises:
            NotFoundError: no option type has that id.
            OptionInUseError: a variant (live or retired: order history keeps them) has one of its values (409).
        """
        option_type = self.get(type_id)
        if VariantOption.objects.filter(option_type=option_type).exists():
            raise OptionInUseError(f"Variants use option type {option_type.slug}; it cannot be deleted.", attr=None)
        option_type.delete()

    @transaction.atomic
    def add_value(
        self, type_id: int, value: str, *, slug: str | None = None, position: int | None = None
    ) -> OptionValue:
        """Add a value to an option type; without `position` it goes last.

        Raises:
            NotFoundError: no option type has that id.
            ConflictError: the type already has this value or slug (code "unique", attr "value").
        """
        option_type = self.get(type_id)
        if position is None:
            position = max((v.position for v in option_type.values.all()), default=-1) + 1
        return self._add(option_type, value, slug, position, attr="value")

    @transaction.atomic
    def delete_value(self, type_id: int, value_id: int) -> None:
        """Delete a value no variant uses.

        Raises:
            NotFoundError: no such value of that option type.
            OptionInUseError: a variant has this value (409).
        """
        value = OptionValue.objects.filter(pk=value_id, option_type_id=type_id).first()
        if value is None:
            raise NotFoundError(f"Option value {value_id} of option type {type_id} does not exist.")
        if VariantOption.objects.filter(option_value=value).exists():
            raise OptionInUseError(f"Variants use the value {value.value}; it cannot be deleted.", attr=None)
        value.delete()

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _queryset() -> QuerySet[OptionType]:
        values = OptionValue.objects.order_by("position", "id")
        return OptionType.objects.prefetch_related(Prefetch("values", queryset=values)).order_by("name", "id")

    @staticmethod
    def _save(option_type: OptionType) -> None:
        if not option_type.slug:
            raise InvalidInputError("The name gives no usable slug; send one.", code="no_usable_slug", attr="slug")
        for name in ("name", "slug"):
            value = getattr(option_type, name)
            if OptionType.objects.filter(**{name: value}).exclude(pk=option_type.pk).exists():
                raise ConflictError(f"An option type with this {name} already exists.", code="unique", attr=name)
        try:
            with transaction.atomic():
                option_type.save()
        except IntegrityError:  # a concurrent create took it
            raise ConflictError("An option type with this name or slug already exists.", code="unique") from None

    @staticmethod
    def _add(option_type: OptionType, value: str, slug: str | None, position: int, *, attr: str) -> OptionValue:
        slug = slug or slugify(value)
        if not slug:
            detail = f"The value {value!r} gives no usable slug; send one."
            raise InvalidInputError(detail, code="no_usable_slug", attr=attr)
        clash = OptionValue.objects.filter(option_type=option_type)
        if clash.filter(slug=slug).exists() or clash.filter(value=value).exists():
            raise ConflictError(f"{option_type.name} already has the value {value}.", code="unique", attr=attr)
        try:
            with transaction.atomic():
                return OptionValue.objects.create(option_type=option_type, value=value, slug=slug, position=position)
        except IntegrityError:
            raise ConflictError(
                f"{option_type.name} already has the value {value}.", code="unique", attr=attr
            ) from None
