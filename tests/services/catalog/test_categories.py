"""CategoryService: the tree, slugs, soft delete and its conflicts, cache invalidation."""

import pytest
from django.utils import timezone

from apps.core.exceptions import CategoryInUseError, InvalidInputError, NotFoundError
from apps.core.models.catalog import Category
from apps.core.services.catalog.categories import CategoryInput, descendant_ids
from tests.cached_reads import cached_categories
from tests.factories import CategoryFactory, ProductFactory

pytestmark = pytest.mark.django_db


def render_names(page) -> bytes:
    return ",".join(c.name for c in page.items).encode()


def test_create_generates_a_unique_slug_from_the_name(category_service):
    first = category_service.create(CategoryInput(name="Home & Garden"))
    second = category_service.create(CategoryInput(name="Home & Garden"))
    assert (first.slug, second.slug) == ("home-garden", "home-garden-2")
    assert first.description == ""


def test_create_slug_skips_slugs_held_by_deleted_rows(category_service):
    CategoryFactory(slug="audio", deleted_at=timezone.now())  # a deleted row still holds its slug
    assert category_service.create(CategoryInput(name="Audio")).slug == "audio-2"


def test_create_with_explicit_slug_and_parent(category_service):
    root = CategoryFactory()
    child = category_service.create(CategoryInput(name="Laptops", slug="laptops", parent=root.pk, description="d"))
    assert (child.slug, child.parent_id, child.description) == ("laptops", root.pk, "d")


def test_create_with_a_taken_slug_is_invalid(category_service):
    CategoryFactory(slug="audio")
    with pytest.raises(InvalidInputError) as caught:
        category_service.create(CategoryInput(name="X", slug="audio"))
    assert caught.value.attr == "slug"


@pytest.mark.parametrize("parent", [987654, "deleted"])
def test_create_under_a_missing_parent_is_invalid(category_service, parent):
    if parent == "deleted":
        parent = CategoryFactory(deleted_at=timezone.now()).pk
    with pytest.raises(InvalidInputError) as caught:
        category_service.create(CategoryInput(name="X", parent=parent))
    assert caught.value.attr == "parent"


def test_update_changes_given_fields_only(category_service):
    category = CategoryFactory(name="A", slug="a", description="keep")
    updated = category_service.update(category.pk, CategoryInput(name="B"))
    assert (updated.name, updated.slug, updated.description) == ("B", "a", "keep")


def test_update_rejects_cycles(category_service):
    root = CategoryFactory()
    leaf = CategoryFactory(parent=CategoryFactory(parent=root))
    for parent in (root.pk, leaf.pk):
        with pytest.raises(InvalidInputError) as caught:
            category_service.update(root.pk, CategoryInput(parent=parent))
        assert caught.value.code == "cycle"


def test_update_unknown_is_not_found(category_service):
    with pytest.raises(NotFoundError):
        category_service.update(987654, CategoryInput(name="x"))


def test_soft_delete_marks_the_row(category_service):
    category = CategoryFactory()
    category_service.soft_delete(category.pk)
    category.refresh_from_db()
    assert category.deleted_at is not None
    with pytest.raises(NotFoundError):
        category_service.get(category.pk)
    with pytest.raises(NotFoundError):
        category_service.soft_delete(category.pk)


def test_soft_delete_with_live_products_or_children_conflicts(category_service):
    with_product = CategoryFactory()
    ProductFactory(category=with_product)
    with_child = CategoryFactory()
    CategoryFactory(parent=with_child)
    for category in (with_product, with_child):
        with pytest.raises(CategoryInUseError):
            category_service.soft_delete(category.pk)
    assert Category.objects.alive().count() == 3


def test_soft_delete_ignores_deleted_products_and_children(category_service):
    category = CategoryFactory()
    ProductFactory(category=category, deleted_at=timezone.now())
    CategoryFactory(parent=category, deleted_at=timezone.now())
    category_service.soft_delete(category.pk)
    assert Category.objects.get(pk=category.pk).deleted_at is not None


def test_list_page_orders_by_name_and_filters_direct_children(category_service):
    root = CategoryFactory(name="Root", slug="root")
    CategoryFactory(name="Zeta", parent=root)
    alpha = CategoryFactory(name="Alpha", parent=root)
    CategoryFactory(name="Deep", parent=alpha)
    assert [c.name for c in category_service.list_page(parent=None, page=1, page_size=20).items] == [
        "Alpha",
        "Deep",
        "Root",
        "Zeta",
    ]
    for parent in ("root", str(root.pk)):
        assert [c.name for c in category_service.list_page(parent=parent, page=1, page_size=20).items] == [
            "Alpha",
            "Zeta",
        ]
    assert category_service.list_page(parent="missing", page=1, page_size=20).count == 0


def test_list_page_past_the_last_page_is_not_found(category_service):
    CategoryFactory()
    assert category_service.list_page(parent=None, page=1, page_size=1).count == 1
    with pytest.raises(NotFoundError):
        category_service.list_page(parent=None, page=2, page_size=1)


def test_get_by_id_or_slug(category_service):
    category = CategoryFactory(slug="audio")
    assert category_service.get_by_id_or_slug("audio") == category
    assert category_service.get_by_id_or_slug(str(category.pk)) == category
    assert category_service.get_by_id_or_slug("nope") is None


def test_descendant_ids_covers_the_live_subtree():
    root = CategoryFactory()
    child = CategoryFactory(parent=root)
    grandchild = CategoryFactory(parent=child)
    CategoryFactory(parent=child, deleted_at=timezone.now())
    CategoryFactory()
    assert sorted(descendant_ids(root.pk)) == sorted([root.pk, child.pk, grandchild.pk])
    assert descendant_ids(grandchild.pk) == [grandchild.pk]
    assert descendant_ids(987654) == []
    assert descendant_ids(10**30) == []


def test_writes_invalidate_the_cached_list(category_service, django_capture_on_commit_callbacks):
    category = CategoryFactory(name="Before")
    assert cached_categories(category_service, render=render_names).body == b"Before"
    with django_capture_on_commit_callbacks(execute=True):
        category_service.update(category.pk, CategoryInput(name="After"))
    assert cached_categories(category_service, render=render_names).body == b"After"
    with django_capture_on_commit_callbacks(execute=True):
        category_service.create(CategoryInput(name="Also"))
    assert cached_categories(category_service, render=render_names).body == b"After,Also"
    with django_capture_on_commit_callbacks(execute=True):
        category_service.soft_delete(category.pk)
    assert cached_categories(category_service, render=render_names).body == b"Also"
