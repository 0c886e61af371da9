"""A small GitHub REST and GraphQL client with GitHub's own rules for retries and rate limits.

Why not PyGithub: its default retry re-sends POSTs on 5xx (a 502 on "create comment" became eleven
comments in our checks), it asserts on object types where we hold SHAs, and every caller would still
need the diff media type, GraphQL and Link paging by hand. This client is ~200 lines we control:

- idempotent requests (GET, PATCH, PUT, DELETE, GraphQL) are retried with backoff on 5xx and
  network errors; a content-creating POST is retried only after its `recheck` confirms that
  the first attempt did not create anything (so a 502 never produces a duplicate comment);
- primary and secondary rate limits: `retry-after`, else `x-ratelimit-remaining: 0` until
  `x-ratelimit-reset`, else a minute and then exponential backoff; a limit answer means the request
  was not processed, so every method is retried after waiting;
- requests are serial and mutations at least `write_interval` seconds apart (GitHub's advice);
- the token is sent only to the API's own origin (a `Link` header pointing elsewhere is refused)
  and never appears in errors, logs or reprs.
"""

from __future__ import annotations

import json as jsonlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

DEFAULT_API_URL = "https://api.github.com"
API_VERSION = "2022-11-28"
PER_PAGE = 100
_IDEMPOTENT = {"GET", "HEAD", "PUT", "PATCH", "DELETE"}
_TRANSIENT = {500, 502, 503, 504}
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


class GitHubError(Exception):
    """A request GitHub refused or that could not be completed. One line, no secrets."""

    def __init__(
        self, status: int, message: str, method: str = "", path: str = "", errors: list | None = None
    ) -> None:
        self.status, self.message, self.method, self.path = status, message, method, path
        self.errors = errors or []
        where = f"{method} {path}: " if method else ""
        code = f"HTTP {status}" if status else "network error"
        super().__init__(f"{where}{code}: {message}")

    @property
    def forbidden(self) -> bool:
        """The token may not do this (read-only token of a fork PR, missing `permissions:`)."""
        return self.status in (401, 403, 404) and "rate limit" not in self.message.lower()


class RateLimitExhausted(GitHubError):
    pass


class GraphQLError(GitHubError):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    data: Any
    next_url: str | None = None


@dataclass
class GitHubClient:
    token: str
    api_url: str = DEFAULT_API_URL
    graphql_url: str | None = None
    # None: the time module's functions, looked up at each call (tests replace them).
    sleep: Callable[[float], None] | None = None
    clock: Callable[[], float] | None = None
    wall_clock: Callable[[], float] | None = None
    max_retries: int = 4
    write_interval: float = 1.0
    max_rate_limit_wait: float = 900.0
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session)
    _last_write: float | None = field(default=None, repr=False)
    requests_sent: int = 0

    def __post_init__(self) -> None:
        self.api_url = self.api_url.rstrip("/")
        if not self.api_url.startswith(("https://", "http://")):
            raise GitHubError(0, f"GITHUB_API_URL {self.api_url!r} is not an http(s) URL")
        if self.graphql_url is None:
            self.graphql_url = graphql_url_for(self.api_url)

    def __repr__(self) -> str:  # the dataclass repr would print the token
        return f"GitHubClient(api_url={self.api_url!r})"

    # -- REST ------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        accept: str = "application/vnd.github+json",
        idempotent: bool | None = None,
        recheck: Callable[[], Any] | None = None,
    ) -> Response:
        """Send one request, waiting out rate limits and retrying what is safe to retry.

        `recheck` (for content-creating POSTs): called after a 5xx or network error; if it returns
        something other than None, the first attempt did create the content and that is returned.
        """
        method = method.upper()
        url = self._url(path)
        shown = urlsplit(url).path
        safe_to_repeat = idempotent if idempotent is not None else method in _IDEMPOTENT
        attempt = 0
        limit_waits = 0
        waited = 0.0
        while True:
            if method not in ("GET", "HEAD"):
                self._space_writes()
            try:
                self.requests_sent += 1
                raw = self.session.request(
                    method,
                    url,
                    params=params,
                    data=None if json is None else jsonlib.dumps(json),
                    headers=self._headers(accept, json is not None),
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.max_retries:
                    raise GitHubError(0, type(exc).__name__, method, shown) from None
                if not safe_to_repeat:
                    created = recheck() if recheck is not None else None
                    if created is not None:
                        return Response(200, {}, created)
                    if recheck is None:
                        raise GitHubError(0, type(exc).__name__, method, shown) from None
                self._sleep(backoff(attempt))
                attempt += 1
                continue
            if method not in ("GET", "HEAD"):
                self._last_write = self._clock()
            headers = {k.lower(): v for k, v in raw.headers.items()}
            if _rate_limited(raw.status_code, headers, raw.text):
                wait = rate_limit_wait(headers, limit_waits, (self.wall_clock or time.time)())
                if waited + wait > self.max_rate_limit_wait:
                    raise RateLimitExhausted(
                        raw.status_code,
                        f"rate limited; GitHub asks to wait {wait:.0f}s more (gave up after {waited:.0f}s)",
                        method,
                        shown,
                    )
                self._sleep(wait)
                waited += wait
                limit_waits += 1
                continue
            if raw.status_code in _TRANSIENT and attempt < self.max_retries:
                if not safe_to_repeat:
                    if recheck is None:
                        raise _error(raw, method, shown)
                    created = recheck()
                    if created is not None:
                        return Response(200, headers, created)
                self._sleep(backoff(attempt))
                attempt += 1
                continue
            if raw.status_code >= 400:
                raise _error(raw, method, shown)
            return Response(raw.status_code, headers, _body(raw), _next_link(headers.get("link", "")))

    def get(self, path: str, params: dict[str, Any] | None = None, accept: str | None = None) -> Any:
        kwargs = {"accept": accept} if accept else {}
        return self.request("GET", path, params=params, **kwargs).data

    def paginate(
        self, path: str, params: dict[str, Any] | None = None, limit: int | None = None
    ) -> Iterator[Any]:
        """Every item of a list endpoint, following `Link: rel="next"` (100 per page)."""
        query = {"per_page": PER_PAGE, **(params or {})}
        count = 0
        url: str | None = path
        while url is not None:
            response = self.request("GET", url, params=query)
            query = None  # the next link carries the query
            items = response.data if isinstance(response.data, list) else []
            for item in items:
                yield item
                count += 1
                if limit is not None and count >= limit:
                    return
            url = response.next_url

    # -- GraphQL ---------------------------------------------------------------------------
    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        assert self.graphql_url is not None
        response = self.request(
            "POST", self.graphql_url, json={"query": query, "variables": variables or {}}, idempotent=True
        )
        data = response.data if isinstance(response.data, dict) else {}
        if data.get("errors"):
            errors = data["errors"]
            first = errors[0] if isinstance(errors[0], dict) else {}
            raise GraphQLError(
                response.status, str(first.get("message", "GraphQL error"))[:300], "POST", "graphql", errors
            )
        return data.get("data") or {}

    # -- internals -------------------------------------------------------------------------
    def _url(self, path: str) -> str:
        if not path.startswith(("http://", "https://")):
            return self.api_url + "/" + path.lstrip("/")
        if _origin(path) not in (_origin(self.api_url), _origin(self.graphql_url or "")):
            raise GitHubError(0, f"refusing to send the token to {_origin(path)}", "GET", "")
        return path

    def _headers(self, accept: str, has_body: bool) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": accept,
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "tapfix",
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _sleep(self, seconds: float) -> None:
        (self.sleep or time.sleep)(seconds)

    def _clock(self) -> float:
        return (self.clock or time.monotonic)()

    def _space_writes(self) -> None:
        if self._last_write is None:
            return
        gap = self._clock() - self._last_write
        if gap < self.write_interval:
            self._sleep(self.write_interval - gap)


def graphql_url_for(api_url: str) -> str:
    """GitHub Enterprise Server serves REST at /api/v3 and GraphQL at /api/graphql."""
    if api_url.endswith("/api/v3"):
        return api_url[: -len("/v3")] + "/graphql"
    return api_url + "/graphql"


def backoff(attempt: int) -> float:
    return float(min(2**attempt, 30))


def rate_limit_wait(headers: dict[str, str], previous_waits: int, now: float) -> float:
    """Seconds to wait, as GitHub's docs say: retry-after, else until the reset when nothing is
    left, else one minute, doubling on each further limit answer."""
    retry_after = headers.get("retry-after", "")
    if retry_after.strip().isdigit():
        return float(int(retry_after))
    if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
        return max(float(headers["x-ratelimit-reset"]) - now, 0.0) + 1.0
    return 60.0 * 2**previous_waits


def _rate_limited(status: int, headers: dict[str, str], text: str) -> bool:
    if status == 429:
        return True
    if status != 403:
        return False
    return (
        "retry-after" in headers
        or headers.get("x-ratelimit-remaining") == "0"
        or "rate limit" in text[:2000].lower()
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname}:{port}"


def _next_link(link: str) -> str | None:
    match = _LINK_NEXT.search(link)
    return match.group(1) if match else None


def _body(raw: requests.Response) -> Any:
    if not raw.content:
        return None
    if "json" in raw.headers.get("content-type", ""):
        try:
            return raw.json()
        except ValueError:
            return raw.text
    return raw.text


def _error(raw: requests.Response, method: str, path: str) -> GitHubError:
    data = _body(raw)
    message = ""
    errors: list = []
    if isinstance(data, dict):
        message = str(data.get("message", ""))
        errors = data.get("errors") if isinstance(data.get("errors"), list) else []
        details = [e.get("message") or e.get("code") for e in errors if isinstance(e, dict)]
        details += [e for e in errors if isinstance(e, str)]
        if details:
            message += " (" + "; ".join(str(d) for d in details if d) + ")"
    elif isinstance(data, str):
        message = data.strip().splitlines()[0] if data.strip() else ""
    message = " ".join(message.split())[:500] or raw.reason or "error"
    return GitHubError(raw.status_code, message, method, path, errors)
