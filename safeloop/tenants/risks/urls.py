from django.urls import path

from safeloop.tenants.risks import views, views_export, views_inventories, views_map

app_name = "risks"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.point_create, name="point_create"),
    path("settings/", views.settings_page, name="settings"),
    # 有限空间 and 粉尘 台账.
    path("inventories/", views_inventories.inventories_page, name="inventories"),
    path("inventories.xlsx", views_inventories.inventories_xlsx, name="inventories_xlsx"),
    path(
        "inventories/<str:kind>/<int:pk>/",
        views_inventories.inventory_edit,
        name="inventory_edit",
    ),
    path("<int:pk>/", views.point_detail, name="point"),
    path("<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("<int:pk>/sources/", views.point_sources, name="point_sources"),
    path("<int:pk>/assess/", views.point_assess, name="point_assess"),
    path("<int:pk>/checks/", views.point_sync_checks, name="point_sync_checks"),
    path("<int:pk>/measures/new/", views.measure_edit, name="measure_create"),
    path("<int:pk>/measures/<int:measure_pk>/", views.measure_edit, name="measure_edit"),
    path("<int:pk>/measures/<int:measure_pk>/remove/", views.measure_remove, name="measure_remove"),
    # Helper E (card): the register's downloads.
    path("export.xlsx", views_export.export_xlsx, name="export_xlsx"),
    path("cards.pdf", views_export.cards_pdf, name="cards_pdf"),
    path("<int:pk>/card.pdf", views_export.card_pdf, name="card_pdf"),
    # Helper D (map): the four-colour map.
    path("map/", views_map.risk_map, name="map"),
    path("map/data.json", views_map.map_data, name="map_data"),
    path("map/edit/", views_map.map_edit, name="map_edit"),
    path("map/plans/<int:pk>/image/", views_map.plan_image, name="map_plan_image"),
    path("map/zones/", views_map.zone_save, name="map_zone_save"),
    path("map/zones/<int:pk>/delete/", views_map.zone_delete, name="map_zone_delete"),
]
