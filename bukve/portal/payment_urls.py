"""Paying online (bukve/portal/payment_views.py), under /moja/pay/."""

from django.urls import path

from bukve.portal import payment_views

urlpatterns = [
    path("", payment_views.start, name="pay_start"),
    path("return/<str:reference>/", payment_views.back, name="pay_return"),
    path("callback/<str:provider>/", payment_views.callback, name="pay_callback"),
    path("sandbox/<str:reference>/", payment_views.sandbox, name="pay_sandbox"),
]
