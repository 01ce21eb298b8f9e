"""Learning URLs: reading (see urls.py)."""

from django.http import HttpResponse
from django.urls import path


def _placeholder(request, **kwargs):  # h-quiz placeholder: h-cms owns this route (drop on merge)
    return HttpResponse("course")


urlpatterns: list = [path("c/<int:course_id>/", _placeholder, name="course")]
