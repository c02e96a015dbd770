"""Use cases with their transaction boundaries; the only callers of storage."""
