"""How many pages a list fills: every paged list of the registry counts them the same way."""

from __future__ import annotations


def page_count(total: int, size: int | None) -> int:
    """The pages `total` rows fill at `size` a page: at least one (an empty list is one empty
    page), and one when the list is not paged (`size` None or 0)."""
    return max(1, -(-total // size)) if size else 1
