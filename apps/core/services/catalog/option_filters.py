"""Option filters of the product list and facets: `<option type slug>=v1,v2` parameters.

`size=M,L&color=black` keeps the products having one live variant that is (M or L) and black
(Shopify and Saleor match variants this way): an EXISTS over the variant-option links of the
first option type (index `variant_opt_value_product_idx`, option value then product), with one
nested EXISTS per further option type correlated on the same variant.

Which option type slugs are list parameters, and which option value ids a requested value names,
are read from one cached vocabulary of every option type and value (`option_type_slugs`,
`resolve`: no query per request); any write of an option type or value forgets it and the cached
product lists (signal receivers, so the admin and every service path are covered).
"""

from collections.abc import Iterable, Mapping, Sequence

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.core.models.catalog import OptionType, OptionValue, Product, VariantOption

OPTION_VOCABULARY_CACHE_KEY = "catalog:option-vocabulary:v2"
OPTION_VOCABULARY_TIMEOUT_S = 3600

Vocabulary = dict[str, list[tuple[int, str, str, str, str]]]
"""{option type slug: [(option value id, value slug lowercased, value lowercased, value, value slug), ...]}: types in
slug order, each type's values in position order (as the facets list them)."""

OptionSelection = tuple[tuple[str, tuple[str, ...]], ...]
"""Validated option filters: ((option type slug, (value, ...)), ...), sorted, values lowercased."""


def option_vocabulary() -> Vocabulary:
    """Every option type's slug and values (cached; two queries on a miss), see `Vocabulary`."""
    vocabulary = cache.get(OPTION_VOCABULARY_CACHE_KEY)
    if vocabulary is None:
        vocabulary = {slug: [] for slug in OptionType.objects.order_by("slug").values_list("slug", flat=True)}
        values = (
            OptionValue.objects.annotate(low_value=Lower("value"))
            .order_by("position", "id")
            .values_list("option_type__slug", "id", "slug", "low_value", "value")
        )
        for type_slug, value_id, slug, low_value, value in values:
            vocabulary.setdefault(type_slug, []).append((value_id, slug.lower(), low_value, value, slug))
        cache.set(OPTION_VOCABULARY_CACHE_KEY, vocabulary, OPTION_VOCABULARY_TIMEOUT_S)
    return vocabulary


def option_type_slugs() -> frozenset[str]:
    """The slugs of every option type (cached, see `option_vocabulary`)."""
    return frozenset(option_vocabulary())


def forget_option_vocabulary() -> None:
    """Drop the cached vocabulary (after an option type or value was created, changed or deleted)."""
    cache.delete(OPTION_VOCABULARY_CACHE_KEY)


@receiver(post_save, sender=OptionType)
@receiver(post_delete, sender=OptionType)
@receiver(post_save, sender=OptionValue)
@receiver(post_delete, sender=OptionValue)
def _option_vocabulary_changed(**_kwargs) -> None:
    """An option type or value was written: the vocabulary changes, and so do the lists cached under its
    parameter (now and at commit: a read between the two may have cached the old vocabulary)."""
    forget_option_vocabulary()
    transaction.on_commit(forget_option_vocabulary)
    apps.get_app_config("core").container.catalog_cache().products_changed()


def selection_from(params: Mapping[str, Iterable[str]]) -> OptionSelection:
    """The canonical form of option filters: types sorted, values lowercased, deduplicated and sorted."""
    return tuple(sorted((slug, tuple(sorted({v.lower() for v in values}))) for slug, values in params.items()))


def resolve(selection: OptionSelection) -> list[list[int]]:
    """Option value ids per selected option type, in the selection's order (from the cached vocabulary).

    A value matches an option value by slug or by value, case-insensitively (`black`, `Black`,
    `xl`, `XL`). A type whose values match nothing gives an empty list (nothing can match).
    """
    if not selection:
        return []
    vocabulary = option_vocabulary()
    return [
        sorted(
            value_id
            for value_id, slug, low_value, _value, _slug in vocabulary.get(type_slug, ())
            if slug in wanted or low_value in wanted
        )
        for type_slug, wanted in selection
    ]


def variant_match(groups: Sequence[Sequence[int]], product_ref: str = "pk") -> Exists:
    """EXISTS: the product (OuterRef `product_ref`) has a live variant with one of each group's value ids.

    Args:
        groups: option value ids per option type (from `resolve`); must not be empty.
        product_ref: the outer query's product id expression.
    """
    first, *rest = groups
    links = VariantOption.objects.filter(
        product=OuterRef(product_ref), option_value__in=list(first), variant__deleted_at__isnull=True
    )
    for ids in rest:
        links = links.filter(Exists(VariantOption.objects.filter(variant=OuterRef("variant"), option_value__in=ids)))
    return Exists(links)


def option_q(selection: OptionSelection) -> Q:
    """A filter on products for the option selection (Q() when nothing is selected)."""
    groups = resolve(selection)
    if not groups:
        return Q()
    if any(not ids for ids in groups):
        return Q(pk__in=[])  # a value no option value has: nothing matches
    return Q(variant_match(groups))


def option_overlap_q(selection: OptionSelection) -> Q:
    """PostgreSQL: products whose `option_value_ids` array (migration 0024) has one value of each selected type.

    `option_q` implies it (a live variant's values are in its product's array), so adding it to
    `option_q` changes no result; it lets a scan of an index that includes the array (the facets')
    drop the products without those values before `option_q`'s EXISTS probes their links.
    Q() when nothing is selected or a type's values match nothing (`option_q` then matches nothing).
    """
    groups = resolve(selection)
    if not groups or any(not ids for ids in groups):
        return Q()
    column = f'"{Product._meta.db_table}"."option_value_ids"'
    q = Q()
    for ids in groups:
        q &= Q(RawSQL(f"{column} && %s::bigint[]", (list(ids),), output_field=BooleanField()))
    return q
