"""The geometry bench cases build, run at a tiny scale, and compute what they claim."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.quality_geometry import cases  # noqa: E402

from ontolabel.core.matching import Matching  # noqa: E402


def test_cases_run_small_and_agree_with_their_peer() -> None:
    matching_case, mask_case = cases(0.02)
    assert matching_case.target_ms == 100.0 and matching_case.peer is None
    assert mask_case.target_ratio == 1.0
    for case in (matching_case, mask_case):
        assert case.setup is not None
        case.setup()
    matching = matching_case.ours()
    assert isinstance(matching, Matching)
    # the second rater redrew 90% of the boxes a few pixels off: most of them match
    assert len(matching.pairs) >= 0.8 * matching.size_a
    ours, theirs = mask_case.ours(), mask_case.peer()  # type: ignore[misc]
    assert isinstance(ours, list) and isinstance(theirs, list)
    np.testing.assert_allclose(ours[0], theirs[0])
    assert 0.3 < float(ours[0][0, 0]) < 1.0
