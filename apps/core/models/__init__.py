"""Models of the core app, one module per aggregate."""

from apps.core.models.base import SoftDeleteModel, SoftDeleteQuerySet, TimeStampedModel
from apps.core.models.catalog import Category, Product
from apps.core.models.users import User

__all__ = ["Category", "Product", "SoftDeleteModel", "SoftDeleteQuerySet", "TimeStampedModel", "User"]
