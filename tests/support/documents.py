"""Reading printed output the way people meet it: PDFs rasterised by pdftoppm,
QR codes read by zbarimg, text pulled by pdftotext (Debian's poppler-utils and
zbar-tools, installed by .ci/run)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.conf import settings


def hub_url(slug: str, token: str) -> str:
    """What a QR sign encodes: the tenant's point hub (tests run with no public port)."""
    return f"{settings.SAFELOOP_SCHEME}://{slug}.{settings.SAFELOOP_BASE_DOMAIN}/q/{token}/"


def rasterise(pdf: bytes, folder: Path, *, dpi: int = 150, name: str = "doc") -> list[Path]:
    """One PNG per page of ``pdf``, in page order."""
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(source), str(folder / f"{name}-page")],
        check=True,
    )
    return sorted(folder.glob(f"{name}-page*.png"))


def read_qr(image: Path) -> list[str]:
    """Every QR code zbarimg finds in ``image`` (none: an empty list)."""
    # zbarimg exits 4 when an image holds no code; the callers' assertions tell.
    result = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.split()


def pdf_text(pdf: bytes, folder: Path) -> list[str]:
    """The text of each page."""
    source = folder / "text.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8").split("\f")[:-1]
