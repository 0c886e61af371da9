"""Reference checks for the Terraform that tapfix writes: HashiCorp's own tools, not ours.

Two batch entry points, both independent of the tapfix package itself:

* :func:`hashicorp_parse_errors` runs HashiCorp's HCL parser (hclsyntax compiled to WASM, npm
  ``@cdktf/hcl2json``) over many files in **one** node process (node start-up plus the WASM load cost
  ~0.4 s; a file costs about a millisecond).
* :func:`terraform_validate` runs ``terraform validate`` on each module against the real AWS provider
  schema, each module as its own root module (root-only rules, e.g. "Output refers to sensitive values"
  or ``import`` blocks, only apply there).

How ``terraform_validate`` is made fast (measured on the 2-core machine CI uses):

* A plain ``terraform init -plugin-dir`` hashes the 700 MB provider binary (~2.4 s), and every
  ``terraform validate`` hashes it again against the lock file (~0.6 s), starts the provider twice and
  fetches and decodes its ~1,500-resource schema (~1.2 s).
* Instead, the AWS provider is started **once** per session in debug mode (``-debug``) and every
  terraform run attaches to it through ``TF_REATTACH_PROVIDERS``: no lock file, no hashing, no
  provider start-up. ``init`` (only needed for local child modules) then costs ~0.05 s.
* Modules run in parallel, one terraform process per core; the provider serves them all.
* The provider's own trace logging (tens of MB per run in debug mode) is switched off.

Tools are found through the environment (``.ci/run`` sets these):

* ``TAPFIX_TF_PLUGIN_DIR``: the provider mirror, i.e. the folder that holds ``registry.terraform.io``
  (what ``terraform init -plugin-dir`` takes). Unset: a cheap search under /opt, /usr/local and
  ~/.terraform.d.
* ``TAPFIX_NODE_DIR``: the folder holding ``hcl2json-batch.mjs`` and its ``node_modules`` (default:
  ``tests/node``).
* ``TAPFIX_TERRAFORM`` (optional): the terraform binary; default ``terraform`` on PATH.
* ``TAPFIX_TF_JOBS`` (optional): parallel terraform runs; default: the number of cores.
* ``TAPFIX_TF_VALIDATE_MODE`` (optional): ``reattach`` (default) or ``init`` (plain per-module
  ``terraform init -plugin-dir``, slow; used automatically when the provider cannot run in debug mode).

Known differences from a plain ``terraform init && terraform validate``: in ``reattach`` mode the
provider's version constraints in ``required_providers`` are not checked (an ``aws ~> 4.0`` module is
validated against the mirror's 5.x schema), and no ``.terraform.lock.hcl`` is written. Providers other
than aws must be in the mirror (they are not: such modules fail with "Missing required provider");
registry modules cannot be installed offline (local ``./`` child modules work).

The ``hashicorp/random`` provider is not available offline, so the *validation copy* of a module (never
the caller's text) has its ``random_*`` resources and ``provider "random"`` blocks removed, ``random``
dropped from ``required_providers``, references such as ``random_password.x.result`` replaced by
plausible literals, and ``random_*`` items dropped from ``depends_on`` lists.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "HclReference",
    "ValidateResult",
    "find_node_dir",
    "find_plugin_dir",
    "find_terraform",
    "get_reference",
    "hashicorp_parse_errors",
    "missing_tools",
    "neutralise_random_provider",
    "terraform_validate",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NODE_DIR = REPO_ROOT / "tests" / "node"
NODE_SCRIPT = "hcl2json-batch.mjs"
NPM_PACKAGE = "@cdktf/hcl2json"
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"

# Where a provider mirror may live when TAPFIX_TF_PLUGIN_DIR is unset. Each pattern is relative to a
# search root and matches a provider binary; the mirror dir is the parent of "registry.terraform.io".
_PLUGIN_SEARCH_ROOTS = ("/opt", "/usr/local", "~/.terraform.d", "/usr/local/share/terraform")
_PLUGIN_PATTERNS = (
    "registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*",
    "*/registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*",
    "*/*/registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*",
)

_CI_HINT = "bash .ci/run"


# ---------------------------------------------------------------------------------------------
# Locating the tools
# ---------------------------------------------------------------------------------------------


def _platform_dir() -> str:
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{sys.platform}_{arch}"


def _version_key(path: Path) -> tuple[int, ...]:
    # .../hashicorp/aws/<version>/<os_arch>/terraform-provider-aws_v<version>_x5
    version = path.parent.parent.name
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.+-]", version))


def _aws_binaries(plugin_dir: Path) -> list[Path]:
    base = plugin_dir / AWS_PROVIDER
    found = [
        p
        for p in base.glob(f"*/{_platform_dir()}/terraform-provider-aws_*")
        if p.is_file() and os.access(p, os.X_OK)
    ]
    return sorted(found, key=_version_key, reverse=True)


def find_plugin_dir() -> Path | None:
    """The provider mirror to pass to ``-plugin-dir`` (the folder holding ``registry.terraform.io``)."""
    env = os.environ.get("TAPFIX_TF_PLUGIN_DIR")
    if env:
        path = Path(env).expanduser()
        return path if _aws_binaries(path) else None
    for root in _PLUGIN_SEARCH_ROOTS:
        base = Path(root).expanduser()
        if not base.is_dir():
            continue
        for pattern in _PLUGIN_PATTERNS:
            for binary in sorted(base.glob(pattern)):
                # binary = <mirror>/registry.terraform.io/hashicorp/aws/<v>/<os_arch>/terraform-provider-aws_*
                mirror = binary.parents[5]
                if _aws_binaries(mirror):
                    return mirror
    return None


def find_terraform() -> Path | None:
    env = os.environ.get("TAPFIX_TERRAFORM")
    candidate = env or shutil.which("terraform") or "/usr/local/bin/terraform"
    path = Path(candidate)
    return path if path.is_file() and os.access(path, os.X_OK) else None


def find_node_dir() -> Path:
    env = os.environ.get("TAPFIX_NODE_DIR")
    return Path(env).expanduser().resolve() if env else DEFAULT_NODE_DIR


def missing_tools() -> list[str]:
    """What the reference harness lacks on this machine, each with how .ci/run provides it."""
    problems: list[str] = []
    if find_terraform() is None:
        problems.append(
            "the Terraform CLI: no `terraform` on PATH (nor TAPFIX_TERRAFORM, nor /usr/local/bin/terraform). "
            ".ci/run does not install it: the CI machine has it at /usr/local/bin/terraform."
        )
    if find_plugin_dir() is None:
        where = os.environ.get("TAPFIX_TF_PLUGIN_DIR")
        problems.append(
            "the AWS provider mirror: "
            + (
                f"TAPFIX_TF_PLUGIN_DIR={where} holds no registry.terraform.io/hashicorp/aws/*/{_platform_dir()}/"
                "terraform-provider-aws_* binary"
                if where
                else "TAPFIX_TF_PLUGIN_DIR is unset and no terraform-provider-aws_* was found under "
                + ", ".join(_PLUGIN_SEARCH_ROOTS)
            )
            + ". .ci/run searches the machine's mirror (e.g. /opt/tf-plugins) and exports TAPFIX_TF_PLUGIN_DIR."
        )
    if shutil.which("node") is None:
        problems.append("Node.js: no `node` on PATH. .ci/run expects node/npm on the machine.")
    node_dir = find_node_dir()
    if not (node_dir / NODE_SCRIPT).is_file():
        problems.append(f"the parser script {node_dir / NODE_SCRIPT} (TAPFIX_NODE_DIR={node_dir}).")
    if not (node_dir / "node_modules" / NPM_PACKAGE / "package.json").is_file():
        problems.append(
            f"the npm package {NPM_PACKAGE} in {node_dir}/node_modules: run `npm ci --prefix tests/node` "
            "(.ci/run does this and exports TAPFIX_NODE_DIR)."
        )
    return problems


# ---------------------------------------------------------------------------------------------
# The validation copy: neutralising hashicorp/random
# ---------------------------------------------------------------------------------------------

_CODE, _STRING, _COMMENT = "code", "string", "comment"
_HEREDOC_RE = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n")


class _Scanner:
    """Splits HCL text into code / string-literal / comment segments (templates nest code back in).

    Good enough to find blocks and references outside strings and comments; the real syntax check is
    HashiCorp's parser.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.segments: list[tuple[int, int, str]] = []
        self._code(0, in_template=False)

    def _emit(self, start: int, end: int, kind: str) -> None:
        if end > start:
            self.segments.append((start, end, kind))

    def _code(self, i: int, *, in_template: bool) -> int:
        text, n = self.text, self.n
        start, depth = i, 0
        while i < n:
            c = text[i]
            if c == '"':
                self._emit(start, i, _CODE)
                i = self._quoted(i)
                start = i
                continue
            if c == "#" or text.startswith("//", i):
                self._emit(start, i, _CODE)
                j = text.find("\n", i)
                j = n if j < 0 else j
                self._emit(i, j, _COMMENT)
                i = start = j
                continue
            if text.startswith("/*", i):
                self._emit(start, i, _CODE)
                j = text.find("*/", i + 2)
                j = n if j < 0 else j + 2
                self._emit(i, j, _COMMENT)
                i = start = j
                continue
            if c == "<" and text.startswith("<<", i):
                m = _HEREDOC_RE.match(text, i)
                if m:
                    self._emit(start, m.end(), _CODE)
                    i = start = self._heredoc(m.end(), m.group(2))
                    continue
            if c == "{":
                depth += 1
            elif c == "}":
                if depth == 0 and in_template:
                    self._emit(start, i, _CODE)
                    return i
                depth -= 1
            i += 1
        self._emit(start, n, _CODE)
        return n

    def _template(self, i: int, limit: int, *, quoted: bool, start: int | None = None) -> int:
        """Template text from i; quoted strings stop after their closing quote (or at a newline)."""
        text = self.text
        start = i if start is None else start
        while i < limit:
            c = text[i]
            if quoted and c == "\\":
                i += 2
                continue
            if quoted and c == '"':
                self._emit(start, i + 1, _STRING)
                return i + 1
            if quoted and c == "\n":
                break
            if text.startswith(("$${", "%%{"), i):
                i += 3
                continue
            if text.startswith(("${", "%{"), i):
                self._emit(start, i + 2, _STRING)
                i = self._code(i + 2, in_template=True)
                start = i  # the closing "}" belongs to the string
                i += 1
                continue
            i += 1
        self._emit(start, min(i, limit), _STRING)
        return min(i, limit)

    def _quoted(self, i: int) -> int:
        return self._template(i + 1, self.n, quoted=True, start=i)

    def _heredoc(self, i: int, marker: str) -> int:
        text = self.text
        pos = i
        while pos < self.n:
            eol = text.find("\n", pos)
            line_end = self.n if eol < 0 else eol
            if text[pos:line_end].strip() == marker:
                self._template(i, pos, quoted=False)
                self._emit(pos, line_end, _CODE)
                return line_end
            pos = line_end + 1
        self._template(i, self.n, quoted=False)
        return self.n

    def kind_at(self, index: int) -> str:
        for start, end, kind in self.segments:
            if start <= index < end:
                return kind
        return _CODE

    def matching_brace(self, open_index: int) -> int:
        """Index just past the ``}`` that closes the ``{`` at open_index (code braces only)."""
        depth = 0
        for start, end, kind in self.segments:
            if end <= open_index or kind != _CODE:
                continue
            for j in range(max(start, open_index), end):
                c = self.text[j]
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        return j + 1
        return self.n


_RANDOM_BLOCK_RE = re.compile(
    r'(?m)^[ \t]*(?:resource[ \t]+"?random_[A-Za-z0-9_]+"?[ \t]+"?[A-Za-z0-9_-]+"?|provider[ \t]+"?random"?)[ \t]*\{'
)
_REQUIRED_PROVIDERS_RE = re.compile(r"\brequired_providers[ \t]*\{")
_RANDOM_ENTRY_RE = re.compile(r'(?m)^[ \t]*"?random"?[ \t]*=[ \t]*')
_RANDOM_REF_RE = re.compile(
    r"(?<![\w.\-])random_([a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)((?:\[[^\]\n]*\])?)(?:\.([A-Za-z_][A-Za-z0-9_]*))?"
)
_DEPENDS_ON_RE = re.compile(r"\bdepends_on[ \t]*=[ \t]*\[([^\]]*)\]", re.S)
_BARE_RANDOM_ITEM_RE = re.compile(
    r"(?<![\w.\-])random_[a-z0-9_]+\.[A-Za-z_][A-Za-z0-9_-]*(?:\[[^\]\n]*\])?\s*,?"
)

# Literals that pass the AWS provider's plan-time validators where these values usually go
# (ElastiCache auth_token: 16-128 printable chars without @ " /; RDS passwords: 8-41 chars; S3 bucket
# name suffixes: lowercase).
_SECRET = '"TapfixPlaceholderSecret0123456789"'
_RANDOM_LITERALS: dict[str, dict[str | None, str]] = {
    "password": {
        "result": _SECRET,
        "bcrypt_hash": '"$2a$10$tapfixplaceholderbcrypthashvalue0123456789abcdefghi"',
    },
    "string": {"result": '"tapfixplaceholder0"'},
    "id": {
        "hex": '"0123456789abcdef"',
        "dec": '"81985529216486895"',
        "b64_url": '"ASNFZ4mrze8"',
        "b64_std": '"ASNFZ4mrze8="',
        "id": '"ASNFZ4mrze8"',
        "byte_length": "8",
    },
    "pet": {"id": '"tapfix-placeholder-pet"'},
    "uuid": {"result": '"00000000-0000-4000-8000-000000000000"'},
    "integer": {"result": "42", "id": '"42"', "min": "1", "max": "100"},
    "shuffle": {"result": '["tapfix-placeholder"]'},
    "bytes": {"base64": '"dGFwZml4LXBsYWNlaG9sZGVy"', "hex": '"74617066697870"'},
}
_DEFAULT_RANDOM_LITERAL = '"tapfix-placeholder"'


def _random_literal(kind: str, attr: str | None, index: str) -> str | None:
    if attr is None:
        return None  # a bare reference: only meaningful in depends_on, handled there
    literal = _RANDOM_LITERALS.get(kind, {}).get(attr, _DEFAULT_RANDOM_LITERAL)
    if index.replace(" ", "") == "[*]":
        literal = f"[{literal}]"
    return literal


def _remove_ranges(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    out, last = [], 0
    for start, end in sorted(ranges):
        if start < last:
            continue
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return "".join(out)


def _line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole lines when nothing else shares them."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip():
        line_start = start
    eol = text.find("\n", end)
    eol = len(text) if eol < 0 else eol
    if text[end:eol].strip():
        return line_start, end
    return line_start, min(eol + 1, len(text))


def _neutralise_text(text: str) -> str:
    if "random" not in text:
        return text
    scanner = _Scanner(text)
    removals: list[tuple[int, int]] = []
    for m in _RANDOM_BLOCK_RE.finditer(text):
        open_brace = m.end() - 1
        if scanner.kind_at(open_brace) != _CODE:
            continue
        removals.append(_line_span(text, m.start(), scanner.matching_brace(open_brace)))
    for m in _REQUIRED_PROVIDERS_RE.finditer(text):
        open_brace = m.end() - 1
        if scanner.kind_at(open_brace) != _CODE:
            continue
        body_end = scanner.matching_brace(open_brace)
        for entry in _RANDOM_ENTRY_RE.finditer(text, open_brace + 1, body_end):
            value_start = entry.end()
            if scanner.kind_at(value_start) == _CODE and text.startswith("{", value_start):
                end = scanner.matching_brace(value_start)
            else:
                eol = text.find("\n", value_start)
                end = body_end - 1 if eol < 0 or eol > body_end - 1 else eol
            removals.append(_line_span(text, entry.start(), end))
    text = _remove_ranges(text, removals)

    # References, in code only (not in string literals or comments).
    scanner = _Scanner(text)
    pieces = []
    for start, end, kind in scanner.segments:
        chunk = text[start:end]
        if kind == _CODE:

            def swap(m: re.Match[str]) -> str:
                literal = _random_literal(m.group(1), m.group(4), m.group(3))
                return m.group(0) if literal is None else literal

            chunk = _RANDOM_REF_RE.sub(swap, chunk)
        pieces.append(chunk)
    text = "".join(pieces)

    def clean_depends_on(m: re.Match[str]) -> str:
        items = _BARE_RANDOM_ITEM_RE.sub("", m.group(1))
        return m.group(0).replace(m.group(1), items) if items != m.group(1) else m.group(0)

    return _DEPENDS_ON_RE.sub(clean_depends_on, text)


def neutralise_random_provider(files: Mapping[str, str]) -> dict[str, str]:
    """The validation copy of a module: hashicorp/random swapped for literals (see module doc)."""
    return {name: _neutralise_text(text) if name.endswith(".tf") else text for name, text in files.items()}


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class ValidateResult:
    """``terraform validate`` on one module.

    ``diagnostics`` holds every diagnostic (errors and warnings, in terraform's order) as
    ``"<severity>: <summary>: <detail> (<file>:<line>)"``; ``errors`` / ``warnings`` split them;
    ``raw`` keeps terraform's JSON diagnostics; ``files`` is the validation copy that was checked.
    """

    ok: bool
    diagnostics: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw: list[dict] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        head = "valid" if self.ok else f"INVALID ({len(self.errors)} error(s))"
        return "\n".join([head, *self.diagnostics])


def _format_diagnostic(diag: Mapping) -> str:
    text = f"{diag.get('severity', 'error')}: {diag.get('summary', '').strip()}"
    detail = (diag.get("detail") or "").strip()
    if detail:
        text += f": {detail}"
    rng = diag.get("range")
    if rng:
        text += f" ({rng.get('filename')}:{rng.get('start', {}).get('line')})"
    if diag.get("address"):
        text += f" [{diag['address']}]"
    return text


def _failure(message: str, files: dict[str, str], seconds: float = 0.0) -> ValidateResult:
    line = f"error: {message.strip()}"
    return ValidateResult(
        ok=False,
        diagnostics=[line],
        errors=[line],
        raw=[{"severity": "error", "summary": message.strip()}],
        files=files,
        seconds=seconds,
    )


_ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
_CLI_CONFIG_NOISE = "Unable to open CLI configuration file"


def _strip_output(text: str) -> str:
    return _ANSI_RE.sub("", text).strip()


# ---------------------------------------------------------------------------------------------
# The AWS provider, started once and shared by every terraform run
# ---------------------------------------------------------------------------------------------

_REATTACH_RE = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")
_QUIET_PROVIDER_ENV = {
    name: "off"
    for name in (
        "TF_LOG",
        "TF_LOG_PROVIDER",
        "TF_LOG_SDK",
        "TF_LOG_SDK_PROTO",
        "TF_LOG_SDK_FRAMEWORK",
        "TF_LOG_SDK_MUX",
        "TF_LOG_SDK_HELPER_SCHEMA",
    )
}


def _die_with_parent() -> None:
    """In the child before exec: on Linux, get SIGKILLed when the parent dies (pytest killed hard)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class _DebugProvider:
    """``terraform-provider-aws -debug``: one long-lived provider that terraform runs attach to."""

    def __init__(self, binary: Path, workdir: Path, timeout: float = 90.0) -> None:
        self.binary = binary
        self._log = workdir / "provider.out"
        env = {**os.environ, **_QUIET_PROVIDER_ENV, "TMPDIR": str(workdir)}  # its unix socket goes there
        with open(self._log, "wb") as out:
            self.proc = subprocess.Popen(
                [str(binary), "-debug"],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=workdir,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while True:
            m = _REATTACH_RE.search(self._log.read_text(errors="replace"))
            if m:
                self.reattach = json.dumps(json.loads(m.group(1)), separators=(",", ":"))
                return
            if self.proc.poll() is not None or time.monotonic() > deadline:
                output = self._log.read_text(errors="replace")[-2000:]
                self.close()
                raise RuntimeError(f"{binary} -debug did not print TF_REATTACH_PROVIDERS: {output}")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------------------------


def _safe_relpath(name: str) -> Path:
    path = Path(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"module file names must be relative paths inside the module: {name!r}")
    return path


class HclReference:
    """HashiCorp's parser and ``terraform validate``, batched. Use one per session; ``close()`` it."""

    def __init__(
        self,
        *,
        terraform: Path | None = None,
        plugin_dir: Path | None = None,
        node_dir: Path | None = None,
        jobs: int | None = None,
        mode: str | None = None,
    ) -> None:
        self.terraform = terraform or find_terraform()
        self.plugin_dir = plugin_dir or find_plugin_dir()
        self.node_dir = node_dir or find_node_dir()
        self.jobs = max(1, jobs or int(os.environ.get("TAPFIX_TF_JOBS") or 0) or os.cpu_count() or 1)
        self.mode = mode or os.environ.get("TAPFIX_TF_VALIDATE_MODE") or "reattach"
        if self.mode not in ("reattach", "init"):
            raise ValueError(f"TAPFIX_TF_VALIDATE_MODE must be 'reattach' or 'init', not {self.mode!r}")
        self._lock = threading.Lock()
        self._workdir: Path | None = None
        self._provider: _DebugProvider | None = None
        self._counter = 0

    # -- HashiCorp's HCL parser --------------------------------------------------------------

    def hashicorp_parse_errors(self, files: Mapping[str, str]) -> dict[str, str | None]:
        """Parse every file with hclsyntax; name -> None when it parsed, else HashiCorp's error text."""
        if not files:
            return {}
        items = [{"name": name, "text": text} for name, text in files.items()]
        proc = subprocess.run(
            ["node", str(self.node_dir / NODE_SCRIPT)],
            input=json.dumps(items),
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=self.node_dir,
            timeout=300,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{NODE_SCRIPT} failed (exit {proc.returncode}): {proc.stderr.strip()}")
        results = json.loads(proc.stdout)
        if len(results) != len(items):
            raise RuntimeError(f"{NODE_SCRIPT} answered {len(results)} results for {len(items)} files")
        return {
            item["name"]: (None if res["ok"] else res["error"])
            for item, res in zip(items, results, strict=True)
        }

    # -- terraform validate ------------------------------------------------------------------

    def _setup(self) -> Path:
        with self._lock:
            if self._workdir is None:
                if self.terraform is None or self.plugin_dir is None:
                    raise RuntimeError(
                        "terraform or the AWS provider mirror is missing: " + "; ".join(missing_tools())
                    )
                self._workdir = Path(tempfile.mkdtemp(prefix="tapfix-tf-"))
                (self._workdir / "empty.tfrc").write_text("")
            if self.mode == "reattach" and (self._provider is None or not self._provider.alive()):
                try:
                    self._provider = _DebugProvider(_aws_binaries(self.plugin_dir)[0], self._workdir)
                except (OSError, RuntimeError) as exc:
                    warnings.warn(
                        f"cannot share one AWS provider across terraform runs ({exc}); "
                        "falling back to a slow `terraform init -plugin-dir` per module",
                        stacklevel=3,
                    )
                    self.mode = "init"
            return self._workdir

    def _env(self) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("TF_LOG", "TF_REATTACH", "TF_DATA_DIR"))
        }
        # The machine's TF_CLI_CONFIG_FILE points at a missing file: use an empty one (no warning).
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self._workdir / "empty.tfrc"),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
            }
        )
        env.pop("TF_PLUGIN_CACHE_DIR", None)
        if self.mode == "reattach" and self._provider is not None:
            env["TF_REATTACH_PROVIDERS"] = self._provider.reattach
        return env

    def _validate_one(self, files: dict[str, str]) -> ValidateResult:
        started = time.monotonic()
        with self._lock:
            self._counter += 1
            moddir = self._workdir / f"module-{self._counter:05d}"
        copy = neutralise_random_provider(files)
        try:
            for name, text in copy.items():
                path = moddir / _safe_relpath(name)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            moddir.mkdir(parents=True, exist_ok=True)
            env = self._env()
            tf = str(self.terraform)
            init = subprocess.run(
                [tf, "init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={self.plugin_dir}"],
                cwd=moddir,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            proc = subprocess.run(
                [tf, "validate", "-json", "-no-color"],
                cwd=moddir,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            try:
                report = json.loads(proc.stdout)
            except json.JSONDecodeError:
                report = None
            if init.returncode != 0 and not (report and report.get("error_count")):
                # e.g. a provider missing from the mirror or a registry module: init's words say why
                return _failure(
                    "terraform init failed: " + _strip_output(init.stderr or init.stdout),
                    copy,
                    time.monotonic() - started,
                )
            if report is None:
                return _failure(
                    f"terraform validate printed no JSON (exit {proc.returncode}): "
                    + _strip_output(proc.stderr or proc.stdout),
                    copy,
                    time.monotonic() - started,
                )
        finally:
            shutil.rmtree(moddir, ignore_errors=True)
        raw = [d for d in report.get("diagnostics", []) if _CLI_CONFIG_NOISE not in d.get("summary", "")]
        diagnostics = [_format_diagnostic(d) for d in raw]
        errors = [t for d, t in zip(raw, diagnostics, strict=True) if d.get("severity") == "error"]
        warns = [t for d, t in zip(raw, diagnostics, strict=True) if d.get("severity") != "error"]
        return ValidateResult(
            ok=bool(report.get("valid")) and not errors,
            diagnostics=diagnostics,
            errors=errors,
            warnings=warns,
            raw=raw,
            files=copy,
            seconds=time.monotonic() - started,
        )

    def terraform_validate(self, modules: Mapping[str, Mapping[str, str]]) -> dict[str, ValidateResult]:
        """``terraform validate`` each module (name -> {filename: text}), each as a root module."""
        if not modules:
            return {}
        self._setup()
        names = list(modules)
        with concurrent.futures.ThreadPoolExecutor(max_workers=min(self.jobs, len(names))) as pool:
            futures = {name: pool.submit(self._validate_one, dict(modules[name])) for name in names}
            return {name: futures[name].result() for name in names}

    def terraform_validate_many(
        self, modules: Mapping[str, Mapping[str, str]], batch_size: int = 40
    ) -> dict[str, ValidateResult]:
        """``terraform validate`` for many modules at the cost of a few runs.

        Loading the AWS provider's schema dominates a validate run, so modules are validated as
        child modules of one generated root per batch (required variables are fed unknown root
        variables, as a root validation sees them). What only a root validation checks (outputs
        of sensitive values, `import` blocks) is kept by validating such modules on their own, and
        any module with an error in the batch is validated again on its own, so a batch can never
        blame a module for its neighbours or for being a child."""
        results: dict[str, ValidateResult] = {}
        alone = [n for n, files in modules.items() if _needs_root_validation(files)]
        batched = [n for n in modules if n not in alone]
        groups = [batched[i : i + batch_size] for i in range(0, len(batched), batch_size)]
        if groups:
            self._setup()
            with concurrent.futures.ThreadPoolExecutor(max_workers=min(self.jobs, len(groups))) as pool:
                for part in pool.map(lambda g: self._validate_batch({n: modules[n] for n in g}), groups):
                    results.update(part)
        again = alone + [n for n in batched if not results[n].ok]
        results.update(self.terraform_validate({n: modules[n] for n in again}))
        return {n: results[n] for n in modules}

    def _validate_batch(self, modules: Mapping[str, Mapping[str, str]]) -> dict[str, ValidateResult]:
        names = list(modules)
        composite: dict[str, str] = {}
        root: list[str] = []
        call_lines: dict[int, str] = {}
        for i, name in enumerate(names):
            prefix = f"m{i:03d}"
            files = neutralise_random_provider(dict(modules[name]))
            for path, text in files.items():
                composite[f"{prefix}/{path}"] = text
            call_lines[len(root) + 1] = name
            root.append(f'module "{prefix}" {{')
            root.append(f'  source = "./{prefix}"')
            for var in _required_variables(files):
                root.append(f"  {var} = var.{prefix}__{var}")
                composite.setdefault("variables.tf", "")
                composite["variables.tf"] += f'variable "{prefix}__{var}" {{}}\n'
            root.append("}")
        composite["main.tf"] = "\n".join(root) + "\n"
        combined = self._validate_one(composite)
        per_module: dict[str, list[tuple[dict, str]]] = {n: [] for n in names}
        orphans: list[tuple[dict, str]] = []
        for diag, text in zip(combined.raw, combined.diagnostics, strict=True):
            if "Backend configuration ignored" in diag.get("summary", ""):
                continue
            filename = (diag.get("range") or {}).get("filename", "")
            match = re.match(r"m(\d{3})/", filename)
            if match:
                per_module[names[int(match.group(1))]].append((diag, text))
            elif filename == "main.tf":
                line = diag["range"]["start"]["line"]
                owner = max((ln for ln in call_lines if ln <= line), default=None)
                (per_module[call_lines[owner]] if owner else orphans).append((diag, text))
            else:
                orphans.append((diag, text))
        results = {}
        for name in names:
            entries = per_module[name] + orphans
            errors = [t for d, t in entries if d.get("severity") == "error"]
            results[name] = ValidateResult(
                ok=not errors and (combined.ok or not orphans),
                diagnostics=[t for _, t in entries],
                errors=errors,
                warnings=[t for d, t in entries if d.get("severity") != "error"],
                raw=[d for d, _ in entries],
                files=dict(modules[name]),
                seconds=combined.seconds / len(names),
            )
        return results

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._provider is not None:
                self._provider.close()
                self._provider = None
            if self._workdir is not None:
                shutil.rmtree(self._workdir, ignore_errors=True)
                self._workdir = None

    def __enter__(self) -> HclReference:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_DEFAULT: HclReference | None = None
_DEFAULT_LOCK = threading.Lock()


def get_reference() -> HclReference:
    """The process-wide harness (closed at exit)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = HclReference()
            atexit.register(_DEFAULT.close)
        return _DEFAULT


def hashicorp_parse_errors(files: dict[str, str]) -> dict[str, str | None]:
    """Batch-parse with HashiCorp's hclsyntax: name -> None when OK, else the parser's error."""
    return get_reference().hashicorp_parse_errors(files)


def terraform_validate(modules: dict[str, dict[str, str]]) -> dict[str, ValidateResult]:
    """Batch ``terraform validate`` (each module as a root module) against the real AWS provider."""
    return get_reference().terraform_validate(modules)


_OUTPUT_OR_IMPORT = re.compile(r"^\s*(output|import)\s", re.M)
_VARIABLE = re.compile(r'^variable\s+"([^"]+)"\s*\{', re.M)


def _needs_root_validation(files: Mapping[str, str]) -> bool:
    """Modules whose outputs or import blocks only a root validation checks fully."""
    return any(_OUTPUT_OR_IMPORT.search(t) for p, t in files.items() if p.endswith(".tf") and "/" not in p)


def _required_variables(files: Mapping[str, str]) -> list[str]:
    """Variables without a default in the module's own folder (a child module call must set them)."""
    import hcl2

    names = []
    for path, text in files.items():
        if not path.endswith(".tf") or "/" in path:
            continue
        try:
            parsed = hcl2.loads(text)
        except Exception:  # the batch's validate reports the file's syntax error
            names += _VARIABLE.findall(text)
            continue
        for block in parsed.get("variable", []):
            for name, body in block.items():
                if "default" not in body:
                    names.append(name.strip('"'))
    return names
