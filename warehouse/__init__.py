"""The DuckDB warehouse: versioned releases, their building and the read-only connection per worker."""
