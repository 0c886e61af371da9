"""Instance user data as TAP301-TAP303 read it: the script written inline (its source, as
`_observability.user_data_text` gives it), or the file of the module's folder that `file()`,
`templatefile()` or `filebase64()` reads (fixers.module_files says which files may be read).

A template is rendered with its variables; an interpolation whose value cannot be known stays
as a placeholder naming what it stands for (`${aws_db_instance.main.address}`), which is how the
same line reads inline. A directive whose condition or collection cannot be known makes the whole
script unknown: the rules then report nothing that depends on it.

A leading underscore keeps this module out of rule discovery.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from fixers.evaluate import UNKNOWN, evaluate, evaluate_partial, file_argument, placeholder
from fixers.model import Block
from fixers.module_files import scan_path, text_of
from fixers.rules._observability import call_of, script_node, unwrap
from fixers.rules._observability import user_data_text as inline_text


@dataclass(frozen=True)
class UserData:
    text: str | None  # the script ("" without user data), or None when it cannot be read
    file: str | None = None  # the file it is read from (path from the scan root), when it is one


def user_data(block: Block) -> UserData:
    attr, node = script_node(block)
    if attr is None or node is not None:
        return UserData(inline_text(block))
    call = unwrap(attr.expr)
    args = call_of(call, "base64encode", "base64gzip")
    if args is not None:
        if len(args) != 1:
            return UserData(None)
        call = unwrap(args[0])
    args = call_of(call, "file", "templatefile", "filebase64")
    module = block.module
    if not args or module is None:
        return UserData(None)
    relative = file_argument(module, args[0])
    if relative is None:
        return UserData(None)
    path = scan_path(module.path, relative)
    if call_of(call, "filebase64") is not None:
        encoded = evaluate(module, call)
        try:
            data = base64.b64decode(encoded, validate=True) if isinstance(encoded, str) else None
        except (binascii.Error, ValueError):
            data = None
        return UserData(text_of(data), path)
    value = evaluate_partial(module, call)
    if value is UNKNOWN or not isinstance(value, str) or value == placeholder(call):
        return UserData(None, path)
    return UserData(value, path)


def user_data_text(block: Block) -> str | None:
    """The script of a block's user data ("" when it has none), or None when it cannot be read."""
    return user_data(block).text


def user_data_file(block: Block) -> str | None:
    """The file a block's readable user data comes from (path from the scan root), or None."""
    found = user_data(block)
    return found.file if found.text is not None else None


def file_note(block: Block) -> str:
    """`" (user data file modules/app/templates/app.sh)"` for user data read from a file, else "".
    The finding stays on the block in the .tf file (a review comment needs a line of the diff);
    the message says which file holds the script."""
    path = user_data_file(block)
    return f" (user data file {path})" if path is not None else ""
