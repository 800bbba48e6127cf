"""Errors the service answers with, as one Python exception."""
from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence


class XasGraphError(Exception):
    """An error the service answered with (or an HTTP failure on the way).

    ``code`` is the GraphQL error's ``extensions.code`` (``BAD_USER_INPUT``, ``NOT_FOUND``, ``UNAUTHENTICATED``,
    ``FORBIDDEN``, ``RATE_LIMITED``, ``PAYLOAD_TOO_LARGE``, ``INTERNAL_SERVER_ERROR``, …), or ``HTTP_<status>`` when
    the answer was not GraphQL at all. ``message`` says what to fix; ``path`` is the GraphQL path of the field that
    failed; ``extensions`` holds the rest (e.g. ``retryAfterSeconds`` with RATE_LIMITED).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: Optional[Sequence[Any]] = None,
        extensions: Optional[Mapping[str, Any]] = None,
        status: Optional[int] = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.path = list(path) if path is not None else None
        self.extensions = dict(extensions or {})
        self.status = status

    @classmethod
    def from_graphql(cls, error: Mapping[str, Any], status: Optional[int] = None) -> "XasGraphError":
        """The exception of one entry of a GraphQL response's ``errors``."""
        extensions = error.get("extensions") or {}
        return cls(
            str(extensions.get("code") or "INTERNAL_SERVER_ERROR"),
            str(error.get("message") or "the service gave no message"),
            path=error.get("path"),
            extensions=extensions,
            status=status,
        )


class JobTimeout(XasGraphError):
    """Waiting for prediction jobs took longer than the timeout given; the jobs go on in the service."""

    def __init__(self, message: str, job_ids: Sequence[str]) -> None:
        super().__init__("TIMEOUT", message)
        self.job_ids = list(job_ids)
