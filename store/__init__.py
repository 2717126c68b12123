"""The ground floor: the database handle and the stored workflows (tables, draft saves, publishing)."""
