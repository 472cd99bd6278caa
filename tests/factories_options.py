"""Factories of option types, option values and variants with options (filters and facets tests)."""

import factory
from django.utils.text import slugify

from apps.core.models.catalog import OptionType, OptionValue, ProductVariant, VariantOption
from tests.factories import ProductVariantFactory


class OptionTypeFactory(factory.django.DjangoModelFactory):
    """An option type such as `size`."""

    class Meta:
        model = OptionType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Option {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class OptionValueFactory(factory.django.DjangoModelFactory):
    """A value of an option type; `slug` from `value`."""

    class Meta:
        model = OptionValue
        django_get_or_create = ("option_type", "slug")

    option_type = factory.SubFactory(OptionTypeFactory)
    value = factory.Sequence(lambda n: f"V{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.value))
    position = factory.Sequence(int)


def option_value(type_slug: str, value: str) -> OptionValue:
    """The option value `value` of the option type `type_slug` (both created when missing)."""
    option_type = OptionTypeFactory(slug=type_slug, name=type_slug.title())
    return OptionValueFactory(option_type=option_type, value=value, slug=slugify(value))


def variant_with(product, *, stock: int = 10, price=None, **options: str) -> ProductVariant:
    """A live variant of `product` with one value per option type, e.g. `variant_with(p, size="M", color="Black")`."""
    values = [option_value(slug, value) for slug, value in sorted(options.items())]
    variant = ProductVariantFactory(
        product=product,
        stock=stock,
        price=price if price is not None else product.price,
        option_signature=".".join(str(v) for v in sorted(v.pk for v in values)),
    )
    for value in values:
        VariantOption.objects.create(
            variant=variant, option_type=value.option_type, option_value=value, product=product
        )
    return variant
