"""Categories: a soft-deletable tree with admin-only writes."""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core.exceptions import CategoryInUseError, InvalidInputError, NotFoundError
from apps.core.infra.pagination import Page, paginate
from apps.core.infra.versioned_cache import CacheKey
from apps.core.models.base import MAX_ID
from apps.core.models.catalog import Category, Product
from apps.core.services.catalog.cache import CatalogCache
from apps.core.services.catalog.slugs import unique_slug

_UNSET = object()

# Namespaces whose cached bodies embed category data.


@dataclass(frozen=True)
class CategoryInput:
    """Validated fields of a category write; fields left as `_UNSET` are not changed (PATCH)."""

    name: str | object = _UNSET
    slug: str | None | object = _UNSET
    description: str | object = _UNSET
    parent: int | None | object = _UNSET

    @classmethod
    def from_mapping(cls, data: dict) -> "CategoryInput":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def descendant_ids(category_id: int) -> list[int]:
    """Ids of a live category and all its live descendants, in one recursive query.

    An id that matches no live category (including one beyond the id range) gives [].
    """
    if not 0 < category_id <= MAX_ID:
        return []
    return _subtree_ids("id", category_id)


def subtree_ids_by_slug(slug: str) -> list[int]:
    """Ids of the live category with this slug and of all its live descendants (one recursive query)."""
    return _subtree_ids("slug", slug)


def _subtree_ids(root_column: str, value: int | str) -> list[int]:
    """The live subtree under the live category whose `root_column` ("id" or "slug") equals `value`."""
    if root_column not in {"id", "slug"}:
        raise ValueError(f"cannot root a category subtree on {root_column!r}")
    table = Category._meta.db_table
    sql = f"""
        WITH RECURSIVE tree(id) AS (
            SELECT id FROM {table} WHERE {root_column} = %s AND deleted_at IS NULL
            UNION
            SELECT c.id FROM {table} c JOIN tree t ON c.parent_id = t.id WHERE c.deleted_at IS NULL
        )
        SELECT id FROM tree
    """  # noqa: S608 - table and column names are ours, the value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        return [row[0] for row in cursor.fetchall()]


class CategoryService:
    """Lists, reads and writes categories; invalidates the caches that embed them.

    Args:
        catalog_cache: keys and invalidation of the catalog's cached reads.
    """

    def __init__(self, catalog_cache: CatalogCache) -> None:
        self._catalog_cache = catalog_cache

    def list_page(self, *, parent: str | None, page: int, page_size: int) -> Page[Category]:
        """One page of live categories ordered by name; `parent` is an id or a slug (direct children).

        Raises:
            NotFoundError: the page is past the last one.
        """
        qs = self._base_queryset()
        if parent is not None:
            parent_id = self._resolve_id(parent)
            qs = qs.filter(parent_id=parent_id) if parent_id else qs.none()
        return paginate(qs, page=page, page_size=page_size)

    @staticmethod
    def list_key(*, parent: str | None, page: int, page_size: int) -> CacheKey:
        """The cache key of `list_page(parent=..., page=..., page_size=...)`."""
        return CatalogCache.category_list_key(parent=parent, page=page, page_size=page_size)

    def get(self, category_id: int) -> Category:
        """Return a live category.

        Raises:
            NotFoundError: no live category has that id.
        """
        try:
            return self._base_queryset().get(pk=category_id)
        except Category.DoesNotExist:
            raise NotFoundError(f"Category {category_id} does not exist.") from None

    def get_by_id_or_slug(self, value: str) -> Category | None:
        """Return the live category whose id (digits) or slug is `value`, or None."""
        qs = self._base_queryset()
        return qs.filter(pk=int(value)).first() if value.isdigit() else qs.filter(slug=value).first()

    @transaction.atomic
    def create(self, data: CategoryInput) -> Category:
        """Create a category; the slug is generated from the name when not given.

        Raises:
            InvalidInputError: unknown parent (attr "parent") or a slug already taken (attr "slug").
        """
        category = Category(name=data.name, description=data.description if data.description is not _UNSET else "")
        self._apply(category, data, creating=True)
        return category

    @transaction.atomic
    def update(self, category_id: int, data: CategoryInput) -> Category:
        """Change the given fields of a live category (PUT sends all, PATCH some).

        Raises:
            NotFoundError: no live category has that id.
            InvalidInputError: unknown parent, a cycle in the tree, or a slug already taken.
        """
        category = self._locked(category_id)
        for name in ("name", "description"):
            value = getattr(data, name)
            if value is not _UNSET:
                setattr(category, name, value)
        self._apply(category, data, creating=False)
        return category

    @transaction.atomic
    def soft_delete(self, category_id: int) -> None:
        """Soft-delete a category that has no live products and no live sub-categories.

        Raises:
            NotFoundError: no live category has that id.
            CategoryInUseError: it still holds live products or live sub-categories (HTTP 409).
        """
        category = self._locked(category_id)
        if Product.objects.alive().filter(category=category).exists():
            raise CategoryInUseError("The category still has live products.")
        if Category.objects.alive().filter(parent=category).exists():
            raise CategoryInUseError("The category still has live sub-categories.")
        category.deleted_at = timezone.now()
        category.save(update_fields=["deleted_at", "updated_at"])
        self._catalog_cache.categories_changed()

    def _apply(self, category: Category, data: CategoryInput, *, creating: bool) -> None:
        if data.parent is not _UNSET:
            category.parent = self._valid_parent(category, data.parent)
        if data.slug is not _UNSET and data.slug:
            if Category.objects.filter(slug=data.slug).exclude(pk=category.pk).exists():
                raise InvalidInputError("A category with this slug already exists.", code="unique", attr="slug")
            category.slug = data.slug
        elif creating or data.slug is None:
            category.slug = unique_slug(Category, category.name, max_length=140, exclude_pk=category.pk)
        try:
            with transaction.atomic():
                category.save()
        except IntegrityError:
            raise InvalidInputError("A category with this slug already exists.", code="unique", attr="slug") from None
        self._catalog_cache.categories_changed()

    def _valid_parent(self, category: Category, parent_id: int | None) -> Category | None:
        if parent_id is None:
            return None
        parent = self._base_queryset().filter(pk=parent_id).first()
        if parent is None:
            raise InvalidInputError(f"Category {parent_id} does not exist.", code="does_not_exist", attr="parent")
        if category.pk is not None and parent.pk in descendant_ids(category.pk):
            raise InvalidInputError("A category cannot be moved under itself.", code="cycle", attr="parent")
        return parent

    def _locked(self, category_id: int) -> Category:
        try:
            return self._base_queryset().select_for_update().get(pk=category_id)
        except Category.DoesNotExist:
            raise NotFoundError(f"Category {category_id} does not exist.") from None

    def _resolve_id(self, value: str) -> int | None:
        category = self.get_by_id_or_slug(value)
        return category.pk if category else None

    def _base_queryset(self) -> QuerySet[Category]:
        return Category.objects.alive().order_by("name", "id")
