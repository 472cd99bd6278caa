"""Abstract bases: timestamps and soft delete."""

from django.db import models

MAX_ID = 2**63 - 1
"""The largest primary key (ids are BigAutoField): a larger value matches no row, and overflows SQLite's driver."""


class TimeStampedModel(models.Model):
    """Adds `created_at` and `updated_at` (aware UTC datetimes)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteQuerySet(models.QuerySet):
    """Names the soft-delete filters; who sees what is decided by the services."""

    def alive(self) -> "SoftDeleteQuerySet":
        """Rows whose `deleted_at` is null."""
        return self.filter(deleted_at__isnull=True)

    def dead(self) -> "SoftDeleteQuerySet":
        """Rows that were soft-deleted."""
        return self.filter(deleted_at__isnull=False)


class SoftDeleteModel(TimeStampedModel):
    """Timestamps plus `deleted_at`; a row with `deleted_at` set is soft-deleted."""

    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
