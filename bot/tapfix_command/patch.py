"""The fixes as a patch `git apply` takes: `diff --git` headers, `new file mode` for created files,
`\\ No newline at end of file` where a file ends without one."""

from __future__ import annotations

import difflib

from bot.github.commit import NEW_FILE_MODE


def git_patch(files: dict[str, bytes], originals: dict[str, bytes | None]) -> str:
    out: list[str] = []
    for path in sorted(files):
        before = originals.get(path)
        old_lines = _lines(before) if before is not None else []
        new_lines = _lines(files[path])
        out.append(f"diff --git a/{path} b/{path}\n")
        if before is None:
            out.append(f"new file mode {NEW_FILE_MODE}\n")
        body = list(
            difflib.unified_diff(
                old_lines, new_lines, "/dev/null" if before is None else f"a/{path}", f"b/{path}", n=3
            )
        )
        out.extend(body)
    return "".join(out)


def _lines(data: bytes) -> list[str]:
    """Lines with their endings (CRLF kept, so the patch applies to the file as it is)."""
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines(keepends=True)
    # splitlines also splits on characters Git does not treat as line ends.
    merged: list[str] = []
    for line in lines:
        if merged and not merged[-1].endswith("\n"):
            merged[-1] += line
        else:
            merged.append(line)
    if merged and not merged[-1].endswith("\n"):
        merged[-1] += "\n\\ No newline at end of file\n"
    return merged


def has_crlf(files: dict[str, bytes], originals: dict[str, bytes | None]) -> bool:
    return any(b"\r\n" in data for data in [*files.values(), *(o for o in originals.values() if o)])
