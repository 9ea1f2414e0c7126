"""Costs domain."""
