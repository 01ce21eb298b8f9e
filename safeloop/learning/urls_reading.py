"""Learning URLs: reading (see urls.py)."""

from django.shortcuts import redirect
from django.urls import path


def _placeholder_course(request, course_id: int):
    # h-train's stand-in for h-cms's course page so links resolve on this branch;
    # dropped on merge.
    return redirect("learning:my_courses")


urlpatterns: list = [
    path("c/<int:course_id>/", _placeholder_course, name="course"),
]
