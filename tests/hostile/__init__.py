"""Hostile inputs: each is refused with exit 2, the file and field named, no traceback, in bounded time."""
