from django.urls import path

from . import quick_exit, views

app_name = "booking"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("privacy/", views.privacy, name="privacy"),
    path("practitioner/photo.jpg", views.practitioner_photo, name="practitioner_photo"),
    path("leave/", quick_exit.leave, name="leave"),
    path("book/<slug:slug>/", views.slot_picker, name="slots"),
    path("book/<slug:slug>/hold/", views.hold, name="hold"),
    path("book/details/<str:token>/", views.details, name="details"),
    path("book/confirm/<str:token>/", views.verify, name="verify"),
    path("book/email/<str:token>/", views.email_proof, name="email_proof"),
    # The emailed link only opens the booking in this browser's session (booking/access.py);
    # the pages themselves carry no token. The token-less paths come first.
    path("b/", views.manage, name="manage"),
    path("b/calendar.ics", views.calendar_file, name="calendar"),
    path("b/cancel/", views.cancel, name="cancel"),
    path("b/reschedule/", views.reschedule, name="reschedule"),
    path("b/reschedule/confirm/", views.reschedule_confirm, name="reschedule_confirm"),
    path("b/<str:token>/", views.open_link, name="open"),
    # Her private calendar feed: the random token in the address is the key.
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
