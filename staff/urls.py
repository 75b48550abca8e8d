"""The sign-in pages, under the office's prefix (mounted before the admin's own URLs).

Not namespaced: the admin's login page looks for ``admin_password_reset`` and
Django's reset views for ``password_reset_confirm`` and friends by these names.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("sign-in/set-up/", views.setup, name="staff_setup"),
    path("sign-in/code/", views.verify, name="staff_verify"),
    path("sign-in/recovery-codes/", views.recovery_codes, name="staff_recovery_codes"),
    path("password-reset/", views.password_reset, name="admin_password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
]
