"""Benchmark the gate check and the daily pass scan at 5,000 workers (issue 14), in process.

    cd <checkout> && PYTHONPATH=$PWD .venv/bin/python -m pytest \\
        tests/perf/bench_contractors.py -q -s --create-db

Not collected by the suite (not ``test_*.py``): run it by name. Acme grows by 50
contractor companies (a valid licence and a running project each) with 100 workers
each, 5,000 workers holding 20,000 special operation certificates (4 each), every
worker's site briefing signed and every pass issued; the induction asks for the
certificate of each work type. The rows are bulk-inserted (registering 5,000
workers through the services would time the seeding, not the rules); ID numbers
are encrypted and hashed as the services store them.

Prints:
- the gate check's server time, p50 and p95 over 300 scans of random passes, through
  the guard's page in the test client (the POST of the scanned link, which judges
  afresh, logs the event and keeps the on-site count, plus the GET of the verdict it
  redirects to: what the guard waits for), and ``services.check`` alone;
- the daily scan (``scan_expired``) on the day ~500 passes lapse (their welder's
  certificate expired the day before): its time, what it checked and suspended,
  and its queries (``SET search_path`` counted apart).
Under load (other processes on the machine) compare figures of one run only.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeloop.contractors import pii, services
from safeloop.contractors.models import (
    BriefingSignature,
    ContractorCompany,
    ContractorWorker,
    PassStatus,
    Project,
    Qualification,
    SitePass,
    SpecialCertificate,
)
from safeloop.contractors.validators import credit_code_check_char, id_check_char
from safeloop.tenants.facilities.models import Area, AreaKind

pytestmark = pytest.mark.django_db

COMPANIES, PER_COMPANY, LAPSING = 50, 100, 500
CHECKS = 300
KINDS = ["welding", "electrical", "height", "refrigeration"]
TYPES = {"welding": "welder", "electrical": "electrician", "height": "height"}


def _seed(wang, today):
    for kind, work_type in TYPES.items():
        services.add_requirement(by=wang, work_type=work_type, certificate_kind=kind)
    briefing = services.set_briefing(by=wang, title="入场安全交底", body="进入厂区必须佩戴安全帽。")
    responsible = wang.person
    companies = ContractorCompany.objects.bulk_create(
        ContractorCompany(
            name=f"承包商{i:02d}",
            credit_code=(code := f"913501000{i:08d}") + credit_code_check_char(code),
        )
        for i in range(COMPANIES)
    )
    Project.objects.bulk_create(
        Project(
            company=c,
            name="检修",
            starts_on=today - timedelta(days=30),
            ends_on=today + timedelta(days=300),
            responsible=responsible,
        )
        for c in companies
    )
    Qualification.objects.bulk_create(
        Qualification(
            company=c, kind="safety_licence", number="X", valid_until=today + timedelta(days=400)
        )
        for c in companies
    )
    workers = []
    for n in range(COMPANIES * PER_COMPANY):
        id17 = f"110105198{n // 1000 % 10}0101{n % 1000:03d}"
        value = id17 + id_check_char(id17)
        workers.append(
            ContractorWorker(
                company=companies[n // PER_COMPANY],
                name=f"工人{n:05d}",
                work_types=["welder", "electrician", "height"],
                id_number_token=pii.encrypt(value),
                id_number_hash=pii.keyed_hash(f"{n:018d}"),
                id_number_masked=pii.mask(value),
            )
        )
    workers = ContractorWorker.objects.bulk_create(workers, batch_size=1000)
    lapsing = set(random.Random(14).sample(range(len(workers)), LAPSING))
    certificates, passes, signatures = [], [], []
    for i, worker in enumerate(workers):
        ends = today + timedelta(days=200 + i % 100)
        for kind in KINDS:
            valid_until = ends
            if kind == "welding" and i in lapsing:
                valid_until = today + timedelta(days=9)  # lapses on day 10
            certificates.append(
                SpecialCertificate(
                    worker=worker,
                    kind=kind,
                    number=f"T{i:06d}{kind[:2]}",
                    issuer="应急管理局",
                    valid_until=valid_until,
                )
            )
        signatures.append(
            BriefingSignature(
                briefing=briefing,
                worker=worker,
                version=briefing.version,
                text_hash="0" * 64,
                image="contractors/signatures/bench.png",
                signed_at=timezone.now(),
            )
        )
        passes.append(
            SitePass(
                worker=worker,
                number=f"SP{worker.pk:06d}",
                valid_until=today + timedelta(days=9) if i in lapsing else ends,
            )
        )
    SpecialCertificate.objects.bulk_create(certificates, batch_size=2000)
    BriefingSignature.objects.bulk_create(signatures, batch_size=2000)
    return SitePass.objects.bulk_create(passes, batch_size=2000)


def test_gate_check_and_daily_scan_at_5000_workers(wang, acme_client):
    today = timezone.localdate()
    started = time.perf_counter()
    passes = _seed(wang, today)
    gate = Area.objects.filter(kind=AreaKind.SITE).first()
    print(
        f"\nseeded {ContractorWorker.objects.count()} workers, "
        f"{SpecialCertificate.objects.count()} certificates, {len(passes)} passes "
        f"in {time.perf_counter() - started:.1f}s"
    )
    # The gate: random passes, all green today, scanned on the guard's page.
    rng = random.Random(9)
    acme_client.force_login(wang)
    check_url = reverse("contractors:gate_check")

    def scan(site_pass):
        posted = acme_client.post(
            check_url, {"code": site_pass.get_absolute_url(), "gate": gate.pk, "direction": "in"}
        )
        assert posted.status_code == 302, posted.content[:500]
        return acme_client.get(posted["Location"]).content.decode()

    scan(passes[0])  # warm caches
    times = []
    for site_pass in rng.sample(passes, CHECKS):
        start = time.perf_counter()
        page = scan(site_pass)
        times.append(time.perf_counter() - start)
        assert 'data-allowed="true"' in page
    with CaptureQueriesContext(connection) as captured:
        scan(passes[1])
    page_queries = sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET "))
    times.sort()
    print(
        f"gate check on the guard's page (POST + verdict GET): n={CHECKS} "
        f"p50={statistics.median(times) * 1000:.1f}ms "
        f"p95={times[int(CHECKS * 0.95) - 1] * 1000:.1f}ms queries={page_queries}"
    )
    times = []
    for site_pass in rng.sample(passes, CHECKS):
        start = time.perf_counter()
        verdict = services.check(site_pass.token, by=wang, gate=gate)
        times.append(time.perf_counter() - start)
        assert verdict.allowed, verdict.reasons
    times.sort()
    print(
        f"gate check, services.check alone: n={CHECKS} "
        f"p50={statistics.median(times) * 1000:.1f}ms "
        f"p95={times[int(CHECKS * 0.95) - 1] * 1000:.1f}ms"
    )
    # The daily scan on the day the ~500 welders' certificates lapse.
    day = today + timedelta(days=10)
    with CaptureQueriesContext(connection) as captured:
        result = services.scan_expired(today=day)
    sql = [q["sql"] for q in captured.captured_queries]
    sets = sum(1 for q in sql if q.startswith("SET "))
    print(
        f"scan_expired on the lapse day: checked={result.checked} "
        f"suspended={result.suspended} time={result.seconds * 1000:.0f}ms "
        f"queries={len(sql) - sets} (+{sets} SET)"
    )
    assert (result.checked, result.suspended) == (LAPSING, LAPSING)
    assert SitePass.objects.filter(status=PassStatus.SUSPENDED).count() == LAPSING
    # The next day nothing is left to scan.
    with CaptureQueriesContext(connection) as captured:
        quiet = services.scan_expired(today=day + timedelta(days=1))
    print(
        f"scan_expired the next day: checked={quiet.checked} "
        f"time={quiet.seconds * 1000:.0f}ms queries={len(captured.captured_queries)}"
    )
