"""The words of notifications, in English and Spanish, rendered from an event's data.

``render`` gives a subject, a few lines and the direct link; email, the digest
and the unsubscribe page all take their strings from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from node.clock import from_text

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "claim.received": "{group} claimed {amount} of “{title}”",
        "claim.received.line": "They would like {amount} of your {purpose} “{title}”. "
        "Accept, hold or reject the claim on the item's page.",
        "claim.answered.accepted": "{group} accepted your claim on “{title}”",
        "claim.answered.tentative": "{group} is holding {amount} of “{title}” for you",
        "claim.answered.rejected": "{group} could not accept your claim on “{title}”",
        "claim.answered.line": "Your claim: {amount}.",
        "claim.answered.hold": "The hold lasts until {until}.",
        "claim.answered.reason": "Their reason: {reason}",
        "match.suggested": "A strong match for your urgent {purpose} “{title}”",
        "match.suggested.line": "{group} has “{theirs}” (score {score}).",
        "item.expiring": "Your {purpose} “{title}” ends within 24 hours",
        "item.expiring.line": "It ends at {until}. Renew it if it is still needed.",
        "item.expiring.action": "Renew",
        "follow.requested": "{host} asks to follow the group",
        "follow.requested.line": "Approve or reject the request: {actor}",
        "key.changed": "A peer's key changed: {host}",
        "key.changed.line": "The key {key_id} has a new fingerprint {fingerprint}.",
        "delivery.failing": "Deliveries to {host} have failed for over a day",
        "delivery.failing.line": "{count} activities wait since {since}. Last error: {error}",
        "notice.failed": "A notification could not be sent ({channel})",
        "notice.failed.line": "To {recipient}: {error}",
        "webhook.test": "Test notification",
        "webhook.test.line": "This endpoint receives the node's notifications.",
        "open": "Open",
        "offer": "offer",
        "request": "request",
        "footer": "You receive this because of your notification settings on {node}.",
        "unsubscribe": "Stop these emails",
        "digest.subject": "{node}: your daily summary for {date}",
        "digest.open_items": "Open items ({count})",
        "digest.claims": "Claims waiting for an answer ({count})",
        "digest.expiring": "Ending within 24 hours ({count})",
        "digest.matches": "New matches ({count})",
        "digest.follows": "Follow requests waiting ({count})",
        "digest.failing": "Peers not receiving deliveries ({count})",
        "digest.more": "…and {count} more",
        "digest.nothing": "Nothing new today.",
        "digest.claim_line": "{group}: {amount} of “{title}”",
        "digest.item_line": "{purpose} “{title}”: {available} of {total} left{ends}",
        "digest.ends": ", ends {until}",
        "digest.match_line": "“{ours}” ↔ “{theirs}” ({group}, score {score})",
        "unsubscribe.title": "Stop notification emails",
        "unsubscribe.ask": "Stop all notification emails and the daily digest to {email}?",
        "unsubscribe.button": "Stop emails",
        "unsubscribe.done": "Done: no more notification emails go to {email}. You can turn "
        "them on again in your notification settings.",
        "unsubscribe.invalid": "This link is not valid. Sign in to change your settings.",
    },
    "es": {
        "claim.received": "{group} ha pedido {amount} de «{title}»",
        "claim.received.line": "Quieren {amount} de vuestra {purpose} «{title}». "
        "Aceptad, reservad o rechazad la petición en su página.",
        "claim.answered.accepted": "{group} ha aceptado vuestra petición de «{title}»",
        "claim.answered.tentative": "{group} os reserva {amount} de «{title}»",
        "claim.answered.rejected": "{group} no ha podido aceptar vuestra petición de «{title}»",
        "claim.answered.line": "Vuestra petición: {amount}.",
        "claim.answered.hold": "La reserva dura hasta {until}.",
        "claim.answered.reason": "Su motivo: {reason}",
        "match.suggested": "Una coincidencia fuerte para vuestra {purpose} urgente «{title}»",
        "match.suggested.line": "{group} tiene «{theirs}» (puntuación {score}).",
        "item.expiring": "Vuestra {purpose} «{title}» termina en menos de 24 horas",
        "item.expiring.line": "Termina el {until}. Renovadla si todavía hace falta.",
        "item.expiring.action": "Renovar",
        "follow.requested": "{host} pide seguir al grupo",
        "follow.requested.line": "Aprobad o rechazad la solicitud: {actor}",
        "key.changed": "Ha cambiado la clave de un nodo: {host}",
        "key.changed.line": "La clave {key_id} tiene una huella nueva {fingerprint}.",
        "delivery.failing": "Los envíos a {host} fallan desde hace más de un día",
        "delivery.failing.line": "{count} actividades esperan desde {since}. Último error: {error}",
        "notice.failed": "No se ha podido enviar una notificación ({channel})",
        "notice.failed.line": "A {recipient}: {error}",
        "webhook.test": "Notificación de prueba",
        "webhook.test.line": "Este destino recibe las notificaciones del nodo.",
        "open": "Abrir",
        "offer": "oferta",
        "request": "solicitud",
        "footer": "Recibís esto por vuestra configuración de notificaciones en {node}.",
        "unsubscribe": "Dejar de recibir estos correos",
        "digest.subject": "{node}: vuestro resumen diario del {date}",
        "digest.open_items": "Publicaciones abiertas ({count})",
        "digest.claims": "Peticiones pendientes de respuesta ({count})",
        "digest.expiring": "Terminan en menos de 24 horas ({count})",
        "digest.matches": "Coincidencias nuevas ({count})",
        "digest.follows": "Solicitudes de seguimiento pendientes ({count})",
        "digest.failing": "Nodos que no reciben los envíos ({count})",
        "digest.more": "…y {count} más",
        "digest.nothing": "Nada nuevo hoy.",
        "digest.claim_line": "{group}: {amount} de «{title}»",
        "digest.item_line": "{purpose} «{title}»: quedan {available} de {total}{ends}",
        "digest.ends": ", termina el {until}",
        "digest.match_line": "«{ours}» ↔ «{theirs}» ({group}, puntuación {score})",
        "unsubscribe.title": "Dejar de recibir correos de notificación",
        "unsubscribe.ask": "¿Dejar de enviar correos de notificación y el resumen diario "
        "a {email}?",
        "unsubscribe.button": "Dejar de recibir correos",
        "unsubscribe.done": "Hecho: no se enviarán más correos de notificación a {email}. "
        "Podéis volver a activarlos en vuestra configuración.",
        "unsubscribe.invalid": "Este enlace no es válido. Entrad para cambiar la configuración.",
    },
}

UNITS: dict[str, dict[str, tuple[str, str]]] = {
    # (singular, plural)
    "en": {
        "one": ("unit", "units"),
        "gram": ("g", "g"),
        "kilogram": ("kg", "kg"),
        "millilitre": ("ml", "ml"),
        "litre": ("litre", "litres"),
        "metre": ("m", "m"),
        "hour": ("hour", "hours"),
        "day": ("day", "days"),
        "week": ("week", "weeks"),
    },
    "es": {
        "one": ("unidad", "unidades"),
        "gram": ("g", "g"),
        "kilogram": ("kg", "kg"),
        "millilitre": ("ml", "ml"),
        "litre": ("litro", "litros"),
        "metre": ("m", "m"),
        "hour": ("hora", "horas"),
        "day": ("día", "días"),
        "week": ("semana", "semanas"),
    },
}


def text(language: str, key: str, **values: Any) -> str:
    catalog = STRINGS.get(language, STRINGS["en"])
    return catalog.get(key, STRINGS["en"][key]).format(**values)


def amount(language: str, quantity: float, unit: str) -> str:
    number = f"{quantity:g}"
    if language == "es":
        number = number.replace(".", ",")
    singular, plural = UNITS.get(language, UNITS["en"]).get(unit, (unit, unit))
    return f"{number} {singular if quantity == 1 else plural}"


def when(language: str, moment: str, zone: str = "UTC") -> str:
    """A stored UTC timestamp in the reader's time zone: ``2026-03-02 19:00 CET``."""
    local = from_text(moment).astimezone(ZoneInfo(zone))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    lines: list[str]
    link: str
    action: tuple[str, str] | None = None


def _item(data: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = data.get("item") or {}
    return item


def render(kind: str, data: dict[str, Any], language: str, zone: str = "UTC") -> Rendered:
    """Subject, lines and link of one notification in ``language``, times in ``zone``."""

    def t(key: str, **values: Any) -> str:
        return text(language, key, **values)

    link = str(data.get("link", ""))
    group = (data.get("group") or {}).get("name", "")
    if kind == "claim.received":
        item = _item(data)
        qty = amount(language, data["quantity"], data["unit"])
        values = {
            "group": group,
            "amount": qty,
            "title": item["title"],
            "purpose": t(item["purpose"]),
        }
        return Rendered(t(kind, **values), [t("claim.received.line", **values)], link)
    if kind == "claim.answered":
        item = _item(data)
        qty = amount(language, data["quantity"], data["unit"])
        values = {"group": group, "amount": qty, "title": item["title"]}
        lines = [t("claim.answered.line", **values)]
        if data.get("hold_until"):
            lines.append(t("claim.answered.hold", until=when(language, data["hold_until"], zone)))
        if data.get("reason"):
            lines.append(t("claim.answered.reason", reason=data["reason"]))
        return Rendered(t(f"claim.answered.{data['answer']}", **values), lines, link)
    if kind == "match.suggested":
        ours, theirs = data["ours"], data["theirs"]
        subject = t(kind, purpose=t(ours["purpose"]), title=ours["title"])
        line = t(
            "match.suggested.line",
            group=group,
            theirs=theirs["title"],
            score=f"{data['score']:.2f}",
        )
        return Rendered(subject, [line], link)
    if kind == "item.expiring":
        item = _item(data)
        subject = t(kind, purpose=t(item["purpose"]), title=item["title"])
        line = t("item.expiring.line", until=when(language, item["ends_at"], zone))
        return Rendered(subject, [line], link, (t("item.expiring.action"), link))
    if kind == "follow.requested":
        return Rendered(
            t(kind, host=data["host"]), [t("follow.requested.line", actor=data["actor"])], link
        )
    if kind == "key.changed":
        line = t("key.changed.line", key_id=data["key_id"], fingerprint=data["fingerprint"][:16])
        return Rendered(t(kind, host=data["host"]), [line], link)
    if kind == "delivery.failing":
        since = when(language, data["failing_since"], zone)
        line = t(
            "delivery.failing.line",
            count=data["undelivered"],
            since=since,
            error=data["last_error"] or "-",
        )
        return Rendered(t(kind, host=data["host"]), [line], link)
    if kind == "notice.failed":
        line = t("notice.failed.line", recipient=data["recipient"], error=data["error"])
        return Rendered(t(kind, channel=data["channel"]), [line], link)
    return Rendered(t("webhook.test"), [t("webhook.test.line")], link)
