#!/usr/bin/python3
"""A real SMTP server for the email notifier tests (aiosmtpd 1.4.3).

Modes: starttls (STARTTLS required, AUTH required), smtps (implicit TLS, AUTH required),
plain (no TLS offered at all: a client that requires STARTTLS must refuse it).
Every received message is stored as N.eml plus N.json (envelope, AUTH login, decoded
headers and the MIME parts), written before the server answers 250.
Prints "READY <port>" on stdout once it accepts connections; exits when stdin closes.
"""
import argparse
import email
import email.policy
import json
import logging
import os
import socket
import ssl
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Store:
    def __init__(self, out):
        self.out = out
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.out, str(self.n))
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in msg.walk():
            if part.is_multipart():
                continue
            parts.append({"content_type": part.get_content_type(),
                          "charset": part.get_content_charset(),
                          "text": part.get_content()})
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        info = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_login": login if isinstance(login, str) else None,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "top_content_type": msg.get_content_type(),
            "headers": {k: str(v) for k, v in msg.items()},
            "raw_subject": None,
            "parts": parts,
        }
        # The raw (encoded) Subject header as it came over the wire.
        for line in raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace").replace("\r\n ", "\n ").split("\r\n"):
            if line.lower().startswith("subject:"):
                info["raw_subject"] = line[len("subject:"):].strip()
        with open(base + ".json.tmp", "w") as f:
            json.dump(info, f, ensure_ascii=False)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def main():
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["starttls", "smtps", "plain"], default="starttls")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--out", required=True)
    ap.add_argument("--user", default="shop@example.ru")
    ap.add_argument("--password", default="s3cret-pass")
    a = ap.parse_args()

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            auth_data.login.decode() == a.user and auth_data.password.decode() == a.password
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    port = free_port()
    kwargs = dict(hostname="127.0.0.1", port=port, authenticator=authenticator,
                  auth_required=True, auth_require_tls=False)
    if a.mode in ("starttls", "smtps"):
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        if a.mode == "starttls":
            kwargs.update(tls_context=ctx, require_starttls=True)
        else:
            kwargs.update(ssl_context=ctx)
    ctl = Controller(Store(a.out), **kwargs)
    ctl.start()
    print("READY", port, flush=True)
    sys.stdin.read()  # until the test closes our stdin
    ctl.stop()


if __name__ == "__main__":
    main()
