from django.urls import path

from . import views

app_name = "assessments"

# Only "open" carries the emailed token; it opens the session and redirects to the
# pages below, whose addresses hold nothing that opens the answers (history, logs).
urlpatterns = [
    path("", views.start, name="start"),
    path("code/", views.code, name="code"),
    path("done/", views.done, name="done"),
    path("<int:number>/", views.section, name="section"),
    path("<str:token>/", views.open_link, name="open"),
]
