from django.urls import path

from safeloop.tenants.accounts import views

app_name = "accounts"
urlpatterns = [
    path("link/<str:secret>/", views.signin_link, name="signin_link"),
]
