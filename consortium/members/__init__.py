"""Members domain."""
