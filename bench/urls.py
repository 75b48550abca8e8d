"""The practice's URLs plus a do-nothing view to compare against. Benchmark only."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("practice.urls")),
]
