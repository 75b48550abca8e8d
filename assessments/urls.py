from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/<int:number>/", views.section, name="section"),
    path("<str:token>/done/", views.done, name="done"),
]
