"""Reading a `.tf` file into text, and mapping character offsets to lines and columns.

A file that cannot become text (binary, too large, undecodable) is reported as a `ScanError`
with a location instead of raising, so one bad file never stops the scan of a module.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

MAX_FILE_BYTES = 4 * 1024 * 1024
_BOM = "\ufeff"


@dataclass
class SourceText:
    """A file's decoded text plus what is needed to write it back byte-for-byte."""

    path: str  # relative to the module's scan root, with "/" separators
    text: str
    bom: bool = False
    newline: str = "\n"
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._line_starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_start(self, line: int) -> int:
        return self._line_starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset of the end of `line` (before its newline)."""
        if line < len(self._line_starts):
            end = self._line_starts[line] - 1
        else:
            end = len(self.text)
        if end > 0 and self.text[end - 1 : end] == "\r" and end <= len(self.text):
            end -= 1
        return end

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def line_text(self, line: int) -> str:
        return self.text[self.line_start(line) : self.line_end(line)]

    def to_bytes(self, text: str | None = None) -> bytes:
        body = self.text if text is None else text
        return ((_BOM if self.bom else "") + body).encode("utf-8")


class UnreadableFile(Exception):
    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def too_large(size: int) -> str:
    return (
        f"file is {size / 1048576:.1f} MiB; tapfix reads .tf files up to "
        f"{MAX_FILE_BYTES // 1048576} MiB (generated files should not be scanned)"
    )


def decode(path: str, data: bytes) -> SourceText:
    """Turn a file's bytes into `SourceText`, or raise `UnreadableFile` saying why and where."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(too_large(len(data)))
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise UnreadableFile("file contains a NUL byte: binary, or UTF-16 encoded (save it as UTF-8)", line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        # the line up to the bad byte is valid UTF-8: count its characters, as every column does
        column = len(data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")) + 1
        raise UnreadableFile(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); Terraform reads only UTF-8", line, column
        ) from None
    bom = text.startswith(_BOM)
    if bom:
        text = text[1:]
    crlf = text.count("\r\n")
    newline = "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"
    return SourceText(path=path, text=text, bom=bom, newline=newline)


def read_source(root: Path, file: Path) -> SourceText:
    rel = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.as_posix()
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise UnreadableFile(f"cannot read file: {exc.strerror or exc}") from None
    return decode(rel, data)
