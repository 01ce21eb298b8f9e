"""Notification pages; mounted at /inbox/ by safeloop/platform/urls_tenant.py."""

from django.urls import path

from safeloop.tenants.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("channels/", views.channels, name="channels"),
    path("robots/", views.robots, name="robots"),
    path("robots/new/", views.robot_add, name="robot_add"),
    path("robots/<int:pk>/edit/", views.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
    path("robots/<int:pk>/active/", views.robot_active, name="robot_active"),
]
