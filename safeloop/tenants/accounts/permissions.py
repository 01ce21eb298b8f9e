"""What may be done with accounts, and which roles may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class AccountPerm(StrEnum):
    MANAGE_API_TOKENS = "accounts.manage_own_tokens"


# Everyone with a desk job may hold API tokens, and so may a crew lead and a supplier
# (their tokens see only their own company); operators, verifiers, gate guards and
# contractors' workers may not.
_NO_TOKENS = frozenset({Role.OPERATOR, Role.VERIFIER, Role.GATE_GUARD, Role.CONTRACTOR_WORKER})
declare(
    AccountPerm,
    {role: {AccountPerm.MANAGE_API_TOKENS} for role in Role if role not in _NO_TOKENS},
)
