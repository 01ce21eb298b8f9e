from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def photo(request, pk: int):
    raise Http404


@login_required
def signature(request, pk: int):
    raise Http404
