"""factory-boy factories for every model the tests create."""

import factory
from django.utils.text import slugify

from apps.core.models.accounts import User
from apps.core.models.catalog import Category, OptionType, OptionValue, Product, ProductImage, ProductVariant

DEFAULT_PASSWORD = "Sturdy-pass-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    """A customer with DEFAULT_PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory-boy hook signature
        if create:
            obj.save()


class AdminFactory(UserFactory):
    """A superuser: the shop's administrator, with every permission."""

    email = factory.Sequence(lambda n: f"admin{n}@example.com")
    is_staff = True
    is_superuser = True


class CategoryFactory(factory.django.DjangoModelFactory):
    """A root category unless `parent` is given."""

    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = factory.Faker("sentence")
    parent = None


class ProductFactory(factory.django.DjangoModelFactory):
    """An active, in-stock product.

    `requires_shipping` is False here (the model's default is True): checkout tests that are not
    about shipping need no address or method. Tests of shipping pass `requires_shipping=True`.
    """

    class Meta:
        model = Product
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    description = factory.Faker("paragraph", nb_sentences=2)
    brand = factory.Faker("company")
    price = factory.Faker("pydecimal", left_digits=3, right_digits=2, positive=True, min_value=1, max_value=900)
    stock = 10
    category = factory.SubFactory(CategoryFactory)
    is_active = True
    status = factory.LazyAttribute(lambda o: "active" if o.is_active else "inactive")
    requires_shipping = False
    default_variant = factory.RelatedFactory(
        "tests.factories.ProductVariantFactory",
        factory_related_name="product",
        is_default=True,
        sku=factory.SelfAttribute("..sku"),
        price=factory.SelfAttribute("..price"),
        stock=factory.SelfAttribute("..stock"),
    )

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        """Keep `is_active` true exactly when `status` is active (`status="draft"` alone is enough)."""
        kwargs["is_active"] = kwargs["is_active"] and kwargs["status"] == "active"
        if not kwargs["is_active"] and kwargs["status"] == "active":
            kwargs["status"] = "inactive"
        return kwargs


class ProductVariantFactory(factory.django.DjangoModelFactory):
    """A live variant of `product` without options (add VariantOption rows for options)."""

    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory, default_variant=None)
    sku = factory.Sequence(lambda n: f"VAR-{n:06d}")
    price = factory.LazyAttribute(lambda o: o.product.price)
    stock = 10
    is_default = False


class OptionTypeFactory(factory.django.DjangoModelFactory):
    """An option type (`size`, `color`); give it values with OptionValueFactory."""

    class Meta:
        model = OptionType
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Option {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class OptionValueFactory(factory.django.DjangoModelFactory):
    """One value of an option type, e.g. OptionValueFactory(option_type=size, value="XL", position=4)."""

    class Meta:
        model = OptionValue

    option_type = factory.SubFactory(OptionTypeFactory)
    value = factory.Sequence(lambda n: f"V{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.value))
    position = 0


def sizes(*values: str) -> OptionType:
    """The `size` option type with these values in this order (positions 0, 1, ...)."""
    size = OptionTypeFactory(name="Size", slug="size")
    for position, value in enumerate(values):
        OptionValueFactory(option_type=size, value=value, position=position)
    return size


class ProductImageFactory(factory.django.DjangoModelFactory):
    """An image row naming files that need not exist (for tests of reads; uploads go through the API)."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    image = factory.Sequence(lambda n: f"products/test/{n:06d}.jpg")
    thumbnail = factory.Sequence(lambda n: f"products/test/{n:06d}_thumb.webp")
    is_main = True
    width = 640
    height = 480
