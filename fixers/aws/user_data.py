"""Instance user data: the script an instance, launch template or launch configuration runs at first
boot, read once per block and module.

The script is either written in the module (a heredoc or a quoted string, possibly inside
`base64encode()`/`base64gzip()`), or a file of the module's folder that `file()`, `templatefile()`
or `filebase64()` reads (fixers.module_files says which files may be read).

An inline script's text is its source as written: the rules search it for commands, and an
interpolation reads as the reference it names. A template file is rendered with its variables; an
interpolation whose value cannot be known stays as a placeholder naming what it stands for
(`${aws_db_instance.main.address}`), which is how the same line reads inline. A directive whose
condition or collection cannot be known makes the whole script unknown: rules then report nothing
that depends on it.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from fixers.evaluate import UNKNOWN, evaluate, evaluate_partial, file_argument, placeholder
from fixers.model import Attribute, Block
from fixers.module_files import scan_path, text_of
from fixers.semantic.expressions import Expr, Template, call_of

ATTRIBUTES = ("user_data", "user_data_base64")
_WRAPPERS = ("base64encode", "base64gzip")
_FILE_FUNCTIONS = ("file", "templatefile", "filebase64")


@dataclass(frozen=True)
class UserData:
    """A block's user data.

    `attribute` is the argument holding it (None without user data); `script` the script when it
    is written in the module; `text` the script to read ("" without user data, None when it cannot
    be read); `file` the file it is read from (path from the scan root), when it is one."""

    attribute: Attribute | None
    script: Template | None
    text: str | None
    file: str | None = None

    @property
    def file_note(self) -> str:
        """`" (user data file modules/app/templates/app.sh)"` for a script read from a file, else "".
        A finding stays on the block in the .tf file (a review comment needs a line of the diff);
        the message says which file holds the script."""
        return f" (user data file {self.file})" if self.file is not None and self.text is not None else ""


def user_data(block: Block) -> UserData:
    """The user data of `block`, read once per module."""
    module = block.module
    if module is None:
        return _read(block)
    return module.memo(("user data", id(block)), lambda: _read(block))


def _read(block: Block) -> UserData:
    attr = next((a for a in (block.get(n) for n in ATTRIBUTES) if a is not None), None)
    if attr is None:
        return UserData(None, None, "")
    expr = _unwrapped(attr.expression)
    if expr is None:
        return UserData(attr, None, None)
    if isinstance(expr, Template):
        return UserData(attr, expr, expr.source)
    call = call_of(expr, *_FILE_FUNCTIONS)
    module = block.module
    if call is None or not call.args or module is None:
        return UserData(attr, None, None)
    relative = file_argument(module, call.args[0])
    if relative is None:
        return UserData(attr, None, None)
    path = scan_path(module.path, relative)
    if call.name == "filebase64":
        encoded = evaluate(module, call)
        try:
            data = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else None
        except (binascii.Error, ValueError):
            data = None
        return UserData(attr, None, text_of(data), path)
    value = evaluate_partial(module, call)
    if value is UNKNOWN or not isinstance(value, str) or value == placeholder(call):
        return UserData(attr, None, None, path)
    return UserData(attr, None, value, path)


def _unwrapped(expr: Expr) -> Expr | None:
    """The expression under a base64encode()/base64gzip() wrapper; None when the wrapper does not
    take exactly one argument."""
    wrapper = call_of(expr, *_WRAPPERS)
    if wrapper is None:
        return expr
    args = wrapper.args
    return args[0] if len(args) == 1 else None


def commands(script: str) -> str:
    """A shell script without its comment lines: what it says in comments does not run."""
    return "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("#"))


def package_manager(script: str) -> str | None:
    """The package manager a Linux user data script already uses."""
    for manager in ("dnf", "yum"):
        if re.search(rf"(^|\s){manager}\s+(-y\s+)?install\b", script, re.M):
            return manager
    return None
