"""Where a form may send the browser afterwards (`next`): a path of this site only. One helper
for the login page and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit


def local_path(target: str | None) -> str | None:
    """`target` when it is a path of this site, else None. Refused: anything with a scheme or
    a host, a path that starts with two slashes (a host to the browser), backslashes (some
    browsers read them as slashes) and control characters or spaces (browsers strip tabs and
    newlines, so "/\\t/evil.example" becomes "//evil.example")."""
    if not target or not target.startswith("/"):
        return None
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target) or "\\" in target:
        return None
    if target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
