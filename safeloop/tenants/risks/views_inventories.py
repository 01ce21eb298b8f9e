"""The 有限空间 and 粉尘 台账 pages (thin: risks.inventories decides and reads)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from safeloop.access import can
from safeloop.platform.files import private_download
from safeloop.tenants.risks import inventories
from safeloop.tenants.risks.forms import InventoryLineForm
from safeloop.tenants.risks.models import ConfinedSpace, DustSite
from safeloop.tenants.risks.permissions import RiskPerm
from safeloop.tenants.risks.views import _form_page
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

MODELS = {"space": ConfinedSpace, "dust": DustSite}


@guarded(RiskPerm.RISKS_VIEW)
def inventories_page(request: HttpRequest) -> HttpResponse:
    spaces = list(inventories.confined_spaces())
    sites = list(inventories.dust_sites())
    return render(
        request,
        "risks/inventories.html",
        {
            "spaces": spaces,
            "sites": sites,
            "explosive": sum(1 for d in sites if d.explosive),
            "unsigned": sum(1 for s in spaces if not s.sign_posted),
            "unowned": sum(1 for line in [*spaces, *sites] if line.responsible_id is None),
            "can_manage": can(request.user, RiskPerm.RISKS_MANAGE),
        },
    )


@guarded(RiskPerm.RISKS_MANAGE)
def inventory_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = MODELS.get(kind)
    if model is None:
        return HttpResponse(status=404)
    line = get_object_or_404(model, pk=pk, is_active=True)
    confined = model is ConfinedSpace
    initial = {"responsible": line.responsible}
    initial["sign_posted" if confined else "workers"] = (
        line.sign_posted if confined else line.workers
    )
    form = InventoryLineForm(request.POST or None, initial=initial, confined=confined)
    back = reverse("risks:inventories") + f"#{line.code}"
    if request.method == "POST" and submit_form(
        form,
        lambda data: inventories.update_line(
            line,
            by=request.user,
            responsible=data["responsible"],
            sign_posted=data.get("sign_posted") if confined else None,
            workers=data.get("workers") if not confined else None,
        ),
    ):
        return redirect(back)
    return _form_page(request, form, title=f"{line.code} {line.display_name}", back=back)


@guarded(RiskPerm.RISKS_VIEW)
def inventories_xlsx(request: HttpRequest) -> HttpResponse:
    return private_download(
        inventories.inventories_xlsx(), inventories.CONTENT_TYPE, inventories.filename()
    )
