"""What may be done with accounts, and which roles may."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class AccountPerm(StrEnum):
    MANAGE_API_TOKENS = "accounts.manage_own_tokens"


# Everyone with a desk job may hold API tokens; operators and verifiers may not.
declare(
    AccountPerm,
    {
        role: {AccountPerm.MANAGE_API_TOKENS}
        for role in Role
        if role not in (Role.OPERATOR, Role.VERIFIER)
    },
)
