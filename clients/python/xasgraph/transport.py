"""GraphQL over HTTP, the way Apollo Server's CSRF prevention accepts it.

Every request is a POST with ``Content-Type: application/json``: Apollo refuses (HTTP 400, "This operation has been
blocked as a potential Cross-Site Request Forgery") a GET or a form POST that carries neither a JSON content type nor
an ``apollo-require-preflight`` header, because a page of another site could send those without asking. We send
``apollo-require-preflight: true`` as well, so that a GET-style request or an upload would pass too.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

import requests

from .errors import XasGraphError

#: Seconds to wait for an answer (identification of long series and large fits take a while).
DEFAULT_TIMEOUT_S = 300.0


class GraphQLTransport:
    """Posts GraphQL documents to ``<url>/graphql`` with an optional API key; raises XasGraphError on any error."""

    def __init__(self, url: str, api_key: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT_S,
                 session: Optional[requests.Session] = None) -> None:
        base = url.rstrip("/")
        self.base_url = base[: -len("/graphql")] if base.endswith("/graphql") else base
        self.graphql_url = f"{self.base_url}/graphql"
        self.timeout = timeout
        self.session = session or requests.Session()
        self.session.headers.update({"Content-Type": "application/json", "Accept": "application/json",
                                     "apollo-require-preflight": "true"})
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"

    def execute(self, query: str, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """The ``data`` of the answer; XasGraphError with the first error's ``extensions.code`` and message otherwise."""
        try:
            response = self.session.post(self.graphql_url, json={"query": query, "variables": dict(variables or {})},
                                         timeout=self.timeout)
        except requests.RequestException as err:
            raise XasGraphError("UNREACHABLE", f"cannot reach {self.graphql_url}: {err}") from err
        body = _json_or_none(response)
        if isinstance(body, dict) and body.get("errors"):
            raise XasGraphError.from_graphql(body["errors"][0], status=response.status_code)
        if response.status_code != 200 or not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            text = response.text.strip().replace("\n", " ")[:300]
            raise XasGraphError(f"HTTP_{response.status_code}", f"{self.graphql_url} answered: {text}",
                                status=response.status_code)
        return body["data"]


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
