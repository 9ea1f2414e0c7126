"""PDF documents: protocols, results, allocation reports, statements and the annual report."""
