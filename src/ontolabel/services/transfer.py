"""Import and export use cases: a file in a registered format <-> a project's items.

The work is in ``importer`` (with ``import_records`` checking each record) and
``exporter``, which formats fit a project in ``project_formats``; this module is the one
name callers (the REST API, the CLI) use.
"""

from __future__ import annotations

from ontolabel.services.exporter import export_project
from ontolabel.services.importer import ImportReport, import_file
from ontolabel.services.progress import Progress
from ontolabel.services.project_formats import ProjectFormats, project_formats

__all__ = [
    "ImportReport",
    "Progress",
    "ProjectFormats",
    "export_project",
    "import_file",
    "project_formats",
]
