"""How long-running use cases (import, export) tell their caller how far they are."""

from __future__ import annotations

from collections.abc import Callable

# progress(done, total): records read (import) or items written (export); total when known
Progress = Callable[[int, int | None], None]
