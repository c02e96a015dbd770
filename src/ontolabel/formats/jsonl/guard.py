"""What JSON lets through but ontolabel cannot store, found in an item line before it is
read: a NUL character (PostgreSQL's text and JSON refuse it), a lone UTF-16 surrogate
escape (not Unicode text: no encoder writes it back), NaN or infinity (JSON has neither;
``1e400`` reads as infinity), and nesting deeper than any label file needs (the JSON
writers stop at a few hundred levels). Each is one bad line, never a crash at the insert.
"""

from __future__ import annotations

import json
import re

from ontolabel.core.storable import MAX_DEPTH, value_problem

__all__ = ["MAX_DEPTH", "line_problem", "value_problem"]

# the byte patterns that ask for a closer look: a line without them has none of the above
# (a literal NaN or Infinity may also be text inside a string: the closer look tells)
_DOUBTFUL = re.compile(rb"\\u0000|\\u[dD][89abAB]|\\u[dD][c-fC-F]|NaN|Infinity")


class _NotJson(ValueError):
    pass


def _refuse(name: str) -> float:
    raise _NotJson(name)


def line_problem(raw: bytes) -> str | None:
    """Why the line cannot be stored although a JSON parser may accept it, or None. Costs a
    byte search unless the line has a doubtful pattern; a line that is not JSON at all is
    left to the reader, which says what is wrong with it."""
    if _DOUBTFUL.search(raw) is None:
        return None
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_refuse)
    except _NotJson as exc:
        return f"holds {exc}, which JSON does not have (write null, or a number)"
    except (ValueError, RecursionError):
        return None
    return value_problem(value)
