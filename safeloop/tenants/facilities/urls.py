from django.urls import path

from safeloop.tenants.facilities import views

app_name = "workspace"
urlpatterns = [
    path("", views.home, name="home"),
]
