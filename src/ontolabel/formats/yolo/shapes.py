"""Core geometry -> the normalised fields of YOLO lines, per task, with what each loses.

- detect: a box; a rotated box, polygon or mask gives its axis-aligned hull, computed in
  pixels (a rotated box's corners are turned in pixels, then normalised).
- segment: one ring per line. A box or rotated box gives its 4 corners. YOLO has no
  multi-part objects and no holes: each part of a polygon is written as its own line (the
  object becomes several instances of its class, reported), and holes are not written
  (reported, never filled in silently). Masks are traced into polygons (``masks.py``).
- obb: 4 corners of a rotated box (a box is one at angle 0); other shapes have no form.
- pose: built by the writer (the keypoint order is known only at the end).
``Shaped.notes`` say what was lost; ``None`` from ``fields_for`` says the shape has no form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ontolabel.core.geometry import Box, Mask, Polygon, RotatedBox
from ontolabel.core.geometry.box import rotated_box_hull
from ontolabel.core.geometry.mask import rle_bbox
from ontolabel.core.geometry.polygon import polygon_bbox, ring_signed_area
from ontolabel.formats.yolo.lines import box_corners, box_fields, oriented_fields, ring_fields
from ontolabel.formats.yolo.masks import mask_to_polygon
from ontolabel.formats.yolo.options import Task


@dataclass
class Shaped:
    lines: list[list[float]]  # normalised fields after the class id, one list per line
    box: bool  # whether the fields are cx cy w h (else x y pairs)
    notes: list[str] = field(default_factory=list)


def _mask_size_note(mask: Mask, width: int, height: int) -> str | None:
    if (mask.width, mask.height) != (width, height):
        return f"the mask is {mask.width}x{mask.height} but its image is {width}x{height}"
    return None


def _detect(geometry: object, width: int, height: int) -> Shaped | str:
    if isinstance(geometry, Box):
        hull = geometry
    elif isinstance(geometry, RotatedBox):
        hull = rotated_box_hull(geometry)
    elif isinstance(geometry, Polygon):
        hull = polygon_bbox(geometry)
    elif isinstance(geometry, Mask):
        problem = _mask_size_note(geometry, width, height)
        found = None if problem else rle_bbox(geometry)
        if found is None:
            return problem or "the mask is empty"
        hull = found
    else:
        return ""
    return Shaped([box_fields(hull, width, height)], box=True)


def _polygon_lines(polygon: Polygon, width: int, height: int, what: str) -> Shaped:
    shaped = Shaped([], box=False)
    holes = sum(len(part.holes) for part in polygon.parts)
    for part in polygon.parts:
        shaped.lines.append(ring_fields(part.exterior, width, height))
    if len(polygon.parts) > 1:
        shaped.notes.append(
            f"YOLO has no multi-part objects: the {len(polygon.parts)} parts of this {what} "
            f"are written as {len(polygon.parts)} instances of its class"
        )
    if holes:
        area = sum(abs(ring_signed_area(h)) for part in polygon.parts for h in part.holes)
        shaped.notes.append(
            f"YOLO segment lines have no holes: {holes} hole{'s' if holes != 1 else ''} "
            f"({area:g} px²) of this {what} not written, so the outline covers them"
        )
    return shaped


def _segment(geometry: object, width: int, height: int) -> Shaped | str:
    if isinstance(geometry, Box):
        return Shaped([ring_fields(box_corners(geometry), width, height)], box=False)
    if isinstance(geometry, RotatedBox):
        return Shaped([oriented_fields(geometry, width, height)], box=False)
    if isinstance(geometry, Polygon):
        return _polygon_lines(geometry, width, height, "polygon")
    if isinstance(geometry, Mask):
        problem = _mask_size_note(geometry, width, height)
        if problem:
            return problem
        traced = mask_to_polygon(geometry)
        if traced.polygon is None:
            return "the mask has no region of 3 or more contour points to outline"
        shaped = _polygon_lines(traced.polygon, width, height, "mask (traced by its contours)")
        if traced.lost_pixels:
            shaped.notes.append(
                f"{traced.lost_pixels} pixels of the mask are in pieces too thin to outline"
            )
        return shaped
    return ""


def _oriented(geometry: object, width: int, height: int) -> Shaped | str:
    if isinstance(geometry, Box):
        return Shaped([ring_fields(box_corners(geometry), width, height)], box=False)
    if isinstance(geometry, RotatedBox):
        return Shaped([oriented_fields(geometry, width, height)], box=False)
    return ""


_BY_TASK = {"detect": _detect, "segment": _segment, "obb": _oriented}


def fields_for(task: Task, geometry: object, width: int, height: int) -> Shaped | str:
    """The lines of ``geometry`` for ``task``, or why it has none ('' = no form at all)."""
    return _BY_TASK[task](geometry, width, height)
