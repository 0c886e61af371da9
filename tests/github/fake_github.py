"""A fake GitHub for one pull request: answers the REST operations and GraphQL queries tapfix uses,
keeps state (reviews, comments, threads) across runs, checks every request against GitHub's
contract (tests/github/contract.py) and against the rules GitHub enforces beyond the schema (a
review comment's line must be in a hunk), and can be told to fail (5xx, rate limits, 422).

The same object serves `responses` (in-process tests: `fake.install(rsps)`) and a real HTTP server
on 127.0.0.1 (the end-to-end test: `with fake.serve() as url:`). The `/tapfix` command's tests can
reuse it: add handlers to `_HANDLERS` for the operations that command needs.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import posixpath
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from tests.github import contract

BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
TOKEN = "ghs_test0123456789abcdefTOKEN"
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def diff_entry(
    filename: str, patch: str | None, status: str = "modified", previous: str | None = None
) -> dict:
    """A `pulls/list-files` entry (spec schema diff-entry)."""
    adds = sum(1 for line in (patch or "").splitlines() if line.startswith("+"))
    dels = sum(1 for line in (patch or "").splitlines() if line.startswith("-"))
    entry: dict[str, Any] = {
        "sha": "0" * 40,
        "filename": filename,
        "status": status,
        "additions": adds,
        "deletions": dels,
        "changes": adds + dels,
        "blob_url": f"https://github.com/o/r/blob/x/{filename}",
        "raw_url": f"https://github.com/o/r/raw/x/{filename}",
        "contents_url": f"https://api.github.com/repos/o/r/contents/{filename}",
    }
    if patch is not None:
        entry["patch"] = patch
    if previous is not None:
        entry["previous_filename"] = previous
    return entry


def hunks_of(patch: str | None) -> list[set[int]]:
    """New-version lines of each hunk: an independent reading of the patch, not the bot's."""
    hunks: list[set[int]] = []
    line = 0
    for row in (patch or "").split("\n"):
        header = _HUNK.match(row)
        if header:
            hunks.append(set())
            line = int(header.group(1))
            continue
        if not hunks or not row or row.startswith("\\"):
            continue
        if row[0] in " +":
            hunks[-1].add(line)
            line += 1
    return hunks


def git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class GitStore:
    """Git objects as GitHub keeps them: blobs and trees hashed the way Git hashes them, commits
    (hashed from their fields and a counter, as GitHub's carry a timestamp) and branch refs."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, list[dict]] = field(default_factory=dict)  # sha -> [{path, mode, type, sha}]
    commits: dict[str, dict] = field(default_factory=dict)  # sha -> {tree, parents, message}
    refs: dict[str, str] = field(default_factory=dict)  # "heads/<branch>" -> commit sha
    _counter: int = 0

    def add_blob(self, data: bytes) -> str:
        sha = git_blob_sha(data)
        self.blobs[sha] = data
        return sha

    def write_tree(self, files: dict[str, tuple[str, bytes]]) -> str:
        """A tree (and its subtrees) holding `files`: path -> (mode, content)."""
        return self.write_flat({p: (mode, "blob", self.add_blob(data)) for p, (mode, data) in files.items()})

    def write_flat(self, flat: dict[str, tuple[str, str, str]]) -> str:
        """path -> (mode, type, sha) of every non-tree entry, nested into trees."""
        here: dict[str, tuple[str, str, str]] = {}
        below: dict[str, dict[str, tuple[str, str, str]]] = {}
        for path, entry in flat.items():
            head, _, rest = path.partition("/")
            if rest:
                below.setdefault(head, {})[rest] = entry
            else:
                here[head] = entry
        for name, inner in below.items():
            here[name] = ("040000", "tree", self.write_flat(inner))
        # Git orders entries by name, a tree's name as if it ended in "/".
        ordered = sorted(here.items(), key=lambda kv: kv[0] + ("/" if kv[1][1] == "tree" else ""))
        raw = b"".join(
            f"{mode.lstrip('0')} {name}".encode() + b"\0" + bytes.fromhex(sha)
            for name, (mode, _, sha) in ordered
        )
        sha = hashlib.sha1(b"tree %d\0" % len(raw) + raw).hexdigest()
        self.trees[sha] = [{"path": n, "mode": m, "type": t, "sha": x} for n, (m, t, x) in ordered]
        return sha

    def flatten(self, tree_sha: str, prefix: str = "") -> dict[str, tuple[str, str, str]]:
        flat: dict[str, tuple[str, str, str]] = {}
        for entry in self.trees[tree_sha]:
            path = prefix + entry["path"]
            if entry["type"] == "tree":
                flat.update(self.flatten(entry["sha"], path + "/"))
            else:
                flat[path] = (entry["mode"], entry["type"], entry["sha"])
        return flat

    def files_at(self, commit_sha: str) -> dict[str, tuple[str, bytes]]:
        """path -> (mode, content) of every file in the commit's tree."""
        flat = self.flatten(self.commits[commit_sha]["tree"])
        return {p: (mode, self.blobs[sha]) for p, (mode, _, sha) in flat.items()}

    def add_commit(self, tree: str, parents: list[str], message: str) -> str:
        self._counter += 1
        seed = json.dumps([tree, parents, message, self._counter]).encode()
        sha = hashlib.sha1(seed).hexdigest()
        self.commits[sha] = {"tree": tree, "parents": list(parents), "message": message}
        return sha

    def is_ancestor(self, old: str, new: str) -> bool:
        pending, seen = [new], set()
        while pending:
            sha = pending.pop()
            if sha == old:
                return True
            if sha in seen or sha not in self.commits:
                continue
            seen.add(sha)
            pending.extend(self.commits[sha]["parents"])
        return False


@dataclass
class Fault:
    operation: str
    status: int
    times: int = 1
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"message": "Server Error"})
    apply_first: bool = False  # perform the operation, then answer with the error anyway
    when: Callable[[Any], bool] | None = None  # only for request bodies this accepts


@dataclass
class Call:
    operation: str
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int = 0


@dataclass
class FakeGitHub:
    repository: str = "Codertocat/Hello-World"
    number: int = 2
    head_sha: str = "a" * 40
    base_sha: str = "b" * 40
    head_repo: str | None = None  # defaults to `repository` (not a fork)
    head_repo_deleted: bool = False  # the fork was deleted: GitHub sends `head.repo: null`
    files: list[dict] = field(default_factory=list)
    changed_files: int | None = None
    contents: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (ref, path) -> bytes
    read_only: bool = False
    graphql_forbidden: bool = False
    token: str = TOKEN
    base_url: str = "https://api.github.com"
    faults: list[Fault] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    review_comments: list[dict] = field(default_factory=list)
    issue_comments: list[dict] = field(default_factory=list)
    threads: dict[int, dict] = field(default_factory=dict)  # first comment id -> thread
    # The /tapfix command: who may write, reactions, the head branch and a Git object store.
    head_ref: str = "changes"
    maintainer_can_modify: bool = False
    fork_writable: bool = False  # the token may write to the head repository of a fork PR
    permissions: dict[str, str] = field(default_factory=dict)  # login -> admin|maintain|write|triage|read
    reactions: list[dict] = field(default_factory=list)
    git: GitStore = field(default_factory=lambda: GitStore())
    hooks: dict[str, Callable[[], None]] = field(default_factory=dict)  # run once before that operation
    _next_id: int = 1000
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- test controls -------------------------------------------------------------------------
    def fail(self, operation: str, status: int, **kwargs: Any) -> Fault:
        fault = Fault(operation, status, **kwargs)
        self.faults.append(fault)
        return fault

    def push(self, head_sha: str, files: list[dict], lines: dict[int, int | None] | None = None) -> None:
        """A new commit on the PR: new files; review comments move to `lines` (None = outdated)."""
        self.head_sha, self.files = head_sha, files
        for comment in self.review_comments:
            if lines and comment["id"] in lines:
                comment["line"] = lines[comment["id"]]

    def seed_repository(self, files: dict[str, bytes], modes: dict[str, str] | None = None) -> None:
        """The PR head commit (`head_sha`, on branch `head_ref`) holds exactly `files`: as Git
        objects for the Git Data API and as contents for the contents API."""
        tree = self.git.write_tree({p: ((modes or {}).get(p, "100644"), data) for p, data in files.items()})
        self.git.commits[self.head_sha] = {"tree": tree, "parents": [], "message": "head"}
        self.git.refs[f"heads/{self.head_ref}"] = self.head_sha
        for path, data in files.items():
            self.contents[(self.head_sha, path)] = data

    def push_commit(self, changes: dict[str, bytes]) -> str:
        """Someone else pushes to the head branch (a new commit on top of it)."""
        parent = self.git.refs[f"heads/{self.head_ref}"]
        files = self.git.files_at(parent)
        files.update({p: ("100644", data) for p, data in changes.items()})
        sha = self.git.add_commit(self.git.write_tree(files), [parent], "pushed meanwhile")
        self.git.refs[f"heads/{self.head_ref}"] = self.head_sha = sha
        return sha

    def operations(self) -> list[str]:
        return [c.operation for c in self.calls]

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method != "GET" and c.operation != "graphql-query"]

    # -- transport -----------------------------------------------------------------------------
    def install(self, rsps: Any) -> None:
        pattern = re.compile(re.escape(self.base_url) + r"/.*")
        for method in ("GET", "POST", "PATCH", "PUT", "DELETE"):
            rsps.add_callback(method, pattern, callback=self._responses_callback)

    def _responses_callback(self, request: Any) -> tuple[int, dict[str, str], bytes]:
        body = request.body.encode() if isinstance(request.body, str) else request.body
        return self.handle(request.method, request.url, dict(request.headers), body)

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, headers, payload = fake.handle(
                    self.command, fake.base_url + self.path, dict(self.headers.items()), body
                )
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self.base_url
        finally:
            server.shutdown()
            server.server_close()

    # -- dispatch ------------------------------------------------------------------------------
    def handle(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, dict, bytes]:
        with self._lock:
            return self._handle(method.upper(), url, {k.lower(): v for k, v in headers.items()}, body)

    def _handle(
        self, method: str, url: str, headers: dict[str, str], raw: bytes | None
    ) -> tuple[int, dict, bytes]:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        path = parts.path
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            self.violations.append(f"{method} {path}: body is not JSON")
            return self._json(400, {"message": "Problems parsing JSON"})
        if headers.get("authorization") != f"Bearer {self.token}":
            self.violations.append(f"{method} {path}: missing or wrong Authorization header")
            return self._json(401, {"message": "Bad credentials"})
        if path == "/graphql":
            return self._graphql(data)
        found = contract.match(method, path)
        if found is None:
            self.violations.append(f"{method} {path}: not an operation of GitHub's REST API (extract)")
            return self._json(404, {"message": "Not Found"})
        op, params = found
        call = Call(op.operation_id, method, path, query, data)
        self.calls.append(call)
        problems = contract.body_problems(op.operation_id, data)
        per_page = query.get("per_page", ["30"])[0]
        if not per_page.isdigit() or int(per_page) > 100:
            problems.append(f"{op.operation_id}: per_page={per_page} (max 100)")
        if problems:
            self.violations.extend(problems)
            call.status = 422
            return self._json(422, {"message": "Invalid request.", "errors": problems})
        writable_fork = self.fork_writable and self.head_repo and f"/repos/{self.head_repo}/" in path + "/"
        if f"/repos/{self.repository}/" not in path + "/" and not writable_fork:
            call.status = 404
            return self._json(404, {"message": "Not Found"})
        fault = self._fault(op.operation_id, data)
        if fault is not None and not fault.apply_first:
            call.status = fault.status
            return self._json(fault.status, fault.body, fault.headers)
        if self.read_only and method != "GET":
            call.status = 403
            return self._json(403, {"message": "Resource not accessible by integration"})
        hook = self.hooks.pop(op.operation_id, None)
        if hook is not None:
            hook()
        handler = _HANDLERS.get(op.operation_id)
        if handler is None:
            self.violations.append(f"{op.operation_id}: the fake has no handler for it yet")
            return self._json(501, {"message": "Not Implemented"})
        status, payload, extra = handler(self, params, query, data)
        if op.operation_id in RESPONSES_CHECKED or (
            op.operation_id in LISTINGS_CHECKED and isinstance(payload, list)
        ):
            self.violations.extend(contract.response_problems(op.operation_id, status, payload))
        if fault is not None:
            call.status = fault.status
            return self._json(fault.status, fault.body, fault.headers)
        call.status = status
        if isinstance(payload, bytes):
            return (
                status,
                {"Content-Type": "application/vnd.github.raw+json; charset=utf-8", **extra},
                payload,
            )
        return self._json(status, payload, extra)

    def _fault(self, operation: str, body: Any) -> Fault | None:
        for fault in self.faults:
            if fault.operation == operation and fault.times > 0 and (fault.when is None or fault.when(body)):
                fault.times -= 1
                return fault
        return None

    @staticmethod
    def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        body = b"" if payload is None else json.dumps(payload).encode()
        return status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, body

    def _page(self, items: list, query: dict[str, list[str]], path: str) -> tuple[int, Any, dict]:
        per_page = int(query.get("per_page", ["30"])[0])
        page = int(query.get("page", ["1"])[0])
        chunk = items[(page - 1) * per_page : page * per_page]
        extra = {}
        if page * per_page < len(items):
            link = f"{self.base_url}{path}?{urlencode({'per_page': per_page, 'page': page + 1})}"
            extra["Link"] = f'<{link}>; rel="next"'
        return 200, chunk, extra

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- objects -------------------------------------------------------------------------------
    def pull(self) -> dict:
        head_repo = self.head_repo or self.repository
        return {
            "url": f"https://api.github.com/repos/{self.repository}/pulls/{self.number}",
            "number": self.number,
            "state": "open",
            "html_url": f"https://github.com/{self.repository}/pull/{self.number}",
            "head": {
                "sha": self.head_sha,
                "ref": self.head_ref,
                "repo": None if self.head_repo_deleted else {"full_name": head_repo},
            },
            "base": {"sha": self.base_sha, "ref": "main", "repo": {"full_name": self.repository}},
            "changed_files": self.changed_files if self.changed_files is not None else len(self.files),
            "maintainer_can_modify": self.maintainer_can_modify,
        }

    def _comment_url(self, kind: str, comment_id: int) -> str:
        anchor = "discussion_r" if kind == "review" else "issuecomment-"
        return f"https://github.com/{self.repository}/pull/{self.number}#{anchor}{comment_id}"

    def _diff_problem(self, comment: dict) -> str | None:
        entry = next((f for f in self.files if f["filename"] == comment["path"]), None)
        hunks = hunks_of(entry.get("patch")) if entry else []
        line = comment.get("line")
        hunk = next((h for h in hunks if line in h), None)
        if hunk is None:
            return "Pull request review thread line must be part of the diff"
        start = comment.get("start_line")
        if start is not None and start >= line:
            return "Pull request review thread start line must precede the end line."
        if start is not None and start not in hunk:
            return "pull_request_review_thread.start_line must be part of the same hunk as the line."
        return None

    # -- GraphQL ---------------------------------------------------------------------------------
    def _graphql(self, data: Any) -> tuple[int, dict, bytes]:
        query = (data or {}).get("query", "")
        variables = (data or {}).get("variables") or {}
        mutation = query.lstrip().startswith("mutation")
        call = Call("graphql-mutation" if mutation else "graphql-query", "POST", "/graphql", {}, data)
        self.calls.append(call)
        problems = contract.graphql_problems(query)
        if problems:
            self.violations.extend(problems)
            return self._json(200, {"errors": [{"message": p} for p in problems]})
        if self.graphql_forbidden or (mutation and self.read_only):
            return self._json(
                200,
                {
                    "data": None,
                    "errors": [{"type": "FORBIDDEN", "message": "Resource not accessible by integration"}],
                },
            )
        if mutation:
            thread = next(t for t in self.threads.values() if t["id"] == variables["threadId"])
            thread["isResolved"] = True
            return self._json(
                200, {"data": {"resolveReviewThread": {"thread": {"id": thread["id"], "isResolved": True}}}}
            )
        nodes = [
            {
                "id": t["id"],
                "isResolved": t["isResolved"],
                "comments": {"nodes": [{"fullDatabaseId": str(cid)}]},
            }
            for cid, t in sorted(self.threads.items())
        ]
        connection = {"pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": nodes}
        return self._json(200, {"data": {"repository": {"pullRequest": {"reviewThreads": connection}}}})


# --- REST handlers: (fake, path params, query, body) -> (status, payload, extra headers) -------------


def _get_pull(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    return 200, fake.pull(), {}


def _list_files(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    return fake._page(fake.files[:3000], query, f"/repos/{fake.repository}/pulls/{fake.number}/files")


def _list_review_comments(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    return fake._page(fake.review_comments, query, f"/repos/{fake.repository}/pulls/{fake.number}/comments")


def _list_issue_comments(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    return fake._page(fake.issue_comments, query, f"/repos/{fake.repository}/issues/{fake.number}/comments")


def _list_reviews(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    return fake._page(fake.reviews, query, f"/repos/{fake.repository}/pulls/{fake.number}/reviews")


def _create_review(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    comments = body.get("comments") or []
    for comment in comments:
        problem = fake._diff_problem(comment)
        if problem is not None:
            return 422, {"message": "Unprocessable Entity", "errors": [problem]}, {}
    if body.get("event") in ("COMMENT", "REQUEST_CHANGES") and not body.get("body"):
        return 422, {"message": "Unprocessable Entity", "errors": ["Body can't be blank"]}, {}
    review_id = fake._id()
    review = {
        "id": review_id,
        "node_id": f"PRR_{review_id}",
        "user": BOT,
        "body": body.get("body", ""),
        "state": "COMMENTED",
        "commit_id": body.get("commit_id", fake.head_sha),
        "html_url": f"https://github.com/{fake.repository}/pull/{fake.number}#pullrequestreview-{review_id}",
    }
    fake.reviews.append(review)
    for comment in comments:
        comment_id = fake._id()
        fake.review_comments.append(
            {
                "id": comment_id,
                "node_id": f"PRRC_{comment_id}",
                "pull_request_review_id": review_id,
                "path": comment["path"],
                "line": comment["line"],
                "original_line": comment["line"],
                "start_line": comment.get("start_line"),
                "side": comment.get("side", "RIGHT"),
                "body": comment["body"],
                "user": BOT,
                "commit_id": review["commit_id"],
                "html_url": fake._comment_url("review", comment_id),
            }
        )
        fake.threads[comment_id] = {"id": f"PRRT_{comment_id}", "isResolved": False}
    return 200, review, {}


def _update_review_comment(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    comment = next((c for c in fake.review_comments if c["id"] == int(params["comment_id"])), None)
    if comment is None:
        return 404, {"message": "Not Found"}, {}
    comment["body"] = body["body"]
    return 200, comment, {}


def _create_issue_comment(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    comment_id = fake._id()
    comment = {
        "id": comment_id,
        "node_id": f"IC_{comment_id}",
        "body": body["body"],
        "user": BOT,
        "html_url": fake._comment_url("issue", comment_id),
    }
    fake.issue_comments.append(comment)
    return 201, comment, {}


def _update_issue_comment(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    comment = next((c for c in fake.issue_comments if c["id"] == int(params["comment_id"])), None)
    if comment is None:
        return 404, {"message": "Not Found"}, {}
    comment["body"] = body["body"]
    return 200, comment, {}


def _delete_issue_comment(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    fake.issue_comments = [c for c in fake.issue_comments if c["id"] != int(params["comment_id"])]
    return 204, None, {}


def _get_content(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    ref = query.get("ref", [fake.head_sha])[0]
    path = unquote(params["path"])  # GitHub decodes the path: a file name may hold spaces, "#", "@"
    files = {p: data for (r, p), data in fake.contents.items() if r == ref}
    if ref in fake.git.commits:  # commits made through the Git Data API are readable too
        files = {**{p: data for p, (_, data) in fake.git.files_at(ref).items()}, **files}
    data = files.get(path)
    if data is not None:
        return 200, data, {}
    prefix = path.rstrip("/") + "/"
    names = sorted({p[len(prefix) :] for p in files if p.startswith(prefix)})
    entries = [_content_entry(fake, ref, prefix + n, files[prefix + n]) for n in names if "/" not in n]
    if entries:
        return 200, entries, {}
    return 404, {"message": "Not Found"}, {}


def _content_entry(fake: FakeGitHub, ref: str, path: str, data: bytes) -> dict:
    """One file of a directory listing, with every field GitHub's description requires (`size`
    is the file's length in bytes: the bot skips a file over its limit without downloading it)."""
    sha = git_blob_sha(data)
    api = f"https://api.github.com/repos/{fake.repository}"
    url = f"{api}/contents/{quote(path)}?ref={ref}"
    html = f"https://github.com/{fake.repository}/blob/{ref}/{quote(path)}"
    git_url = f"{api}/git/blobs/{sha}"
    return {
        "type": "file",
        "size": len(data),
        "name": posixpath.basename(path),
        "path": path,
        "sha": sha,
        "url": url,
        "git_url": git_url,
        "html_url": html,
        "download_url": f"https://raw.githubusercontent.com/{fake.repository}/{ref}/{quote(path)}",
        "_links": {"self": url, "git": git_url, "html": html},
    }


# --- the /tapfix command: permission, reactions, the Git Data API ---------------------------------

_DOCS = "https://docs.github.com/rest"


def _failure(status: int, message: str) -> tuple[int, Any, dict]:
    return status, {"message": message, "documentation_url": _DOCS}, {}


def _user(login: str) -> dict:
    return {
        "login": login,
        "id": abs(hash(login)) % 10**8,
        "node_id": f"U_{login}",
        "avatar_url": f"https://avatars.githubusercontent.com/{login}",
        "gravatar_id": "",
        "url": f"https://api.github.com/users/{login}",
        "html_url": f"https://github.com/{login}",
        "followers_url": "",
        "following_url": "",
        "gists_url": "",
        "starred_url": "",
        "subscriptions_url": "",
        "organizations_url": "",
        "repos_url": "",
        "events_url": "",
        "received_events_url": "",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "site_admin": False,
    }


def _permission(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    login = unquote(params["username"])
    role = fake.permissions.get(login, "read")  # what a public repository answers for anyone
    if role == "missing":
        return _failure(404, "Not Found")
    # The REST `permission` field folds maintain into write and triage into read.
    legacy = {"maintain": "write", "triage": "read"}.get(role, role)
    collaborator = {
        **_user(login),
        "permissions": {"admin": role == "admin", "push": legacy in ("admin", "write"), "pull": True},
        "role_name": role,
    }
    return 200, {"permission": legacy, "role_name": role, "user": collaborator}, {}


def _create_reaction(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    comment_id = int(params["comment_id"])
    for reaction in fake.reactions:
        if reaction["comment_id"] == comment_id and reaction["content"] == body["content"]:
            return 200, reaction["payload"], {}
    payload = {
        "id": fake._id(),
        "node_id": "REA_x",
        "user": _user(BOT["login"]),
        "content": body["content"],
        "created_at": "2024-01-01T00:00:00Z",
    }
    fake.reactions.append({"comment_id": comment_id, "content": body["content"], "payload": payload})
    return 201, payload, {}


def _git_url(fake: FakeGitHub, kind: str, sha: str) -> str:
    return f"https://api.github.com/repos/{fake.repository}/git/{kind}/{sha}"


def _ref_payload(fake: FakeGitHub, ref: str) -> dict:
    sha = fake.git.refs[ref]
    return {
        "ref": f"refs/{ref}",
        "node_id": f"REF_{ref}",
        "url": f"https://api.github.com/repos/{fake.repository}/git/refs/{ref}",
        "object": {"type": "commit", "sha": sha, "url": _git_url(fake, "commits", sha)},
    }


def _commit_payload(fake: FakeGitHub, sha: str) -> dict:
    commit = fake.git.commits[sha]
    person = {
        "name": "github-actions[bot]",
        "email": "41898282+github-actions[bot]@users.noreply.github.com",
        "date": "2024-01-01T00:00:00Z",
    }
    return {
        "sha": sha,
        "node_id": f"C_{sha}",
        "url": _git_url(fake, "commits", sha),
        "html_url": f"https://github.com/{fake.repository}/commit/{sha}",
        "author": person,
        "committer": person,
        "message": commit["message"],
        "tree": {"sha": commit["tree"], "url": _git_url(fake, "trees", commit["tree"])},
        "parents": [
            {
                "sha": p,
                "url": _git_url(fake, "commits", p),
                "html_url": f"https://github.com/{fake.repository}/commit/{p}",
            }
            for p in commit["parents"]
        ],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def _tree_payload(fake: FakeGitHub, sha: str, recursive: bool = False) -> dict:
    if recursive:
        entries = []
        for path, (mode, kind, object_sha) in sorted(fake.git.flatten(sha).items()):
            entries.append({"path": path, "mode": mode, "type": kind, "sha": object_sha})
    else:
        entries = [dict(e) for e in fake.git.trees[sha]]
    for entry in entries:
        entry["url"] = _git_url(fake, "trees" if entry["type"] == "tree" else "blobs", entry["sha"])
        if entry["type"] == "blob":
            entry["size"] = len(fake.git.blobs[entry["sha"]])
    return {"sha": sha, "url": _git_url(fake, "trees", sha), "tree": entries, "truncated": False}


def _get_ref(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    ref = unquote(params["ref"])
    if ref not in fake.git.refs:
        return _failure(404, "Not Found")
    return 200, _ref_payload(fake, ref), {}


def _get_commit(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    sha = params["commit_sha"]
    if sha not in fake.git.commits:
        return _failure(404, "Not Found")
    return 200, _commit_payload(fake, sha), {}


def _get_tree(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    sha = params["tree_sha"]
    if sha not in fake.git.trees:
        return _failure(404, "Not Found")
    return 200, _tree_payload(fake, sha, recursive="recursive" in query), {}


def _create_blob(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    encoding = body.get("encoding", "utf-8")
    if encoding == "base64":
        try:
            data = base64.b64decode(body["content"], validate=True)
        except (binascii.Error, ValueError):
            return _failure(422, "content is not valid Base64")
    elif encoding == "utf-8":
        data = body["content"].encode("utf-8")
    else:
        return _failure(422, f"encoding {encoding!r} is not supported")
    sha = fake.git.add_blob(data)
    return 201, {"url": _git_url(fake, "blobs", sha), "sha": sha}, {}


def _create_tree(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    base = body.get("base_tree")
    if base is not None and base not in fake.git.trees:
        return _failure(422, "base_tree is not a valid tree")
    flat = fake.git.flatten(base) if base else {}
    for entry in body["tree"]:
        path = entry.get("path")
        if not path or entry.get("type") != "blob" or "mode" not in entry:
            return _failure(422, "tree entries need path, mode and type blob (the fake writes blobs only)")
        if ("sha" in entry) == ("content" in entry):
            return _failure(422, "Must supply either tree.sha or tree.content")
        if "content" in entry:
            flat[path] = (entry["mode"], "blob", fake.git.add_blob(entry["content"].encode("utf-8")))
        elif entry["sha"] is None:
            if path not in flat:
                return _failure(422, f"tree.path {path} does not exist in the base tree")
            del flat[path]
        elif entry["sha"] not in fake.git.blobs:
            return _failure(422, "tree.sha is not a valid blob")
        else:
            flat[path] = (entry["mode"], "blob", entry["sha"])
    return 201, _tree_payload(fake, fake.git.write_flat(flat)), {}


def _create_commit(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    if body["tree"] not in fake.git.trees:
        return _failure(422, "Tree SHA does not exist")
    if any(p not in fake.git.commits for p in body.get("parents", [])):
        return _failure(422, "Parent SHA does not exist or is not a commit object")
    sha = fake.git.add_commit(body["tree"], body.get("parents", []), body["message"])
    return 201, _commit_payload(fake, sha), {}


def _update_ref(fake: FakeGitHub, params: dict, query: dict, body: Any) -> tuple[int, Any, dict]:
    ref = unquote(params["ref"])
    if ref not in fake.git.refs:
        return _failure(422, "Reference does not exist")
    if body["sha"] not in fake.git.commits:
        return _failure(422, "Object does not exist")
    if not body.get("force", False) and not fake.git.is_ancestor(fake.git.refs[ref], body["sha"]):
        return _failure(422, "Update is not a fast forward")
    fake.git.refs[ref] = body["sha"]
    if ref == f"heads/{fake.head_ref}":
        fake.head_sha = body["sha"]
    return 200, _ref_payload(fake, ref), {}


# A file's raw bytes have no JSON schema to check; a directory listing has one.
LISTINGS_CHECKED = {"repos/get-content"}

RESPONSES_CHECKED = {
    "repos/get-collaborator-permission-level",
    "reactions/create-for-issue-comment",
    "git/get-ref",
    "git/get-commit",
    "git/get-tree",
    "git/create-blob",
    "git/create-tree",
    "git/create-commit",
    "git/update-ref",
}

_HANDLERS: dict[str, Callable[[FakeGitHub, dict, dict, Any], tuple[int, Any, dict]]] = {
    "repos/get-collaborator-permission-level": _permission,
    "reactions/create-for-issue-comment": _create_reaction,
    "git/get-ref": _get_ref,
    "git/get-commit": _get_commit,
    "git/get-tree": _get_tree,
    "git/create-blob": _create_blob,
    "git/create-tree": _create_tree,
    "git/create-commit": _create_commit,
    "git/update-ref": _update_ref,
    "pulls/get": _get_pull,
    "pulls/list-files": _list_files,
    "pulls/list-review-comments": _list_review_comments,
    "pulls/list-reviews": _list_reviews,
    "pulls/create-review": _create_review,
    "pulls/update-review-comment": _update_review_comment,
    "issues/list-comments": _list_issue_comments,
    "issues/create-comment": _create_issue_comment,
    "issues/update-comment": _update_issue_comment,
    "issues/delete-comment": _delete_issue_comment,
    "repos/get-content": _get_content,
}
