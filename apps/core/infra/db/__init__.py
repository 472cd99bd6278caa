"""Database backends of the project (see apps.core.infra.db.postgresql)."""
