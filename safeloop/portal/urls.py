"""Pages for people from outside the enterprise, on its host without an account."""

from django.urls import path

from safeloop.portal import views, views_crew, views_crew_import, views_induction, views_pass

app_name = "portal"

urlpatterns = [
    path("", views_induction.home, name="home"),
    path("g/<str:token>/", views.gate, name="gate"),
    path("g/<str:token>/done/", views.gate_done, name="gate_done"),
    path("induction/", views_induction.induction, name="induction"),
    path("induction/briefing/<int:pk>/", views_induction.briefing, name="briefing"),
    path("pass/<str:token>/", views_pass.pass_page, name="pass"),
    path("pass/<str:token>/card.pdf", views_pass.pass_card, name="pass_card"),
    path("pass/<str:token>/photo", views_pass.pass_photo, name="pass_photo"),
    path("crew/", views_crew.crew, name="crew"),
    path("crew/login/", views_crew.login_page, name="crew_login"),
    path("crew/import/", views_crew_import.crew_import_page, name="crew_import"),
    path("crew/import/template.xlsx", views_crew_import.crew_template, name="crew_template"),
]
