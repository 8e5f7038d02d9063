"""The plaintext openings that upgrade a connection to TLS, as ``openssl s_client -starttls`` speaks them.

:func:`upgrade` speaks one protocol's opening on a connected socket (SMTP
EHLO + STARTTLS, IMAP CAPABILITY + STARTTLS, POP3 STLS, FTP AUTH TLS, the
PostgreSQL SSLRequest, the LDAP StartTLS extended operation, the XMPP stream
and its starttls element) and returns when the server has agreed, so the
next bytes are the ClientHello. Each read is bounded (a line, an answer, a
number of lines) and takes what is left of the deadline; a server that
stalls, closes, refuses or answers something else gets one sentence
(:class:`StartTlsFailed`, which :mod:`tlsexplorer.core.tls.connect` turns into
its ``RouteError``) naming the step.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from tlsexplorer.core.deadline import Deadline

#: Longest line read from a server during an opening.
MAX_LINE = 4096
#: Most lines in one multi-line answer (SMTP EHLO, IMAP CAPABILITY).
MAX_LINES = 200
#: Largest XMPP stream header and features read.
MAX_XML = 64 * 1024

#: The name our client gives itself (SMTP EHLO), as openssl does with its own.
CLIENT_NAME = "tlsexplorer.invalid"

#: PostgreSQL's SSLRequest: length 8, code 80877103.
POSTGRES_SSL_REQUEST = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")

#: LDAP StartTLS: LDAPMessage { messageID 1, ExtendedRequest { requestName 1.3.6.1.4.1.1466.20037 } }.
LDAP_STARTTLS_OID = b"1.3.6.1.4.1.1466.20037"
LDAP_STARTTLS = (b"\x30" + bytes([7 + len(LDAP_STARTTLS_OID)]) + b"\x02\x01\x01"
                 + b"\x77" + bytes([2 + len(LDAP_STARTTLS_OID)]) + b"\x80" + bytes([len(LDAP_STARTTLS_OID)])
                 + LDAP_STARTTLS_OID)


class StartTlsFailed(Exception):
    """The opening failed; the text is the whole sentence to show."""


class _Conversation:
    """A socket read line by line within bounds, every failure named after the protocol and step."""

    def __init__(self, sock: socket.socket, protocol: str, deadline: Deadline) -> None:
        self.sock, self.protocol, self.deadline = sock, protocol.upper(), deadline
        self.buffer = b""
        self.step = "its greeting"

    def fail(self, what: str) -> StartTlsFailed:
        return StartTlsFailed(f"STARTTLS ({self.protocol}): {what}")

    def _recv(self) -> bytes:
        try:
            self.sock.settimeout(self.deadline.left())
            chunk = self.sock.recv(4096)
        except TimeoutError:
            raise self.fail(f"the server stalled: no answer to {self.step} within the "
                            f"{self.deadline.seconds:g} s deadline") from None
        except OSError as exc:
            raise self.fail(f"the connection failed while waiting for {self.step}: "
                            f"{exc.strerror or exc}") from None
        if not chunk:
            raise self.fail(f"the server closed the connection instead of answering {self.step}")
        return chunk

    def send(self, data: bytes, step: str) -> None:
        self.step = step
        try:
            self.sock.settimeout(self.deadline.left())
            self.sock.sendall(data)
        except TimeoutError:
            raise self.fail(f"could not send {step} within the deadline") from None
        except OSError as exc:
            raise self.fail(f"the connection failed sending {step}: {exc.strerror or exc}") from None

    def line(self) -> str:
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_LINE:
                raise self.fail(f"a line of more than {MAX_LINE} bytes in answer to {self.step}: "
                                f"not a {self.protocol} server? (it sent {_shown(self.buffer)})")
            self.buffer += self._recv()
        raw, _, self.buffer = self.buffer.partition(b"\n")
        return raw.rstrip(b"\r").decode("latin-1")

    def take(self, n: int) -> bytes:
        while len(self.buffer) < n:
            self.buffer += self._recv()
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def reply(self, last: Callable[[str], bool]) -> list[str]:
        """Lines up to and including the one ``last`` accepts (bounded in count)."""
        lines: list[str] = []
        while True:
            text = self.line()
            lines.append(text)
            if last(text):
                return lines
            if len(lines) >= MAX_LINES:
                raise self.fail(f"more than {MAX_LINES} lines in answer to {self.step}")

    def garbage(self, lines: list[str], expected: str) -> StartTlsFailed:
        return self.fail(f"expected {expected} in answer to {self.step}, the server sent "
                         f"{_shown(' | '.join(lines).encode('latin-1'))}: not a {self.protocol} server?")


def _shown(data: bytes) -> str:
    from tlsexplorer.core.text import printable

    return repr(printable(data[:80].decode("latin-1")))


def _code_reply(c: _Conversation, code: str) -> list[str]:
    """An SMTP/FTP style reply (``250-...`` lines, then ``250 ...``); must carry ``code``."""
    def last(text: str) -> bool:
        return len(text) < 4 or text[3] != "-"

    lines = c.reply(last)
    if not lines[-1][:3].isdigit():
        raise c.garbage(lines, f"a {code} reply")
    if lines[-1][:3] != code:
        raise c.fail(f"the server answered {c.step} with {_shown(lines[-1].encode('latin-1'))}")
    return lines


def _smtp(c: _Conversation, servername: str) -> None:
    _code_reply(c, "220")
    c.send(f"EHLO {CLIENT_NAME}\r\n".encode(), "EHLO")
    lines = _code_reply(c, "250")
    if not any(line[4:].strip().upper().startswith("STARTTLS") for line in lines):
        raise c.fail("the server does not offer STARTTLS (not in its EHLO answer)")
    c.send(b"STARTTLS\r\n", "STARTTLS")
    _code_reply(c, "220")


def _imap(c: _Conversation, servername: str) -> None:
    greeting = c.line()
    if not greeting.upper().startswith("* OK"):
        raise c.garbage([greeting], "'* OK'")
    c.send(b". CAPABILITY\r\n", "CAPABILITY")
    lines = c.reply(lambda text: text.startswith(". "))
    if "STARTTLS" not in " ".join(lines).upper():
        raise c.fail("the server does not offer STARTTLS (not in its CAPABILITY)")
    c.send(b". STARTTLS\r\n", "STARTTLS")
    lines = c.reply(lambda text: text.startswith(". "))
    if not lines[-1].upper().startswith(". OK"):
        raise c.fail(f"the server refused STARTTLS: {_shown(lines[-1].encode('latin-1'))}")


def _pop3(c: _Conversation, servername: str) -> None:
    greeting = c.line()
    if not greeting.startswith("+OK"):
        raise c.garbage([greeting], "'+OK'")
    c.send(b"STLS\r\n", "STLS")
    answer = c.line()
    if not answer.startswith("+OK"):
        raise c.fail(f"the server refused STLS: {_shown(answer.encode('latin-1'))}")


def _ftp(c: _Conversation, servername: str) -> None:
    _code_reply(c, "220")
    c.send(b"AUTH TLS\r\n", "AUTH TLS")
    _code_reply(c, "234")


def _postgres(c: _Conversation, servername: str) -> None:
    c.send(POSTGRES_SSL_REQUEST, "the SSLRequest")
    answer = c.take(1)
    if answer == b"N":
        raise c.fail("the server refused TLS (it answered N to the SSLRequest: ssl = off?)")
    if answer != b"S":
        raise c.garbage([answer.decode("latin-1")], "S or N")


def _ldap(c: _Conversation, servername: str) -> None:
    from tlsexplorer.core.der import read_tlv
    from tlsexplorer.core.errors import InvalidInput

    c.send(LDAP_STARTTLS, "the StartTLS extended request")
    head = c.take(2)
    if head[0] != 0x30:
        raise c.garbage([head.decode("latin-1")], "an LDAPMessage")
    extra = head[1] & 0x7F if head[1] & 0x80 else 0
    if extra > 3:
        raise c.fail("an LDAP answer with an impossible length")
    head += c.take(extra)
    length = int.from_bytes(head[2:], "big") if extra else head[1]
    if length > MAX_XML:
        raise c.fail(f"an LDAP answer of {length} bytes (more than {MAX_XML} accepted)")
    message = head + c.take(length)
    try:
        # LDAPMessage: messageID INTEGER, then the ExtendedResponse [APPLICATION 24] whose first field
        # is the resultCode ENUMERATED.
        _, start, _ = read_tlv(message, 0)
        _, _, id_end = read_tlv(message, start)
        tag, op_start, _ = read_tlv(message, id_end)
        code_tag, code_start, code_end = read_tlv(message, op_start)
    except InvalidInput:
        raise c.fail("the server's answer to StartTLS is not a readable LDAPMessage") from None
    if tag != 0x78 or code_tag != 0x0A:
        raise c.fail(f"the server answered StartTLS with LDAP operation 0x{tag:02x}, not an ExtendedResponse")
    code = int.from_bytes(message[code_start:code_end], "big")
    if code != 0:
        raise c.fail(f"the server refused StartTLS (LDAP resultCode {code})")


def _xmpp(c: _Conversation, servername: str) -> None:
    opening = (f"<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
               f"xmlns='jabber:client' to='{_xml_attr(servername)}' version='1.0'>")
    c.send(opening.encode(), "the stream header")
    seen = b""
    while b"</stream:features>" not in seen:
        if len(seen) > MAX_XML:
            raise c.fail(f"more than {MAX_XML // 1024} KiB before the stream features")
        seen += c._recv()
        if seen.lstrip()[:1] not in (b"", b"<"):
            raise c.garbage([seen.decode("latin-1")], "an XML stream")
    if b"<starttls" not in seen:
        raise c.fail("the server does not offer starttls in its stream features")
    c.send(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "starttls")
    answer = b""
    while b">" not in answer:
        answer += c._recv()
        if len(answer) > MAX_LINE:
            raise c.fail("an endless answer to starttls")
    if b"<proceed" not in answer:
        raise c.fail(f"the server refused starttls: {_shown(answer)}")


def _xml_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&apos;").replace("<", "&lt;")


_DIALOGUES: dict[str, Callable[[_Conversation, str], None]] = {
    "smtp": _smtp, "imap": _imap, "pop3": _pop3, "ftp": _ftp, "postgres": _postgres, "ldap": _ldap,
    "xmpp": _xmpp,
}


def upgrade(sock: socket.socket, protocol: str, deadline: Deadline, servername: str) -> None:
    """Speak ``protocol``'s plaintext opening on ``sock`` until the server agrees to start TLS.

    Raises:
        StartTlsFailed: the server stalled, closed, refused, or answered
            something that is not the protocol.
    """
    _DIALOGUES[protocol](_Conversation(sock, protocol, deadline), servername)


__all__ = [
    "CLIENT_NAME",
    "LDAP_STARTTLS",
    "MAX_LINE",
    "MAX_LINES",
    "MAX_XML",
    "POSTGRES_SSL_REQUEST",
    "StartTlsFailed",
    "upgrade",
]
