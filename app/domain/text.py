"""What text and numbers the record keeps, whatever sends them (a write body, a header, a
dataset file) and whichever engine stores them: PostgreSQL cannot store a NUL character, and
no control character but tab and newline, nor half of a surrogate pair, has any business in
a fact. An integer is within the database's range (±MAX_INT), a number is finite.

`faults` walks decoded JSON or YAML and names each place at fault by its path
(`operations.2.data.title`), so that the write API, the dataset file's reader and the rule
set (`sco-api check`, every write) refuse the same things in the same words.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.domain.tables import MAX_INT

# C0 controls but tab (U+0009) and newline (U+000A), and every surrogate (a str holds one
# only unpaired: JSON's escaped pairs are decoded to the character they encode).
_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")
# The digits an integer of a body is read with; a longer one is not converted at all.
MAX_DIGITS = 20

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class LongInteger:
    """A JSON integer of more than MAX_DIGITS digits, kept unread (Python refuses to read
    one of more than 4,300 digits, and it would be out of range anyway)."""

    digits: int


def read_int(text: str) -> int | LongInteger:
    """json.loads' `parse_int`: an integer, unless it is too long to be worth reading."""
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_DIGITS else LongInteger(digits)


def text_fault(text: str) -> str | None:
    """What is wrong with `text` (its first refused character), or None."""
    found = _REFUSED.search(text)
    if found is None:
        return None
    code = ord(found.group())
    what = (
        "a NUL character"
        if code == 0
        else "an unpaired surrogate"
        if code >= 0xD800
        else "a control character"
    )
    return (
        f"{what} (U+{code:04X}) at character {found.start() + 1}: text may hold tab and "
        "newline but no other control character"
    )


def number_fault(value: Any) -> str | None:
    """What is wrong with a number: beyond the database's integers, or not finite."""
    if isinstance(value, LongInteger):
        return f"an integer of {value.digits} digits: integers are within ±{MAX_INT}"
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and abs(value) > MAX_INT:
        return f"{value} is beyond the integers kept (±{MAX_INT})"
    if isinstance(value, float) and not math.isfinite(value):
        return "a number beyond the range of a double"
    return None


def faults(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """Every place in `value` (decoded JSON or YAML: dicts, lists, scalars) whose text or
    number the record cannot keep, with what is wrong there; a key is checked as a text."""
    if isinstance(value, str):
        fault = text_fault(value)
        if fault is not None:
            yield path, fault
    elif isinstance(value, dict):
        for key, item in value.items():
            where = (*path, key)
            fault = text_fault(key) if isinstance(key, str) else None
            if fault is not None:
                yield where, f"the key: {fault}"
            yield from faults(item, where)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from faults(item, (*path, i))
    else:
        fault = number_fault(value)
        if fault is not None:
            yield path, fault


def dotted(path: Path) -> str:
    """A path as the write API names a place in a body: `operations.2.data.title` (a key's
    refused characters escaped, `\\u0000`, so that the answer naming it can be sent)."""
    return _REFUSED.sub(lambda m: f"\\u{ord(m.group()):04x}", ".".join(str(p) for p in path))
