"""Notification mail: plain text and HTML in the reader's language, sent over SMTP.

``compose`` builds the message (pure); ``SmtpMailer`` sends it with aiosmtplib
under a timeout and says whether a failure is worth retrying.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

import aiosmtplib

from node.domain.notifications.messages import text
from node.settings import Settings

# SMTP replies that mean "this will not work however often you try" (RFC 5321 §4.2.1),
# apart from authentication, which an admin may fix in the settings.
_AUTH_CODES = frozenset({530, 534, 535, 538})


class MailError(Exception):
    """Sending failed; ``transient`` when a later try may succeed."""

    def __init__(self, reason: str, *, transient: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.code = code


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    language: str
    lines: list[str]
    link: str = ""
    link_label: str = ""
    action: tuple[str, str] | None = None
    unsubscribe: str = ""
    node_name: str = ""


def compose(
    mail: Mail, *, sender: str, message_id: str, domain: str, now: datetime
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    if mail.unsubscribe:
        # RFC 8058 one-click unsubscribe: the mail client POSTs to the same link.
        message["List-Unsubscribe"] = f"<{mail.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(plain_text(mail))
    message.add_alternative(html_text(mail), subtype="html")
    message["Content-Language"] = mail.language  # after set_content, which drops Content-*
    return message


def _footer(mail: Mail) -> str:
    return text(mail.language, "footer", node=mail.node_name)


def plain_text(mail: Mail) -> str:
    parts = [*mail.lines, ""]
    if mail.link:
        parts.append(f"{mail.link_label or text(mail.language, 'open')}: {mail.link}")
    if mail.action and mail.action[1] != mail.link:
        parts.append(f"{mail.action[0]}: {mail.action[1]}")
    parts += ["", "-- ", _footer(mail)]
    if mail.unsubscribe:
        parts.append(f"{text(mail.language, 'unsubscribe')}: {mail.unsubscribe}")
    return "\n".join(parts) + "\n"


def html_text(mail: Mail) -> str:
    e = html.escape
    body = [f"<p>{e(line)}</p>" for line in mail.lines if line] or ["<p></p>"]
    if mail.link:
        label = mail.link_label or text(mail.language, "open")
        body.append(f'<p><a href="{e(mail.link)}">{e(label)}</a></p>')
    if mail.action and mail.action[1] != mail.link:
        body.append(f'<p><a href="{e(mail.action[1])}">{e(mail.action[0])}</a></p>')
    footer = e(_footer(mail))
    if mail.unsubscribe:
        footer += f' <a href="{e(mail.unsubscribe)}">{e(text(mail.language, "unsubscribe"))}</a>'
    return (
        f'<!doctype html>\n<html lang="{e(mail.language)}"><head><meta charset="utf-8">'
        f"<title>{e(mail.subject)}</title></head><body>\n"
        + "\n".join(body)
        + f"\n<hr><p><small>{footer}</small></p>\n</body></html>\n"
    )


def flatten(message: EmailMessage) -> bytes:
    """The message as sent. Headers are not folded below SMTP's 998-octet limit: Python's
    folder drops the space between two encoded words of a long non-ASCII subject."""
    return message.as_bytes(policy=SMTP.clone(max_line_length=998))


@dataclass
class SmtpMailer:
    """Sends through the configured server: ``smtp_security`` none, starttls or tls."""

    settings: Settings
    timeout: float = 15.0

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host and self.settings.mail_from)

    async def send(self, message: EmailMessage) -> None:
        s = self.settings
        sender, to = parseaddr(message["From"])[1], parseaddr(message["To"])[1]
        try:
            await aiosmtplib.send(
                flatten(message),
                sender=sender,
                recipients=[to],
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username or None,
                password=s.smtp_password.get_secret_value() or None,
                use_tls=s.smtp_security == "tls",
                start_tls=s.smtp_security == "starttls",
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            transient = any(400 <= code < 500 for code in codes)
            raise MailError(
                f"recipient-refused: {codes}", transient=transient, code=codes[0] if codes else None
            ) from error
        except aiosmtplib.SMTPResponseException as error:
            transient = error.code < 500 or error.code in _AUTH_CODES
            raise MailError(
                f"smtp-{error.code}: {error.message[:200]}", transient=transient, code=error.code
            ) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise MailError(f"smtp-unreachable: {type(error).__name__}", transient=True) from error
