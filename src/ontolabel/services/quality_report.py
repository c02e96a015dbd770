"""The quality report as one self-contained HTML page: the agreement, gold and audit reports
(their REST JSON) as tables, with plots drawn by matplotlib and inlined as SVG (no scripts,
no files beside it, nothing fetched when it is opened)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape
from importlib import resources
from string import Template
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Json = Mapping[str, Any]


def _new_figure(width: float, height: float) -> Figure:
    # matplotlib is loaded when a report is drawn: importing it costs ~0.2 s, which every
    # command of the CLI would pay otherwise
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height))


def _svg(figure: Figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    # text stays text in the SVG (smaller, selectable), not paths
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        # no metadata block: no date (the same report renders the same bytes), no RDF
        figure.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            metadata={"Creator": None, "Date": None, "Format": None, "Type": None},
        )
    text = buffer.getvalue()
    # drop the XML prolog and doctype: the SVG lives inside the HTML page
    return text[text.index("<svg") :]


def _fmt(value: object, digits: int = 3) -> str:
    if value is None:
        return '<span class="undefined">—</span>'
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return escape(str(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def result_cells(result: Json | None) -> tuple[str, str]:
    """(value, confidence interval) of an AgreementResult, or the reason it is undefined."""
    if result is None:
        return _fmt(None), ""
    if result["value"] is None:
        return (
            f'<span class="undefined">undefined: {escape(result["undefined_reason"] or "")}</span>',
            "",
        )
    ci = result.get("ci")
    interval = f"[{ci['low']:.3f}, {ci['high']:.3f}] ({ci['level']:.0%})" if ci is not None else ""
    return f"{result['value']:.3f}", interval


def confusion_heatmap(confusion: Json, *, rows: str, columns: str) -> str:
    labels: list[str] = list(confusion["labels"])
    matrix: list[list[int]] = confusion["matrix"]
    size = max(3.0, 0.55 * len(labels) + 1.5)
    figure = _new_figure(size + 1.0, size)
    axes = figure.add_subplot()
    image = axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel(columns)
    axes.set_ylabel(rows)
    peak = max((max(r) for r in matrix), default=0)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            colour = "white" if peak and count > peak / 2 else "black"
            axes.text(j, i, str(count), ha="center", va="center", color=colour)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    return _svg(figure)


def class_agreement_plot(per_class: Sequence[Json], coefficient: str) -> str | None:
    """Each class's coefficient with its confidence interval as error bars."""
    points = []
    for entry in per_class:
        for result in entry["coefficients"]:
            if result["coefficient"] == coefficient and result["value"] is not None:
                points.append((entry["class"], result))
    if not points:
        return None
    figure = _new_figure(6.5, 0.45 * len(points) + 1.2)
    axes = figure.add_subplot()
    for y, (_name, result) in enumerate(points):
        ci = result.get("ci")
        value = result["value"]
        if ci is not None:
            axes.errorbar(
                value, y, xerr=[[value - ci["low"]], [ci["high"] - value]],
                fmt="o", color="#0969da", capsize=4,
            )  # fmt: skip
        else:
            axes.plot(value, y, "o", color="#0969da")
    axes.set_yticks(range(len(points)), [name for name, _ in points])
    axes.axvline(0.0, color="#8c959f", linewidth=0.8)
    axes.axvline(0.8, color="#1a7f37", linewidth=0.8, linestyle="--")
    axes.set_xlim(min(-0.2, *(r["ci"]["low"] for _, r in points if r.get("ci"))) - 0.05, 1.05)
    axes.set_xlabel(points[0][1]["label"])
    axes.invert_yaxis()
    return _svg(figure)


def timeline_plot(annotator: Json) -> str | None:
    """One annotator's item scores in time order, sessions shaded, session means drawn."""
    points = [p for p in annotator["timeline"] if p["score"] is not None]
    if not points:
        return None
    figure = _new_figure(8.0, 2.6)
    axes = figure.add_subplot()
    xs = list(range(len(points)))
    sessions = [p["session"] for p in points]
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or sessions[i] != sessions[start]:
            if sessions[start] % 2 == 0:
                axes.axvspan(start - 0.5, i - 0.5, color="#f6f8fa", zorder=0)
            chunk = [points[k]["score"] for k in range(start, i)]
            mean = sum(chunk) / len(chunk)
            axes.plot([start - 0.4, i - 0.6], [mean, mean], color="#cf222e", linewidth=1.2)
            start = i
    gold = [k for k, p in enumerate(points) if p["score_kind"] == "gold_f1"]
    peer = [k for k, p in enumerate(points) if p["score_kind"] == "peer_f1"]
    axes.scatter(
        peer, [points[k]["score"] for k in peer], s=10, color="#0969da", label="F1 vs peers"
    )
    axes.scatter(gold, [points[k]["score"] for k in gold], s=18, color="#bf8700", marker="D",
                 label="F1 vs gold")  # fmt: skip
    axes.set_ylim(-0.05, 1.05)
    axes.set_xlim(-0.5, len(xs) - 0.5)
    axes.set_xlabel("items in time order (shaded bands: work sessions; red: session mean)")
    axes.set_ylabel("F1")
    axes.legend(loc="lower left", fontsize=8, frameon=False)
    return _svg(figure)


def _agreement_section(report: Json) -> str:
    parts = ["<h2>Agreement between annotators</h2>"]
    parts.append(
        f"<p>{report['n_items']} items annotated by two or more of "
        f"{escape(', '.join(report['raters'])) or 'nobody'}; {report['n_units']} units "
        "(objects matched across annotators, and whole-item classes).</p>"
    )
    for note in report.get("notes", []):
        parts.append(f'<p class="note">{escape(note)}</p>')
    rows = []
    for result in report["coefficients"]:
        value, interval = result_cells(result)
        rows.append([escape(result["label"]), value, interval])
    if rows:
        parts.append(_table(["coefficient", "value", "confidence interval"], rows))
    plot = class_agreement_plot(report["per_class"], "krippendorff_alpha")
    if plot:
        parts.append(
            _figure(plot, "Agreement per class (the class against all others, over every unit), "
                          "with bootstrap confidence intervals; dashed line at 0.8.")
        )  # fmt: skip
    if report["pairwise"]:
        pair_rows = []
        for pair in report["pairwise"]:
            value, interval = result_cells(pair["cohen_kappa"])
            geometry = pair["geometry"]
            pair_rows.append([
                escape(f"{pair['a']} – {pair['b']}"), str(pair["n_items"]), value, interval,
                _fmt(geometry["f1"]), _fmt(geometry["mean_iou"]),
            ])  # fmt: skip
        parts.append("<h3>Pairs of annotators</h3>")
        parts.append(
            _table(["pair", "items", "Cohen's κ", "CI", "object F1", "mean IoU"], pair_rows)
        )
    if report["confusion"]["labels"]:
        parts.append(
            _figure(
                confusion_heatmap(report["confusion"], rows="one annotator", columns="another"),
                "Labels given to the same unit by two annotators, pooled over every pair "
                "(symmetric; ∅ = no object there).",
            )
        )
    return "\n".join(parts)


def _gold_section(report: Json) -> str:
    parts = [
        "<h2>Against gold</h2>",
        f"<p>{report['n_gold_items']} gold items with work in scope.</p>",
    ]
    rows = [
        [escape(a["annotator"]), str(a["n_items"]), _fmt(a["f1"]), _fmt(a["precision"]),
         _fmt(a["recall"]), _fmt(a["mean_iou"]), _fmt(a["dice"]), _fmt(a["accuracy"]),
         _fmt(a["cer"]), _fmt(a["wer"])]
        for a in report["annotators"]
    ]  # fmt: skip
    if rows:
        parts.append(_table(
            ["annotator", "items", "F1", "precision", "recall", "mean IoU", "Dice", "accuracy",
             "CER", "WER"], rows))  # fmt: skip
    if report["confusion"]["labels"]:
        parts.append(
            _figure(
                confusion_heatmap(report["confusion"], rows="gold", columns="annotated"),
                "Classes: gold (rows) against what annotators gave (columns), pooled.",
            )
        )
    return "\n".join(parts)


def _audit_section(report: Json) -> str:
    parts = ["<h2>Annotator audit</h2>"]
    findings = report["findings"]
    if findings:
        items = "".join(f"<li>{escape(f)}</li>" for f in findings)
        parts.append(f'<h3>Findings</h3><ol class="findings">{items}</ol>')
    else:
        parts.append(
            f"<p>No finding at α = {report['options']['alpha']}: no annotator, class, session "
            "position or ontology version stands out.</p>"
        )
    rows = []
    for a in report["annotators"]:
        value, interval = result_cells(a["agreement_with_peers"])
        rows.append([
            escape(a["annotator"]), str(a["n_items"]), str(a["n_sessions"]),
            _fmt(a["median_seconds_per_item"], 1), _fmt(a["items_per_hour"], 1),
            value, interval, _fmt(a["peer_f1"]), _fmt(a["gold_f1"]),
            escape(a["drift"]["verdict"]),
        ])  # fmt: skip
    if rows:
        parts.append(_table(
            ["annotator", "items", "sessions", "median s/item", "items/hour", "α with peers",
             "CI", "F1 vs peers", "F1 vs gold", "late-session drop"], rows))  # fmt: skip
    for a in report["annotators"]:
        plot = timeline_plot(a)
        if plot:
            parts.append(f"<h3>{escape(a['annotator'])}</h3>")
            parts.append(_figure(plot, a["drift"]["detail"]))
    gap = report["options"]["session_gap_minutes"]
    parts.append(
        f'<p class="meta">Time per item is estimated from submit times: from the previous submit '
        f"in the same session (sessions end at pauses over {gap:g} minutes); the first item of "
        f"each session has no estimate.</p>"
    )
    return "\n".join(parts)


def render_report(
    project: str,
    *,
    agreement: Json | None = None,
    gold: Json | None = None,
    audit: Json | None = None,
    generated: datetime | None = None,
) -> str:
    """The HTML page for whichever reports are given (their REST JSON)."""
    sections = []
    if agreement is not None:
        sections.append(_agreement_section(agreement))
    if gold is not None:
        sections.append(_gold_section(gold))
    if audit is not None:
        sections.append(_audit_section(audit))
    any_report = agreement or gold or audit
    filters = any_report["filters"] if any_report else {}
    shown = ", ".join(
        f"{k}: {', '.join(v) if isinstance(v, list) else v}"
        for k, v in filters.items()
        if v not in (None, [])
    )
    meta = f"generated {(generated or datetime.now()).isoformat(timespec='seconds')}"
    if shown:
        meta += f"; filters: {shown}"
    template = Template(
        resources.files("ontolabel.services")
        .joinpath("templates", "quality_report.html")
        .read_text("utf-8")
    )
    return template.substitute(project=escape(project), meta=escape(meta), body="\n".join(sections))
