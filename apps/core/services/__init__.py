"""Service layer: business rules, query building, transactions and caching. Never imports DRF."""
