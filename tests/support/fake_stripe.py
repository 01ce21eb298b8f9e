"""A local stand-in for Stripe's API, for the real ``stripe`` library to talk to.

A stdlib HTTP server on 127.0.0.1 (a free port, in a thread) that implements just
the endpoints SafeLoop calls, with Stripe's form encoding in (``a[b][0][c]=v``)
and Stripe-shaped JSON out:

* ``POST /v1/customers``, ``POST /v1/customers/<id>``
* ``POST /v1/checkout/sessions``
* ``POST /v1/billing_portal/sessions``
* ``GET /v1/subscriptions/<id>``

For a browser it also serves Checkout's page (``GET /c/pay/<session>``): its "Pay"
button completes the session, sends the signed ``checkout.session.completed`` and
``customer.subscription.created`` events to ``webhook_url`` as Stripe would, then
redirects to the session's ``success_url``.

It checks the secret key, replays a request with the same ``Idempotency-Key`` as
Stripe does, and keeps every request for the tests to read. What happens on
Stripe's own pages (paying in Checkout, cancelling in the portal) is done by the
test through :meth:`FakeStripe.complete_checkout` and
:meth:`FakeStripe.set_subscription`; :meth:`FakeStripe.event` builds the webhook
event Stripe would send, and :func:`signed` signs it with Stripe's scheme
(``t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

SECRET_KEY = "sk_test_safeloop_fake"
WEBHOOK_SECRET = "whsec_safeloop_fake"
PRICES = {"standard": "price_standard_test", "professional": "price_professional_test"}
MONTH = 30 * 86400


@dataclass
class Call:
    method: str
    path: str
    params: dict
    headers: dict[str, str] = field(default_factory=dict)


def decode_form(body: str) -> dict:
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for part, following in zip(parts, parts[1:], strict=False):
            nxt: Any = [] if following.isdigit() else {}
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append(None)
                node[index] = node[index] if node[index] is not None else nxt
                node = node[index]
            else:
                node = node.setdefault(part, nxt)
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            while len(node) <= index:
                node.append(None)
            node[index] = value
        else:
            node[last] = value
    return root


class FakeStripe:
    def __init__(self) -> None:
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.portal_sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.calls: list[Call] = []
        self._replies: dict[str, tuple[int, dict]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        # Where Checkout's page sends its events (None: nowhere; the tests deliver them).
        self.webhook_url: str | None = None
        self.webhook_host: str | None = None

    # --- the server ---------------------------------------------------------------

    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._serve(self, "GET")

            def do_POST(self) -> None:
                fake._serve(self, "POST")

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def calls_to(self, method: str, path: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and re.fullmatch(path, c.path)]

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        if m := re.fullmatch(r"/c/pay/([^/]+)", parts.path):
            self._checkout_page(handler, method, m[1])
            return
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else parts.query
        params = decode_form(body)
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.calls.append(Call(method, parts.path, params, headers))
            key = headers.get("idempotency-key")
            if headers.get("authorization") != f"Bearer {SECRET_KEY}":
                status, reply = 401, _error("Invalid API Key provided.", "authentication_error")
            elif key and key in self._replies:
                status, reply = self._replies[key]
            else:
                status, reply = self._route(method, parts.path, params)
                if key and method == "POST":
                    self._replies[key] = (status, reply)
        data = json.dumps(reply).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", f"req_{next(self._ids)}")
        handler.end_headers()
        handler.wfile.write(data)

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/customers":
            return 200, self._create_customer(params)
        if method == "POST" and (m := re.fullmatch(r"/v1/customers/([^/]+)", path)):
            customer = self.customers.get(m[1])
            if customer is None:
                return 404, _error(f"No such customer: '{m[1]}'", code="resource_missing")
            _merge(customer, params)
            return 200, customer
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(params)
        if method == "POST" and path == "/v1/billing_portal/sessions":
            if params.get("customer") not in self.customers:
                return 400, _error("No such customer", code="resource_missing")
            sid = self._id("bps")
            session = {
                "id": sid,
                "object": "billing_portal.session",
                "customer": params["customer"],
                "return_url": params.get("return_url"),
                "url": f"{self.url}/p/session/{sid}",
                "livemode": False,
            }
            self.portal_sessions[sid] = session
            return 200, session
        if method == "GET" and (m := re.fullmatch(r"/v1/subscriptions/([^/]+)", path)):
            subscription = self.subscriptions.get(m[1])
            if subscription is None:
                return 404, _error(f"No such subscription: '{m[1]}'", code="resource_missing")
            return 200, subscription
        return 404, _error(f"Unrecognized request URL ({method}: {path}).")

    def _id(self, prefix: str) -> str:
        return f"{prefix}_test{next(self._ids):06d}"

    def _create_customer(self, params: dict) -> dict:
        cid = self._id("cus")
        customer = {
            "id": cid,
            "object": "customer",
            "created": int(time.time()),
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata", {}),
            "preferred_locales": params.get("preferred_locales", []),
            "livemode": False,
        }
        self.customers[cid] = customer
        return customer

    def _create_session(self, params: dict) -> tuple[int, dict]:
        if params.get("mode") != "subscription" or not params.get("line_items"):
            return 400, _error("mode and line_items are required", param="mode")
        if params.get("customer") not in self.customers:
            return 400, _error("No such customer", code="resource_missing", param="customer")
        sid = self._id("cs")
        session = {
            "id": sid,
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "customer": params["customer"],
            "client_reference_id": params.get("client_reference_id"),
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "metadata": params.get("metadata", {}),
            "subscription": None,
            "url": f"{self.url}/c/pay/{sid}",
            "livemode": False,
            "_line_items": params["line_items"],
            "_subscription_data": params.get("subscription_data", {}),
        }
        self.sessions[sid] = session
        return 200, {k: v for k, v in session.items() if not k.startswith("_")}

    # --- what happens on Stripe's own pages ------------------------------------------

    def _checkout_page(self, handler: BaseHTTPRequestHandler, method: str, sid: str) -> None:
        session = self.sessions.get(sid)
        if session is None:
            handler.send_error(404)
            return
        if method == "GET":
            page = (
                '<!doctype html><meta name="viewport" content="width=device-width">'
                "<title>Fake Stripe Checkout</title><h1>Fake Stripe Checkout</h1>"
                f"<p>{session['_line_items'][0]['price']}</p>"
                f'<form method="post" action="/c/pay/{sid}">'
                '<button style="min-height:48px" data-testid="fake-pay">Pay</button></form>'
            ).encode()
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html; charset=utf-8")
            handler.send_header("Content-Length", str(len(page)))
            handler.end_headers()
            handler.wfile.write(page)
            return
        subscription = self.complete_checkout(sid)
        for event in (
            self.event("checkout.session.completed", self.checkout_session(sid)),
            self.event("customer.subscription.created", subscription),
        ):
            self.send_webhook(event)
        handler.send_response(303)
        handler.send_header("Location", session["success_url"])
        handler.end_headers()

    def send_webhook(self, event: dict) -> int:
        """POST ``event``, signed, to ``webhook_url`` as Stripe does; the answer's status."""
        body, signature = signed(event)
        request = urllib.request.Request(
            self.webhook_url,
            data=body.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        )
        if self.webhook_host:
            request.add_header("Host", self.webhook_host)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status

    def complete_checkout(self, session_id: str, *, status: str = "active") -> dict:
        """The customer paid in Checkout: the session completes with a new subscription."""
        with self._lock:
            session = self.sessions[session_id]
            now = int(time.time())
            sub_id = self._id("sub")
            price = session["_line_items"][0]["price"]
            self.subscriptions[sub_id] = {
                "id": sub_id,
                "object": "subscription",
                "customer": session["customer"],
                "status": status,
                "cancel_at_period_end": False,
                "created": now,
                "metadata": session["_subscription_data"].get("metadata", {}),
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": self._id("si"),
                            "object": "subscription_item",
                            "price": {"id": price, "object": "price"},
                            "quantity": 1,
                            "current_period_start": now,
                            "current_period_end": now + MONTH,
                        }
                    ],
                },
                "livemode": False,
            }
            session.update(status="complete", subscription=sub_id)
            return self.subscriptions[sub_id]

    def set_subscription(self, sub_id: str, **changes) -> dict:
        """Stripe changed the subscription (a failed payment, a cancellation, a new plan)."""
        with self._lock:
            subscription = self.subscriptions[sub_id]
            price = changes.pop("price", None)
            if price:
                subscription["items"]["data"][0]["price"] = {"id": price, "object": "price"}
            subscription.update(changes)
            return json.loads(json.dumps(subscription))

    def invoice(self, sub_id: str, *, paid: bool = True) -> dict:
        """An invoice of the subscription (API 2025-03 and later: the subscription is
        under ``parent.subscription_details``)."""
        subscription = self.subscriptions[sub_id]
        return {
            "id": self._id("in"),
            "object": "invoice",
            "customer": subscription["customer"],
            "status": "paid" if paid else "open",
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub_id, "metadata": {}},
            },
            "livemode": False,
        }

    def checkout_session(self, session_id: str) -> dict:
        return {k: v for k, v in self.sessions[session_id].items() if not k.startswith("_")}

    def event(self, type_: str, obj: dict, *, created: int | None = None) -> dict:
        """The event Stripe would send about ``obj`` (a snapshot of it, as now)."""
        return {
            "id": self._id("evt"),
            "object": "event",
            "api_version": stripe.api_version,
            "created": created or int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }


def signed(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[str, str]:
    """The body and ``Stripe-Signature`` header Stripe would send for ``event``."""
    body = json.dumps(event)
    return body, stripe.WebhookSignature.generate_signature_header(body, secret)


def _merge(target: dict, changes: dict) -> None:
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def _error(message: str, type_: str = "invalid_request_error", **extra) -> dict:
    return {"error": {"type": type_, "message": message, **extra}}
