"""``ontolabel qa agreement|gold|audit PROJECT``: quality reports in the terminal, as the
REST JSON (``--json``), or as one self-contained HTML page with plots (``--html``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel
from rich.markup import escape
from rich.table import Column, Table

from ontolabel.cli.console import console, err_console, fail_cleanly
from ontolabel.cli.progress import count_bar
from ontolabel.cli.projects import find_project
from ontolabel.cli.workspace import (
    DEFAULT_DATA_DIR,
    DEFAULT_USER,
    ActingUser,
    DatabaseUrl,
    DataDir,
    acting_user,
    opened,
)
from ontolabel.errors import NotFound
from ontolabel.server.quality_models import AgreementReportBody, AuditReportBody, GoldReportBody
from ontolabel.services.quality_agreement import AgreementOptions, agreement_report
from ontolabel.services.quality_audit import AuditSettings, audit_report
from ontolabel.services.quality_gold import gold_report
from ontolabel.services.quality_report import render_report
from ontolabel.services.quality_scope import ItemProgress, QualityFilters
from ontolabel.services.workspace import Workspace

app = typer.Typer(
    help="Quality reports: agreement, gold scores, annotator audit.", no_args_is_help=True
)

ProjectArg = Annotated[str, typer.Argument(help="Project name (or id).")]
ClassOpt = Annotated[
    list[str] | None,
    typer.Option("--class", help="Only this class and its descendants (repeatable)."),
]
AnnotatorOpt = Annotated[
    list[str] | None, typer.Option("--annotator", help="Only this annotator (repeatable).")
]
SinceOpt = Annotated[
    datetime | None,
    typer.Option(formats=["%Y-%m-%d"], help="Only work saved on or after this day (UTC)."),
]
UntilOpt = Annotated[
    datetime | None,
    typer.Option(formats=["%Y-%m-%d"], help="Only work saved on or before this day (UTC)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the report as the REST API's JSON.")]
HtmlOpt = Annotated[
    Path | None,
    typer.Option(
        "--html",
        dir_okay=False,
        help="Write the full quality report (agreement, gold, audit) as one HTML page with plots.",
    ),
]
ResamplesOpt = Annotated[
    int, typer.Option("--resamples", min=0, help="Bootstrap resamples for the intervals (0: none).")
]

Body = TypeVar("Body", bound=BaseModel)


def _filters(
    classes: list[str] | None,
    annotators: list[str] | None,
    since: datetime | None,
    until: datetime | None,
) -> QualityFilters:
    return QualityFilters(
        tuple(classes or ()),
        tuple(annotators or ()),
        since.date() if since else None,
        until.date() if until else None,
    )


def _collect(title: str, run: Callable[[ItemProgress], Body]) -> Body:
    with count_bar(title) as bar:
        return run(lambda done, total: bar(done, total))


def _json(body: BaseModel) -> None:
    # the same JSON value the REST endpoint answers
    console.print_json(json.dumps(body.model_dump(mode="json", by_alias=True), ensure_ascii=False))


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _result(result: Any) -> tuple[str, str, str]:
    """(value, CI, n) of an AgreementResult body; the reason when undefined."""
    if result is None:
        return "—", "", ""
    used = result.counts.get("units_used", result.counts.get("units"))
    n = "" if used is None else str(int(used))
    if result.value is None:
        return f"[dim]undefined: {escape(result.undefined_reason or '')}[/]", "", n
    ci = result.ci
    interval = f"[{ci.low:.3f}, {ci.high:.3f}]" if ci is not None else ""
    return f"{result.value:.3f}", interval, n


def _p(p: float) -> str:
    return f"p = {p:.2g}" if p >= 0.0001 else "p < 0.0001"


def _need_two_annotators(body: AgreementReportBody) -> None:
    if body.n_items == 0:
        raise NotFound(
            "no item in scope has submitted work from two or more annotators",
            hint="agreement needs items annotated independently by at least two people; "
            "loosen the filters or assign items to more annotators",
        )


def _write_html(
    ws: Workspace, project: str, project_id: int, user_id: int, filters: QualityFilters,
    resamples: int, path: Path, known: dict[str, BaseModel],
) -> None:  # fmt: skip
    """The full report; reports already computed for the command are reused."""
    agreement = known.get("agreement") or _collect(
        "agreement",
        lambda progress: AgreementReportBody.model_validate(
            agreement_report(
                ws, project_id, user_id=user_id, filters=filters, progress=progress,
                options=AgreementOptions(ci=resamples > 0, n_resamples=max(resamples, 1)),
            ).to_dict()
        ),
    )  # fmt: skip
    gold = known.get("gold") or _collect(
        "gold",
        lambda progress: GoldReportBody.model_validate(
            gold_report(
                ws, project_id, user_id=user_id, filters=filters, progress=progress
            ).to_dict()
        ),
    )
    audit = known.get("audit") or _collect(
        "audit",
        lambda progress: AuditReportBody.model_validate(
            audit_report(
                ws, project_id, user_id=user_id, filters=filters, progress=progress,
                settings=AuditSettings(ci=resamples > 0, n_resamples=max(resamples, 1)),
            ).to_dict()
        ),
    )  # fmt: skip
    page = render_report(
        project,
        agreement=agreement.model_dump(mode="json", by_alias=True),
        gold=gold.model_dump(mode="json", by_alias=True),
        audit=audit.model_dump(mode="json", by_alias=True),
    )
    path.write_text(page, "utf-8")
    err_console.print(f"wrote {escape(str(path))} ({len(page) // 1024} KiB)")


@app.command("agreement")
@fail_cleanly
def agreement(
    project: ProjectArg,
    classes: ClassOpt = None,
    annotators: AnnotatorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_json: JsonOpt = False,
    html: HtmlOpt = None,
    resamples: ResamplesOpt = 1000,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Chance-corrected agreement over matched objects and whole-item classes."""
    filters = _filters(classes, annotators, since, until)
    with opened(data_dir, database_url) as ws:
        viewer = acting_user(ws, user)
        info = find_project(ws, project, viewer.id)
        body = _collect(
            "collecting",
            lambda progress: AgreementReportBody.model_validate(
                agreement_report(
                    ws, info.id, user_id=viewer.id, filters=filters, progress=progress,
                    options=AgreementOptions(ci=resamples > 0, n_resamples=max(resamples, 1)),
                ).to_dict()
            ),
        )  # fmt: skip
        if as_json:
            _json(body)
        else:
            _need_two_annotators(body)
            _print_agreement(info.name, body)
        if html is not None:
            _write_html(ws, info.name, info.id, viewer.id, filters, resamples, html,
                        {"agreement": body})  # fmt: skip


def _print_agreement(name: str, body: AgreementReportBody) -> None:
    console.print(
        f"[bold]{escape(name)}[/]: {body.n_items} items annotated by two or more of "
        f"{escape(', '.join(body.raters))}; {body.n_units} units"
    )
    table = Table(Column("coefficient", no_wrap=True), "value", "95% CI", "n", title="Agreement")
    for result in body.coefficients:
        table.add_row(escape(result.label), *_result(result))
    console.print(table)
    per_class = Table("class", "units", "coefficient", "value", "95% CI", title="Per class")
    for entry in body.per_class:
        for result in entry.coefficients:
            value, ci, _ = _result(result)
            per_class.add_row(
                escape(entry.class_), str(entry.n_units), escape(result.label), value, ci
            )
    console.print(per_class)
    pairs = Table(
        Column("a", no_wrap=True), Column("b", no_wrap=True), "items", "Cohen's κ", "95% CI",
        "object F1", "mean IoU", title="Pairs",
    )  # fmt: skip
    for pair in body.pairwise:
        value, ci, _ = _result(pair.cohen_kappa)
        pairs.add_row(
            escape(pair.a), escape(pair.b), str(pair.n_items), value, ci,
            _num(pair.geometry.f1), _num(pair.geometry.mean_iou),
        )  # fmt: skip
    console.print(pairs)


@app.command("gold")
@fail_cleanly
def gold(
    project: ProjectArg,
    classes: ClassOpt = None,
    annotators: AnnotatorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_json: JsonOpt = False,
    html: HtmlOpt = None,
    resamples: ResamplesOpt = 1000,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Each annotator's work on gold items, scored against the gold."""
    filters = _filters(classes, annotators, since, until)
    with opened(data_dir, database_url) as ws:
        viewer = acting_user(ws, user)
        info = find_project(ws, project, viewer.id)
        body = _collect(
            "collecting",
            lambda progress: GoldReportBody.model_validate(
                gold_report(
                    ws, info.id, user_id=viewer.id, filters=filters, progress=progress
                ).to_dict()
            ),
        )
        if as_json:
            _json(body)
        elif body.n_gold_items == 0:
            raise NotFound(
                "no gold item in scope has submitted work",
                hint="mark reference answers with `ontolabel gold set PROJECT ITEM`",
            )
        else:
            _print_gold(info.name, body)
        if html is not None:
            _write_html(ws, info.name, info.id, viewer.id, filters, resamples, html, {"gold": body})


def _print_gold(name: str, body: GoldReportBody) -> None:
    console.print(f"[bold]{escape(name)}[/]: {body.n_gold_items} gold items")
    table = Table(
        "annotator", "items", "F1", "precision", "recall", "mean IoU", "Dice", "accuracy",
        "CER", "WER", title="Against gold",
    )  # fmt: skip
    for a in body.annotators:
        table.add_row(
            escape(a.annotator), str(a.n_items), _num(a.f1), _num(a.precision), _num(a.recall),
            _num(a.mean_iou), _num(a.dice), _num(a.accuracy), _num(a.cer), _num(a.wer),
        )  # fmt: skip
    console.print(table)
    per_class = Table(
        "annotator", "class", "support", "F1", "precision", "recall", title="Per class"
    )
    for a in body.annotators:
        for c in a.per_class:
            per_class.add_row(
                escape(a.annotator), escape(c.class_), str(c.support), _num(c.f1),
                _num(c.precision), _num(c.recall),
            )  # fmt: skip
    console.print(per_class)


@app.command("audit")
@fail_cleanly
def audit(
    project: ProjectArg,
    classes: ClassOpt = None,
    annotators: AnnotatorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_json: JsonOpt = False,
    html: HtmlOpt = None,
    resamples: ResamplesOpt = 1000,
    session_gap: Annotated[
        float, typer.Option(min=1, help="A pause longer than this (minutes) ends a session.")
    ] = 30.0,
    alpha: Annotated[float, typer.Option(min=0.0001, max=0.5, help="Significance level.")] = 0.05,
    user: ActingUser = DEFAULT_USER,
    data_dir: DataDir = DEFAULT_DATA_DIR,
    database_url: DatabaseUrl = None,
) -> None:
    """Per annotator: time per item, sessions, throughput, quality over time, drift tests,
    and the findings that tell the cause of a drop apart."""
    filters = _filters(classes, annotators, since, until)
    with opened(data_dir, database_url) as ws:
        viewer = acting_user(ws, user)
        info = find_project(ws, project, viewer.id)
        body = _collect(
            "collecting",
            lambda progress: AuditReportBody.model_validate(
                audit_report(
                    ws, info.id, user_id=viewer.id, filters=filters, progress=progress,
                    settings=AuditSettings(
                        session_gap_minutes=session_gap, alpha=alpha, ci=resamples > 0,
                        n_resamples=max(resamples, 1),
                    ),
                ).to_dict()
            ),
        )  # fmt: skip
        if as_json:
            _json(body)
        elif not body.annotators:
            raise NotFound(
                "no submitted work in scope",
                hint="the audit reads submitted annotations; loosen the filters",
            )
        else:
            _print_audit(info.name, body)
        if html is not None:
            _write_html(
                ws, info.name, info.id, viewer.id, filters, resamples, html, {"audit": body}
            )


def _print_audit(name: str, body: AuditReportBody) -> None:
    table = Table(
        Column("annotator", no_wrap=True), "items", "sessions", "s/item", "items/h",
        "α with peers (95% CI)", "F1 peers", "F1 gold", "late-session drop (p)",
        title=f"Annotator audit: {escape(name)}",
    )  # fmt: skip
    for a in body.annotators:
        value, ci, _ = _result(a.agreement_with_peers)
        p = "" if a.drift.p_value is None else f" ({_p(a.drift.p_value)})"
        table.add_row(
            escape(a.annotator), str(a.n_items), str(a.n_sessions),
            _num(a.median_seconds_per_item, 1), _num(a.items_per_hour, 1),
            f"{value} {ci}".strip(), _num(a.peer_f1), _num(a.gold_f1),
            a.drift.verdict + p,
        )  # fmt: skip
    console.print(table)
    console.print(
        f"[dim]s/item: median seconds since the previous submit in the same session "
        f"(sessions end at pauses over {body.options.session_gap_minutes:g} min)[/]"
    )
    if body.findings:
        console.print("[bold]Findings[/] (strongest evidence first):")
        for i, finding in enumerate(body.findings, start=1):
            console.print(f"  {i}. {escape(finding)}")
    else:
        console.print(
            f"no finding at α = {body.options.alpha}: no annotator, class, session position or "
            "ontology version stands out"
        )
