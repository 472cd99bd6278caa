"""factory-boy factories for every model the tests create."""

import factory
from django.utils.text import slugify

from apps.core.models.accounts import User
from apps.core.models.catalog import Category, Product, ProductImage, ProductVariant

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
    requires_shipping = False
    default_variant = factory.RelatedFactory(
        "tests.factories.ProductVariantFactory",
        factory_related_name="product",
        is_default=True,
        sku=factory.SelfAttribute("..sku"),
        price=factory.SelfAttribute("..price"),
        stock=factory.SelfAttribute("..stock"),
    )


class ProductVariantFactory(factory.django.DjangoModelFactory):
    """A live variant of `product` without options (add VariantOption rows for options)."""

    class Meta:
        model = ProductVariant

    product = factory.SubFactory(ProductFactory, default_variant=None)
    sku = factory.Sequence(lambda n: f"VAR-{n:06d}")
    price = factory.LazyAttribute(lambda o: o.product.price)
    stock = 10
    is_default = False


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
