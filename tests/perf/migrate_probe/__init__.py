"""A throwaway tenant app for tests/perf/bench_migrate.py: one migration that creates
one table, so every tenant schema has a real migration to apply. Installed only by
tests/perf/migrate_probe/settings.py, never by the product's settings."""
