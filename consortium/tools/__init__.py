"""Tools domain."""
