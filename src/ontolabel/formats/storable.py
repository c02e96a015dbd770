"""Whether the database can keep an imported record's own values (its id, text and meta),
whatever format it came from: the rules are core.storable's, the id's length its column's."""

from __future__ import annotations

from ontolabel.core.item import MAX_EXTERNAL_ID
from ontolabel.core.storable import text_problem, value_problem
from ontolabel.formats.base import ImportRecord


def record_problems(record: ImportRecord) -> list[tuple[str, str]]:
    """(message, path) for each of the record's own values that cannot be stored: its
    external id, text and meta (annotations are checked as they are stored: see
    ``services.import_records``). Cheap for a good record: a few string scans."""
    problems: list[tuple[str, str]] = []
    external_id = record.external_id
    if external_id is not None:
        if len(external_id) > MAX_EXTERNAL_ID:
            problems.append(
                (
                    f"the item id has {len(external_id):,} characters; ontolabel keeps at most "
                    f"{MAX_EXTERNAL_ID} (shorten it)",
                    "external_id",
                )
            )
        elif (problem := text_problem(external_id)) is not None:
            problems.append((f"the item id {problem}", "external_id"))
    if record.text is not None and (problem := text_problem(record.text)) is not None:
        problems.append((f"the text {problem}", "text"))
    if record.meta and (problem := value_problem(record.meta)) is not None:
        problems.append((f"meta {problem}", "meta"))
    return problems
