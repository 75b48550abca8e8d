from django.urls import path

from . import quick_exit, views

app_name = "booking"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("privacy/", views.privacy, name="privacy"),
    path("leave/", quick_exit.leave, name="leave"),
    path("book/<slug:slug>/", views.slot_picker, name="slots"),
    path("book/<slug:slug>/hold/", views.hold, name="hold"),
    path("book/details/<str:token>/", views.details, name="details"),
    path("book/confirm/<str:token>/", views.verify, name="verify"),
    path("book/email/<str:token>/", views.email_proof, name="email_proof"),
    path("b/<str:token>/", views.manage, name="manage"),
    path("b/<str:token>/calendar.ics", views.calendar_file, name="calendar"),
    path("b/<str:token>/cancel/", views.cancel, name="cancel"),
    path("b/<str:token>/reschedule/", views.reschedule, name="reschedule"),
]
