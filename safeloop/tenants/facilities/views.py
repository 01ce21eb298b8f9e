from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from safeloop.tenants.facilities.services import summary


@login_required
def home(request):
    return render(request, "facilities/home.html", {"summary": summary()})
