"""Fixtures of the format tests."""

from __future__ import annotations

import pytest
from format_builders import ONTOLOGY

from ontolabel.core.ontology import Ontology, parse_ontology


@pytest.fixture()
def ontology() -> Ontology:
    return parse_ontology(ONTOLOGY)
