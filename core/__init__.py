"""Ground floor: shared infrastructure (roles, permissions, errors, base views and FilterSets,
CSV reading, the upsert engine, tables and exports). Imports no app of the portal."""
