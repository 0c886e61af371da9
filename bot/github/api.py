"""The pull-request operations tapfix uses, typed. One `PullRequestApi` per PR; the `/tapfix`
command can reuse it (and add its own operations next to these).

After a 5xx or a lost answer to a POST that creates a comment or a review, the PR is searched for
it before the POST is repeated. What is found counts only if the bot's own account wrote it and it
starts with the marker the POST carried: the test the re-run path applies (`fingerprints`), so a
PR author who pastes a marker cannot make tapfix believe its summary or reply was posted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from bot.github.client import GitHubClient, GitHubError
from bot.github.fingerprints import is_own
from bot.github.models import ChangedFile, IssueComment, PullRequest, Review, ReviewComment

MAX_LISTED_FILES = 3000  # GitHub's cap on pulls/list-files

_THREADS = """
query($owner: String!, $name: String!, $number: Int!, $cursor: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: 100, after: $cursor) {
        pageInfo { hasNextPage endCursor }
        nodes { id isResolved comments(first: 1) { nodes { fullDatabaseId } } }
      }
    }
  }
}
"""

_RESOLVE = """
mutation($threadId: ID!) {
  resolveReviewThread(input: {threadId: $threadId}) { thread { id isResolved } }
}
"""


@dataclass(frozen=True)
class Thread:
    id: str
    resolved: bool


@dataclass
class PullRequestApi:
    client: GitHubClient
    repository: str  # "owner/name"
    number: int
    bot_login: str  # the account the token writes as: only its comments are tapfix's own

    @property
    def _repo(self) -> str:
        return f"/repos/{self.repository}"

    @property
    def _pull(self) -> str:
        return f"{self._repo}/pulls/{self.number}"

    # -- reading ---------------------------------------------------------------------------
    def get(self) -> PullRequest:
        return PullRequest.model_validate(self.client.get(self._pull))

    def files(self, limit: int = MAX_LISTED_FILES) -> list[ChangedFile]:
        return [
            ChangedFile.model_validate(f) for f in self.client.paginate(f"{self._pull}/files", limit=limit)
        ]

    def review_comments(self) -> list[ReviewComment]:
        return [ReviewComment.model_validate(c) for c in self.client.paginate(f"{self._pull}/comments")]

    def issue_comments(self) -> list[IssueComment]:
        path = f"{self._repo}/issues/{self.number}/comments"
        return [IssueComment.model_validate(c) for c in self.client.paginate(path)]

    def reviews(self) -> list[Review]:
        return [Review.model_validate(r) for r in self.client.paginate(f"{self._pull}/reviews")]

    def file_content(self, path: str, ref: str) -> bytes | None:
        """The file at `ref`, or None when it does not exist there. Raw media type: works past 1 MB."""
        try:
            response = self.client.request(
                "GET",
                f"{self._repo}/contents/{quote(path, safe='/')}",
                params={"ref": ref},
                accept="application/vnd.github.raw+json",
            )
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        data = response.data
        if isinstance(data, str):
            return data.encode("utf-8")
        if isinstance(data, list | dict):  # a directory listing, or a symlink/submodule object
            return None
        return b"" if data is None else bytes(data)

    def directory(self, path: str, ref: str) -> dict[str, int | None] | None:
        """The regular files in the directory at `ref`, name -> size in bytes as GitHub lists it
        (None if it did not say), or None when there is no such directory. The size lets a
        caller skip a file over its limit without downloading it."""
        location = (
            f"{self._repo}/contents/{quote(path, safe='/')}"
            if path not in ("", ".")
            else f"{self._repo}/contents"
        )
        try:
            data = self.client.get(location, params={"ref": ref})
        except GitHubError as exc:
            if exc.status == 404:
                return None
            raise
        if not isinstance(data, list):
            return None
        return {
            str(e.get("name")): _size(e.get("size"))
            for e in data
            if isinstance(e, dict) and e.get("type") == "file"
        }

    # -- writing ---------------------------------------------------------------------------
    def create_review(self, commit_id: str, body: str, comments: list[dict[str, Any]], marker: str) -> Review:
        """A COMMENT review with inline comments. `marker` is unique to this review, so after a
        5xx the reviews are searched for it before the POST is repeated (never a duplicate)."""
        payload = {"commit_id": commit_id, "body": body, "event": "COMMENT", "comments": comments}
        response = self.client.request(
            "POST", f"{self._pull}/reviews", json=payload, recheck=self._find_review(marker)
        )
        return Review.model_validate(response.data)

    def update_review_comment(self, comment_id: int, body: str) -> None:
        self.client.request("PATCH", f"{self._repo}/pulls/comments/{comment_id}", json={"body": body})

    def create_issue_comment(self, body: str, marker: str) -> IssueComment:
        response = self.client.request(
            "POST",
            f"{self._repo}/issues/{self.number}/comments",
            json={"body": body},
            recheck=self._find_issue_comment(marker),
        )
        return IssueComment.model_validate(response.data)

    def update_issue_comment(self, comment_id: int, body: str) -> None:
        self.client.request("PATCH", f"{self._repo}/issues/comments/{comment_id}", json={"body": body})

    def delete_issue_comment(self, comment_id: int) -> None:
        self.client.request("DELETE", f"{self._repo}/issues/comments/{comment_id}")

    # -- review threads (GraphQL only) -----------------------------------------------------
    def review_threads(self) -> dict[int, Thread]:
        """The thread of each review comment that starts one, by the comment's REST id."""
        owner, name = self.repository.split("/", 1)
        threads: dict[int, Thread] = {}
        cursor = None
        for _ in range(50):
            data = self.client.graphql(
                _THREADS, {"owner": owner, "name": name, "number": self.number, "cursor": cursor}
            )
            connection = (
                ((data.get("repository") or {}).get("pullRequest") or {}).get("reviewThreads")
            ) or {}
            for node in connection.get("nodes") or []:
                first = ((node.get("comments") or {}).get("nodes") or [None])[0] or {}
                if first.get("fullDatabaseId") is not None:
                    threads[int(first["fullDatabaseId"])] = Thread(node["id"], bool(node.get("isResolved")))
            page = connection.get("pageInfo") or {}
            if not page.get("hasNextPage"):
                break
            cursor = page.get("endCursor")
        return threads

    def resolve_thread(self, thread_id: str) -> None:
        self.client.graphql(_RESOLVE, {"threadId": thread_id})

    # -- rechecks after an ambiguous failure -----------------------------------------------
    def _find_review(self, marker: str) -> Callable[[], Any]:
        def find() -> Any:
            for review in self.client.paginate(f"{self._pull}/reviews"):
                if self._ours(review, marker):
                    return review
            return None

        return find

    def _find_issue_comment(self, marker: str) -> Callable[[], Any]:
        def find() -> Any:
            for comment in self.client.paginate(f"{self._repo}/issues/{self.number}/comments"):
                if self._ours(comment, marker):
                    return comment
            return None

        return find

    def _ours(self, item: Any, marker: str) -> bool:
        """Written by the bot's account, with `marker` where the bot puts it: at the very start."""
        if not isinstance(item, dict):
            return False
        user = item.get("user")
        login = user.get("login") if isinstance(user, dict) else None
        body = item.get("body")
        return is_own(login if isinstance(login, str) else None, self.bot_login) and (
            isinstance(body, str) and body.startswith(marker)
        )


def _size(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None
