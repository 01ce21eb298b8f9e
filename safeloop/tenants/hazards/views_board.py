from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def board(request):
    raise Http404("The hazard board is being built.")


@login_required
def export(request, fmt: str):
    raise Http404("The ledger export is being built.")
