"""The load: hazard reports sent as phones send them, each answer timed and judged.

Two ways in, both used by every fault test:

* the QR point page (``/q/<token>/``): the phone opens the page (CSRF token and
  whatever hidden fields the form carries), then posts the form with a photo,
  a major entry from the library and a description that names the report;
* GraphQL ``reportHazard`` with Zhang's bearer token and the photo as a
  multipart upload (the GraphQL multipart request spec).

A report that got no clear success is sent again later exactly as a phone
would: the same form data (same hidden fields) or the same GraphQL input and
Idempotency-Key header. Each request has a 2-second budget.
"""

from __future__ import annotations

import io
import json
import re
import time
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser

import requests
from PIL import Image

BUDGET = 2.0  # seconds a phone waits for an answer
SET_UP_SECONDS = 30  # requests that set the scene are not what is timed
# Text that only an unhandled exception puts in front of a user.
RAW_ERROR = re.compile(
    r"Traceback|Errno|Error \d+ connecting|Connection refused|No space left|"
    r"OperationalError|InterfaceError|IntegrityError|server closed the connection|"
    r"connection is lost|Timeout reading|Server Error \(500\)",
    re.IGNORECASE,
)

REPORT_HAZARD = """
mutation Report($input: ReportHazardInput!) {
  reportHazard(input: $input) { number errors { field code message } }
}
"""


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 60, 40)).save(out, format="JPEG")
    return out.getvalue()


PHOTO = _photo()


@dataclass
class Answer:
    """What the phone got back for one request."""

    kind: str  # "saved", "refused" (a clear message, nothing saved) or "failed"
    seconds: float
    status: int | None = None
    detail: str = ""
    at: float = 0.0  # time.monotonic() when the answer came

    @property
    def clear(self) -> bool:
        return self.kind in ("saved", "refused") and self.seconds <= BUDGET

    def __str__(self) -> str:
        return f"{self.kind} {self.status or '-'} in {self.seconds:.1f}s {self.detail[:120]!r}"


class _HiddenFields(HTMLParser):
    """The hidden inputs of the report form (CSRF token, any idempotency key)."""

    def __init__(self):
        super().__init__()
        self.in_form = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "report-form":
            self.in_form = True
        elif (
            tag == "input" and self.in_form and attrs.get("type") == "hidden" and attrs.get("name")
        ):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


@dataclass
class Phone:
    """One worker's phone on the stack's web server (a session of its own)."""

    base: str  # http://127.0.0.1:<port>
    host: str  # the enterprise's host name
    seed: dict
    session: requests.Session = field(default_factory=requests.Session)

    def request(
        self, method: str, path: str, *, timeout: float = BUDGET, **kwargs
    ) -> requests.Response:
        headers = {"Host": self.host, **kwargs.pop("headers", {})}
        return self.session.request(
            method,
            self.base + path,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            **kwargs,
        )

    def warm_up(self) -> None:
        """Open the QR page and the API a few times at once, so that every web
        process has loaded what it needs before a request is timed."""
        path = f"/q/{self.seed['qr_token']}/"
        with ThreadPoolExecutor(max_workers=4) as pool:
            for _ in range(8):
                pool.submit(self.request, "GET", path, timeout=SET_UP_SECONDS)

    def settle(self, *, needed: int = 4, tries: int = 30) -> None:
        """Open the QR page until it opens ``needed`` times in a row: whatever a
        fault left behind in the web processes (a dead connection) is used up."""
        path = f"/q/{self.seed['qr_token']}/"
        streak = 0
        for _ in range(tries):
            try:
                ok = self.request("GET", path, timeout=SET_UP_SECONDS).status_code == 200
            except requests.RequestException:
                ok = False
            streak = streak + 1 if ok else 0
            if streak == needed:
                return
            time.sleep(0.2)
        raise RuntimeError("the stack does not answer again after the fault")

    def sign_in(self) -> None:
        """Quick login: employee number and PIN, as on the shop floor."""
        page = self.request("GET", "/auth/quick/", timeout=SET_UP_SECONDS)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        signed_in = self.request(
            "POST",
            "/auth/quick/",
            data={
                "csrfmiddlewaretoken": token,
                "employee_no": self.seed["employee_no"],
                "pin": self.seed["pin"],
            },
            headers={"Referer": f"http://{self.host}/auth/quick/"},
            timeout=SET_UP_SECONDS,
        )
        assert signed_in.status_code == 302, f"quick login failed: {signed_in.status_code}"


def _timed(send) -> tuple[requests.Response | None, Answer | None, float]:
    started = time.monotonic()
    try:
        response = send()
    except requests.RequestException as exc:
        seconds = time.monotonic() - started
        return None, Answer("failed", seconds, None, type(exc).__name__, time.monotonic()), seconds
    return response, None, time.monotonic() - started


class Report(ABC):
    """One hazard report by one phone; ``send`` posts it (again) and judges the answer."""

    channel = ""

    def __init__(self, phone: Phone, description: str):
        self.phone = phone
        self.description = description
        self.answers: list[Answer] = []

    @property
    def saved(self) -> bool:
        return any(a.kind == "saved" for a in self.answers)

    def send(self) -> Answer:
        answer = self._send()
        self.answers.append(answer)
        return answer

    @abstractmethod
    def _send(self) -> Answer:
        """Post the report once through this channel and judge the answer."""

    def __repr__(self) -> str:
        return f"{self.channel}:{self.description}"


class PageReport(Report):
    """The QR point page's form, posted like the browser posts it."""

    channel = "page"

    def __init__(self, phone: Phone, description: str):
        super().__init__(phone, description)
        self.form: dict[str, str] | None = None

    def open(self) -> Answer | None:
        """Open the QR page (None when it opened; else the answer the phone got)."""
        path = f"/q/{self.phone.seed['qr_token']}/"
        response, failed, seconds = _timed(lambda: self.phone.request("GET", path))
        if failed:
            return failed
        if response.status_code != 200:
            return _judge_html(response, seconds, opening=True)
        parser = _HiddenFields()
        parser.feed(response.text)
        self.form = {
            **parser.fields,
            "library_entry": str(self.phone.seed["major_entry"]),
            "description": self.description,
            "shift": "day",
        }
        return None

    def _send(self) -> Answer:
        if self.form is None:  # the page never opened: open it now
            failed = self.open()
            if failed:
                return failed
        path = f"/q/{self.phone.seed['qr_token']}/"
        response, failed, seconds = _timed(
            lambda: self.phone.request(
                "POST",
                path,
                data=self.form,
                files={"photos": ("site.jpg", PHOTO, "image/jpeg")},
                headers={"Referer": f"http://{self.phone.host}{path}"},
            )
        )
        return failed or _judge_html(response, seconds)


def _judge_html(response: requests.Response, seconds: float, *, opening=False) -> Answer:
    status, text, now = response.status_code, response.text, time.monotonic()
    if status == 302 and "done=" in response.headers.get("Location", "") and not opening:
        return Answer("saved", seconds, status, response.headers["Location"], now)
    raw = RAW_ERROR.search(text)
    if (status >= 500 and status != 503) or raw or status == 302:
        return Answer("failed", seconds, status, raw.group(0) if raw else text[:200], now)
    return Answer("refused", seconds, status, _visible_message(text), now)


def _visible_message(html: str) -> str:
    alert = re.search(r'role="alert"[^>]*>(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", alert.group(1) if alert else html[:300]).split())


class GraphQLReport(Report):
    """``reportHazard`` with a bearer token and the photo as a multipart upload."""

    channel = "graphql"
    input_key_field: str | None = None  # set when the schema takes an idempotency key

    def __init__(self, phone: Phone, description: str):
        super().__init__(phone, description)
        self.key = str(uuid.uuid4())

    def _send(self) -> Answer:
        seed = self.phone.seed
        variables = {
            "input": {
                "area": seed["area_id"],
                "equipment": seed["equipment_id"],
                "libraryEntry": seed["major_entry_id"],
                "description": self.description,
                "shift": "DAY",
                "photos": [None],
            }
        }
        if self.input_key_field:
            variables["input"][self.input_key_field] = self.key
        operations = {"query": REPORT_HAZARD, "variables": variables}
        response, failed, seconds = _timed(
            lambda: self.phone.request(
                "POST",
                "/graphql/",
                data={
                    "operations": json.dumps(operations),
                    "map": json.dumps({"0": ["variables.input.photos.0"]}),
                },
                files={"0": ("site.jpg", PHOTO, "image/jpeg")},
                headers={
                    "Authorization": f"Bearer {seed['api_token']}",
                    "Idempotency-Key": self.key,
                },
            )
        )
        return failed or _judge_graphql(response, seconds)


def _judge_graphql(response: requests.Response, seconds: float) -> Answer:
    status, now = response.status_code, time.monotonic()
    raw = RAW_ERROR.search(response.text)
    if (status >= 500 and status != 503) or raw:
        return Answer("failed", seconds, status, raw.group(0) if raw else response.text[:200], now)
    try:
        body = response.json()
    except ValueError:
        return Answer("failed", seconds, status, response.text[:200], now)
    payload = (body.get("data") or {}).get("reportHazard") or {}
    if payload.get("number") and not payload.get("errors"):
        return Answer("saved", seconds, status, payload["number"], now)
    messages = [e.get("message", "") for e in payload.get("errors") or body.get("errors") or []]
    if not messages:
        return Answer("failed", seconds, status, response.text[:200], now)
    return Answer("refused", seconds, status, "; ".join(messages), now)


def idempotency_field(phone: Phone) -> str | None:
    """The ReportHazardInput field that carries a client's key, if the schema has one."""
    response = phone.request(
        "POST",
        "/graphql/",
        json={"query": '{ __type(name: "ReportHazardInput") { inputFields { name } } }'},
        headers={"Authorization": f"Bearer {phone.seed['api_token']}"},
        timeout=SET_UP_SECONDS,
    )
    names = [f["name"] for f in response.json()["data"]["__type"]["inputFields"]]
    return next(
        (n for n in names if re.search("idempoten|clientKey|clientMutationId|requestId", n)), None
    )


def burst(reports: list[Report], *, concurrency: int = 2, spacing: float = 0.0) -> None:
    """Send every report once, ``concurrency`` at a time, ``spacing`` seconds apart."""

    def one(report: Report) -> None:
        report.send()

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for report in reports:
            pool.submit(one, report)
            if spacing:
                time.sleep(spacing)


def resend_unsaved(reports: list[Report]) -> None:
    """After recovery, every phone without a receipt tries once more, as its user would."""
    burst([r for r in reports if not r.saved])
