"""Schemathesis checks for SafeLoop's /graphql/ (loaded through SCHEMATHESIS_HOOKS).

``no_5xx``: the status alone. Schemathesis' own ``not_a_server_error`` also calls
every error with a ``path`` a server error unless it carries an Apollo code such
as BAD_USER_INPUT; ours are lowercase (``invalid``), so that judgement is left to
the next check, which knows them.

``only_our_errors``: every top-level error a client reads must be one we mean it to
read. Parse, validation and variable-coercion errors of GraphQL itself carry no
``path`` and are the client's to fix. An error raised while executing a field must
carry one of our codes; ``internal_error`` is the mask over a bug and counts as a
failure too, since the run found the bug.
"""

from __future__ import annotations

import json

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

OUR_CODES = {
    "invalid",
    "invalid_cursor",
    "not_found",
    "permission_denied",
    "required",
    "unauthenticated",
}
# Raw text that must never reach a client, whatever the error's shape.
LEAKS = ("Traceback", "DETAIL:", "psycopg", "violates", "codec can't", "invalid literal for")

# Files travel as multipart uploads, which schemathesis does not send; a string in
# their place must be refused like any other wrong value.
schemathesis.graphql.scalar("Upload", st.text(max_size=8).map(nodes.String))


def unacceptable(error: dict) -> str | None:
    """Why this error must not reach a client, or None when it is ours."""
    message = str(error.get("message", ""))
    code = (error.get("extensions") or {}).get("code")
    if code == "internal_error":
        return f"internal error {error['extensions'].get('errorId')} (see the server log)"
    if any(leak in message for leak in LEAKS):
        return f"raw text: {message!r}"
    if error.get("path") and code not in OUR_CODES:
        return f"raw error in a field ({code=}): {message!r}"
    return None


@schemathesis.check
def no_5xx(ctx, response, case) -> None:
    if response.status_code >= 500:
        raise AssertionError(f"{response.status_code} from the server (see its log)")


@schemathesis.check
def only_our_errors(ctx, response, case) -> None:
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return  # not JSON: a 5xx page (no_5xx) is the only kind we send
    if not isinstance(body, dict):
        return
    problems = [p for e in body.get("errors") or [] if (p := unacceptable(e))]
    if problems:
        raise AssertionError("; ".join(problems))
