from django.urls import path

from safeloop.tenants.hazards import views_board, views_detail, views_files, views_report

app_name = "hazards"
urlpatterns = [
    path("", views_board.board, name="board"),
    path("export.<str:fmt>", views_board.export, name="export"),
    path("<int:pk>/", views_detail.detail, name="detail"),
    path("<int:pk>/<str:action>/", views_detail.act, name="act"),
    path("v/<str:token>/", views_detail.verify, name="verify"),
    path("photo/<int:pk>/", views_files.photo, name="photo"),
    path("signature/<int:pk>/", views_files.signature, name="signature"),
]

# The QR point page lives at /q/<token>/ (see safeloop/platform/urls_tenant.py).
qr_urlpatterns = [
    path("<str:token>/", views_report.point, name="point"),
]
