"""Helpers of the page frame that every domain's pages use: form errors, choices, table
downloads. Part of the base: imports no domain."""
