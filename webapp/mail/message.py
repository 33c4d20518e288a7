"""What goes over SMTP for an outbox message: the MIME document and the envelope addresses.

Internationalised addresses: a domain such as exemple-é.fr travels in its ASCII form (IDNA 2008 with
UTS 46 mapping: xn--...), which every server takes. A local part outside ASCII (jéan@...) cannot be
converted: smtplib then sends with SMTPUTF8 when the server offers it, and otherwise raises
SMTPNotSupportedError, so the message stays in the outbox with that reason.
"""
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

import idna


def smtp_address(address):
    """The address with its domain in ASCII (IDNA); unchanged when the domain already is, or is invalid."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}"
    except idna.IDNAError:
        return address  # as typed: a server offering SMTPUTF8 may still take it


def sender_parts(sender):
    """(display name, envelope address) of MAIL_DEFAULT_SENDER, "Name <address>" or a bare address."""
    name, address = parseaddr(sender)
    return name, smtp_address(address or sender)


def compose(subject, body_text, body_html, sender, recipient):
    """A multipart/alternative message (text, then HTML when there is one) with ASCII domains."""
    name, sender_address = sender_parts(sender)
    mime = EmailMessage()
    mime["Subject"] = subject
    mime["From"] = formataddr((name, sender_address)) if name else sender_address
    mime["To"] = smtp_address(recipient)
    mime["Date"] = formatdate(localtime=True)
    mime["Message-ID"] = make_msgid(domain=sender_address.rpartition("@")[2] or "portal.localhost")
    mime.set_content(body_text)
    if body_html:
        mime.add_alternative(body_html, subtype="html")
    return mime
