"""The admin API's moderation side: the audit log, reports both ways, and hiding,
opening or reporting a peer's item."""

from __future__ import annotations

from node.api.admin import who
from node.api.endpoints import Call, Endpoint
from node.errors import NotFound
from schemas.admin import (
    AuditList,
    AuditOut,
    AuditQuery,
    HideItem,
    OpenItem,
    ReportItem,
    ReportList,
    ReportOut,
    ReportSent,
)
from schemas.vocab import Role


async def audit_log(call: Call) -> AuditList:
    query = call.query_as(AuditQuery)
    entries = await call.services.oversight.audit(query.subject, query.limit)
    return AuditList(entries=[AuditOut(**e.__dict__) for e in entries])


async def list_reports(call: Call) -> ReportList:
    reports = await call.services.oversight.reports()
    return ReportList(reports=[ReportOut(**r.__dict__) for r in reports])


async def resolve_report(call: Call) -> None:
    report_id = call.row_id()
    if report_id is None:
        raise NotFound(f"No open report {call.match('id')!r}.", reason="report-unknown")
    await call.services.moderation.resolve(report_id, who=who(call))


async def hide_item(call: Call) -> None:
    body = call.body_as(HideItem)
    await call.services.moderation.hide(
        body.id, hidden=body.hidden, who=who(call), reason=body.reason
    )


async def open_item(call: Call) -> None:
    body = call.body_as(OpenItem)
    await call.services.moderation.open_item(
        body.id, opened=body.opened, who=who(call), reason=body.reason
    )


async def report_item(call: Call) -> ReportSent:
    body = call.body_as(ReportItem)
    flag = await call.services.moderation.report(body.id, body.content, who=who(call))
    return ReportSent(activity_id=flag)


def moderation_endpoints() -> list[Endpoint]:
    base, admin = "/api/v1/admin", Role.ADMIN
    bad = (400, 401, 403, 413, 415, 422)
    return [
        Endpoint(
            "GET",
            f"{base}/audit",
            audit_log,
            "listAudit",
            "The audit log, newest first",
            AuditList,
            query=AuditQuery,
            role=admin,
            errors=(401, 403, 422),
        ),
        Endpoint(
            "GET",
            f"{base}/reports",
            list_reports,
            "listReports",
            "Reports received and sent",
            ReportList,
            role=admin,
            errors=(401, 403),
        ),
        Endpoint(
            "POST",
            f"{base}/reports/{{id}}/resolve",
            resolve_report,
            "resolveReport",
            "Mark a report resolved",
            None,
            204,
            role=admin,
            errors=(401, 403, 404),
        ),
        Endpoint(
            "POST",
            f"{base}/remote-items/hide",
            hide_item,
            "hideRemoteItem",
            "Hide (or show again) a peer's item on this node",
            None,
            204,
            body=HideItem,
            role=admin,
            errors=(*bad, 404),
        ),
        Endpoint(
            "POST",
            f"{base}/remote-items/open",
            open_item,
            "openRemoteItem",
            "Let a limited peer's item into the feed and matches (or not)",
            None,
            204,
            body=OpenItem,
            role=admin,
            errors=(*bad, 404),
        ),
        Endpoint(
            "POST",
            f"{base}/remote-items/report",
            report_item,
            "reportRemoteItem",
            "Report a peer's item to its origin with a Flag",
            ReportSent,
            201,
            body=ReportItem,
            role=admin,
            errors=(*bad, 404, 502),
        ),
    ]
