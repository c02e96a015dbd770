"""Shared fixtures of the core tests: the all-modality ontology and items to label."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontolabel.core.item import ItemContent, MediaInfo
from ontolabel.core.modality import Modality
from ontolabel.core.ontology import Ontology, load_ontology

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def ontology() -> Ontology:
    return load_ontology(DATA / "retail.yaml")


def media(modality: Modality, **info: object) -> MediaInfo:
    return MediaInfo(
        modality=modality,
        mime="application/octet-stream",
        sha256="0" * 64,
        size=1,
        name=f"file.{modality}",
        **info,  # type: ignore[arg-type]
    )


@pytest.fixture
def image_item() -> ItemContent:
    return ItemContent(
        modality=Modality.IMAGE, media=[media(Modality.IMAGE, width=640, height=480)]
    )


@pytest.fixture
def text_item() -> ItemContent:
    return ItemContent(
        modality=Modality.TEXT, text="Took 500 mg ibuprofen; mild nausea followed. Ok 👍🏽 Köln"
    )
