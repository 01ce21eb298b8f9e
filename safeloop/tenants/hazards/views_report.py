from django.http import Http404


def point(request, token: str):
    raise Http404
