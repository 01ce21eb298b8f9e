from django.urls import path

from safeloop.tenants.accounts import views

app_name = "accounts"
urlpatterns = [
    path("link/<str:secret>/", views.signin_link, name="signin_link"),
    path("login/", views.sign_in, name="sign_in"),
    path("quick/", views.quick_login_view, name="quick_login"),
    path("language/", views.set_language, name="set_language"),
]
