from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def detail(request, pk: int):
    raise Http404("The hazard page is being built.")


@login_required
def act(request, pk: int, action: str):
    raise Http404


def verify(request, token: str):
    raise Http404
