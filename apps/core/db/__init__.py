"""Database backends of the project (see apps.core.db.postgresql)."""
