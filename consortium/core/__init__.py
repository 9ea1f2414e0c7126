"""The frame every page shares: home pages, language, errors and security headers."""
