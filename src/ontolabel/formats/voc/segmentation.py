"""VOC's segmentation PNGs <-> mask objects.

``SegmentationObject/<id>.png`` numbers the instances of an image (1, 2, ...; 0 is
background, 255 the "void" border), ``SegmentationClass/<id>.png`` gives each pixel's class
(its index in ``labelmap.txt``, or in VOC's own label list when there is none). Both are
paletted PNGs in VOC's palette; some tools write them as RGB, so colours are read back
through the palette (``labelmap.txt`` may give other colours: those are used).

Import: each instance becomes a mask object (id ``mask:<k>``) of the class most of its
pixels have; a class PNG without an instance PNG gives one mask per class. Export writes
both PNGs for the items with mask objects (instances numbered in object order; where masks
overlap the later one keeps the pixels, and the loss is reported).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, UnidentifiedImageError

from ontolabel.core.annotation import AnnotationObject
from ontolabel.core.geometry import Mask
from ontolabel.core.geometry.mask import rle_decode, rle_encode
from ontolabel.formats.voc.palette import VOC_LABELS, VOID, voc_color

SEGMENTATION_CLASS = "SegmentationClass"
SEGMENTATION_OBJECT = "SegmentationObject"
Rgb = tuple[int, int, int]


class SegmentationError(ValueError):
    """A segmentation PNG cannot be read; the message says why."""


@dataclass(frozen=True)
class LabelMap:
    """Labels in index order with their colours (``labelmap.txt``, else VOC's own)."""

    names: list[str]
    colors: list[Rgb]

    @classmethod
    def default(cls) -> LabelMap:
        return cls(list(VOC_LABELS), [voc_color(i) for i in range(len(VOC_LABELS))])

    @classmethod
    def read(cls, path: Path) -> LabelMap:
        """``labelmap.txt`` (``name:r,g,b:parts:actions`` a line); ValueError when malformed."""
        names: list[str] = []
        colors: list[Rgb] = []
        with path.open(encoding="utf-8-sig") as f:
            for number, line in enumerate(f, start=1):
                text = line.strip()
                if not text or text.startswith("#"):
                    continue
                fields = text.split(":")
                color = fields[1].split(",") if len(fields) > 1 and fields[1] else []
                try:
                    rgb = tuple(int(c) for c in color) if color else voc_color(len(names))
                except ValueError:
                    raise ValueError(f"line {number}: colour {fields[1]!r} is not r,g,b") from None
                if len(rgb) != 3 or not all(0 <= c <= 255 for c in rgb):
                    raise ValueError(f"line {number}: colour {fields[1]!r} is not r,g,b")
                names.append(fields[0])
                colors.append((rgb[0], rgb[1], rgb[2]))
        return cls(names, colors)


def _indices(path: Path, colors: Sequence[Rgb]) -> npt.NDArray[np.int32]:
    """Per-pixel label indices of a segmentation PNG, by the pixels' colours; a paletted
    PNG whose colours are not ``colors`` is read by its own indices."""
    try:
        with Image.open(path) as image:
            raw = np.asarray(image, dtype=np.int32) if image.mode == "P" else None
            rgb = np.asarray(image.convert("RGB"), dtype=np.int32)
    except (OSError, UnidentifiedImageError) as exc:
        raise SegmentationError(f"not a readable PNG: {exc}") from exc
    keys = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    out = np.full(keys.shape, -1, dtype=np.int32)
    for index, (r, g, b) in reversed(list(enumerate(colors))):  # the first index wins
        out[keys == ((r << 16) | (g << 8) | b)] = index
    if (out < 0).any():
        if raw is not None:
            return raw
        y, x = (int(v[0]) for v in np.nonzero(out < 0))
        raise SegmentationError(
            f"pixel ({x}, {y}) has colour {tuple(int(c) for c in rgb[y, x])}, no label's"
        )
    return out


def read_masks(root: Path, image_id: str, labels: LabelMap) -> list[AnnotationObject]:
    """The mask objects of an image's segmentation PNGs (none when it has no PNGs)."""
    class_png = root / SEGMENTATION_CLASS / f"{image_id}.png"
    object_png = root / SEGMENTATION_OBJECT / f"{image_id}.png"
    if not class_png.is_file():
        if object_png.is_file():
            raise SegmentationError(
                f"{SEGMENTATION_OBJECT}/{image_id}.png has no {SEGMENTATION_CLASS} PNG to give "
                "its instances a class"
            )
        return []
    palette = [*labels.colors, *(voc_color(i) for i in range(len(labels.colors), 256))]
    palette[VOID] = voc_color(VOID)
    classes = _indices(class_png, palette)
    if object_png.is_file():
        instances = _indices(object_png, [voc_color(i) for i in range(256)])
        if instances.shape != classes.shape:
            raise SegmentationError(
                f"{SEGMENTATION_OBJECT} is {instances.shape[1]}x{instances.shape[0]}, "
                f"{SEGMENTATION_CLASS} {classes.shape[1]}x{classes.shape[0]}"
            )
    else:
        instances = np.where((classes > 0) & (classes != VOID), classes, 0)
    found: list[AnnotationObject] = []
    for k in sorted(int(v) for v in np.unique(instances) if 0 < v < VOID):
        pixels = instances == k
        owners = classes[pixels]
        owners = owners[(owners > 0) & (owners != VOID) & (owners < len(labels.names))]
        if owners.size == 0:
            raise SegmentationError(f"instance {k} has no class in {SEGMENTATION_CLASS}")
        label = labels.names[int(np.bincount(owners).argmax())]
        found.append(
            AnnotationObject(
                id=f"mask:{len(found) + 1}",
                class_name=label,
                geometry=rle_encode(pixels.astype(np.uint8)),
            )
        )
    return found


def _png(indices: npt.NDArray[np.uint8], palette: Sequence[Rgb]) -> bytes:
    image = Image.fromarray(indices, mode="P")
    flat = [c for rgb in palette for c in rgb]
    image.putpalette(flat + [0] * (768 - len(flat)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def write_masks(
    masks: Sequence[tuple[AnnotationObject, int]],
    height: int,
    width: int,
    labels: LabelMap,
) -> tuple[bytes, bytes, list[tuple[int, str]]]:
    """(class PNG, object PNG, [(index in ``masks``, what was lost)]) of an image's masks,
    each given with its class's index in ``labels``."""
    classes = np.zeros((height, width), dtype=np.uint8)
    instances = np.zeros((height, width), dtype=np.uint8)
    lost: list[tuple[int, str]] = []
    for k, (obj, label) in enumerate(masks, start=1):
        assert isinstance(obj.geometry, Mask)
        pixels = rle_decode(obj.geometry).astype(bool)
        taken = int((pixels & (instances > 0)).sum())
        if taken:
            lost.append((k - 1, f"{taken} pixels overlap an earlier mask, which loses them"))
        instances[pixels] = k
        classes[pixels] = label
    palette = [*labels.colors, *(voc_color(i) for i in range(len(labels.colors), 256))]
    object_palette = [voc_color(i) for i in range(256)]
    return _png(classes, palette), _png(instances, object_palette), lost
