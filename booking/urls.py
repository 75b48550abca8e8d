from django.urls import path

from . import views

app_name = "booking"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("privacy/", views.privacy, name="privacy"),
    path("book/<slug:slug>/", views.slot_picker, name="slots"),
    path("book/<slug:slug>/hold/", views.hold, name="hold"),
    path("book/details/<str:token>/", views.details, name="details"),
    path("b/<str:token>/", views.manage, name="manage"),
    path("b/<str:token>/calendar.ics", views.calendar_file, name="calendar"),
    path("b/<str:token>/cancel/", views.cancel, name="cancel"),
    path("b/<str:token>/reschedule/", views.reschedule, name="reschedule"),
]
