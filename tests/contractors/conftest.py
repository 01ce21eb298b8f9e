"""Acme's contractors: Hengda Construction (恒达建设) does the roof of workshop W1;
Wang Wei (admin) manages contractors, Sun Hao (safety officer) may only look,
Zhang San (an operator) sees nothing of them."""

from __future__ import annotations

import pytest

from safeloop.contractors import services
from safeloop.contractors.privacy import notice

HENGDA_CODE = "91350100M000100Y43"
OTHER_CODE = "91440300708461136T"
# Wu Gang, Hengda's welder.
WU_ID = "110105199001011232"
WU_MASKED = "110***********1232"
PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def consent(language: str = "zh-hans", ip: str | None = "10.0.0.8") -> services.Consent:
    shown = notice(language)
    return services.Consent(shown.version, shown.text_hash, ip)


@pytest.fixture
def hengda(wang):
    return services.create_company(
        by=wang,
        name="恒达建设有限公司",
        credit_code=HENGDA_CODE,
        contact_name="赵刚",
        phone="13800138000",
    )


@pytest.fixture
def wu(hengda, wang):
    return services.register_worker(
        hengda,
        by=wang,
        name="吴刚",
        id_number_value=WU_ID,
        consent=consent(),
        phone="13900139000",
        work_types=["welder"],
    ).worker
