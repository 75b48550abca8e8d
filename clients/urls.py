from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("follow-ups/stop/<str:token>/", views.follow_ups_stop, name="follow_ups_stop"),
]
