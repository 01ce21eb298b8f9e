"""Sensor and alarm pages; mounted at /iot/ by safeloop/platform/urls_tenant.py."""

from django.urls import path

from safeloop.iot_bridge import views

app_name = "iot"
urlpatterns = [
    path("", views.board, name="board"),
    path("live/", views.board_live, name="board_live"),
    path("alarms/<int:pk>/", views.alarm, name="alarm"),
    path("alarms/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("devices/<int:pk>/", views.device, name="device"),
    path("response/", views.response_plans_page, name="response"),
    path("sensors/<int:pk>/series.json", views.sensor_series, name="series"),
]
