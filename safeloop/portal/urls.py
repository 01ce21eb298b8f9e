"""Pages for people from outside the enterprise, on its host without an account."""

from django.urls import path

from safeloop.portal import views

app_name = "portal"

urlpatterns = [
    path("g/<str:token>/", views.gate, name="gate"),
    path("g/<str:token>/done/", views.gate_done, name="gate_done"),
]
