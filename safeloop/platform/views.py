from django.shortcuts import render

from safeloop.platform.industry import list_templates


def landing(request):
    return render(request, "platform/landing.html", {"templates": list_templates()})
