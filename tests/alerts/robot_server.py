"""A local stand-in for the WeCom, DingTalk and Feishu robot webhooks.

A real HTTP server on 127.0.0.1 that answers like each vendor does, checks the
signatures with the algorithms the vendors document, and keeps every request
so tests can read the payloads. The first path segment names the vendor:
``/wecom/...``, ``/dingtalk/...``, ``/feishu/...``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

OK = {
    "wecom": {"errcode": 0, "errmsg": "ok"},
    "dingtalk": {"errcode": 0, "errmsg": "ok"},
    "feishu": {"code": 0, "msg": "success", "data": {}},
    "webhook": {"ok": True},
}
DINGTALK_BAD_SIGN = {"errcode": 310000, "errmsg": "sign not match"}
FEISHU_BAD_SIGN = {
    "code": 19021,
    "msg": "sign match fail or timestamp is not within one hour from current time",
}
ONE_HOUR = 3600


@dataclass
class Hit:
    path: str
    raw_query: str
    query: dict[str, str]
    body: dict
    answer: dict = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: bytes = b""

    def header(self, name: str) -> str:
        """A request header by name, whatever its case (urllib sends "X-safeloop-signature")."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), "")


def dingtalk_expected_sign(secret: str, timestamp_ms: str) -> str:
    """DingTalk: HMAC-SHA256 keyed with the secret over "{timestamp}\\n{secret}", base64."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_expected_sign(secret: str, timestamp_s: str) -> str:
    """Feishu: HMAC-SHA256 keyed with "{timestamp}\\n{secret}" over an empty message, base64."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_signed(secret: str, hit: Hit) -> bool:
    """SafeLoop's own webhook: "t=<unix>,v1=<hex HMAC-SHA256 of '<t>.<raw body>'>", fresh."""
    parts = dict(p.split("=", 1) for p in hit.header("X-SafeLoop-Signature").split(",") if "=" in p)
    timestamp = parts.get("t", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + hit.raw_body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class RobotServer:
    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.secrets: dict[str, str] = {}
        self._failures: dict[str, list[tuple[int, bytes]]] = {}
        self._changed = threading.Condition()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.robot_server = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # --- test side -----------------------------------------------------------

    def start(self) -> RobotServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def sign_with(self, path: str, secret: str) -> None:
        """Requests to ``path`` must carry a valid signature for ``secret``."""
        self.secrets[path] = secret

    def fail_next(self, path: str, answer: dict | bytes, status: int = 200) -> None:
        """Answer the next request to ``path`` with ``answer`` instead of success."""
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        self._failures.setdefault(path, []).append((status, body))

    def hits_to(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    def wait_for(self, path: str, timeout: float) -> Hit:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not self.hits_to(path):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no request to {path} within {timeout} s")
                self._changed.wait(left)
            return self.hits_to(path)[-1]

    # --- server side ---------------------------------------------------------

    def answer(self, hit: Hit) -> tuple[int, bytes]:
        with self._changed:
            self.hits.append(hit)
            self._changed.notify_all()
        failures = self._failures.get(hit.path)
        if failures:
            return failures.pop(0)
        vendor = hit.path.split("/")[1]
        hit.answer = self._vendor_answer(vendor, hit)
        # A webhook answers with its HTTP status; the chat vendors with a code in a 200.
        status = 401 if vendor == "webhook" and not hit.answer.get("ok") else 200
        return status, json.dumps(hit.answer).encode()

    def _vendor_answer(self, vendor: str, hit: Hit) -> dict:
        secret = self.secrets.get(hit.path)
        if vendor == "dingtalk" and secret:
            timestamp = hit.query.get("timestamp", "")
            fresh = (
                timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < ONE_HOUR * 1000
            )
            if not fresh or hit.query.get("sign") != dingtalk_expected_sign(secret, timestamp):
                return DINGTALK_BAD_SIGN
        if vendor == "feishu" and secret:
            timestamp = str(hit.body.get("timestamp", ""))
            fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < ONE_HOUR
            if not fresh or hit.body.get("sign") != feishu_expected_sign(secret, timestamp):
                return FEISHU_BAD_SIGN
        if vendor == "webhook" and secret and not webhook_signed(secret, hit):
            return {"ok": False, "error": "bad signature"}
        return OK[vendor]


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 — the http.server API
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode(errors="replace")}
        hit = Hit(
            path=parts.path,
            raw_query=parts.query,
            query=dict(parse_qsl(parts.query)),
            body=body,
            headers=dict(self.headers.items()),
            raw_body=raw,
        )
        status, payload = self.server.robot_server.answer(hit)  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 — quiet in test output
        pass
