"""Unique slug generation for catalog rows."""

from django.db.models import Model
from django.utils.text import slugify


def unique_slug(model: type[Model], source: str, *, max_length: int, exclude_pk: int | None = None) -> str:
    """Return slugify(source), suffixed `-2`, `-3`... until no row of `model` has it.

    One query: reads the slugs that share the base. Races are settled by the unique
    constraint; the caller turns the IntegrityError into a domain error.
    """
    base = (slugify(source)[: max_length - 8].strip("-")) or "item"
    taken = set(model.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
