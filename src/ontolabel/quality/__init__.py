"""Quality science over core types: chance-corrected agreement (``agreement``), geometry-aware
agreement, gold scoring and annotator audits. Pure computation: depends on ``ontolabel.core``
and numerical libraries only (no I/O, no storage, no web)."""
