"""The warehouse's errors: a release that cannot be published, read or rolled back (the message says why)."""

from __future__ import annotations


class ReleaseError(Exception):
    """A release cannot be published, read or rolled back; the message says why."""


class NoReleaseError(ReleaseError):
    """No published release can be read."""
