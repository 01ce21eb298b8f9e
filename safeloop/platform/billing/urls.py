"""/billing/ on enterprise hosts: the admin's billing page and its actions."""

from django.urls import path

from safeloop.platform.billing import views

app_name = "billing"
urlpatterns = [
    path("", views.billing_page, name="page"),
    path("checkout/", views.checkout, name="checkout"),
    path("portal/", views.portal, name="portal"),
    path("invoicing/", views.invoicing, name="invoicing"),
]
