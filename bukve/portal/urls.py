from django.urls import path

from bukve.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("acting-for/", views.act_for, name="act_for"),
    path("loans/<int:loan_id>/renew/", views.renew, name="renew"),
    path("reservations/", views.reservations, name="reservations"),
    path("reservations/<int:reservation_id>/cancel/", views.cancel, name="cancel"),
    path("search/", views.search, name="search"),
    path("search/<int:record_id>/reserve/", views.reserve, name="reserve"),
    path("account/", views.account, name="account"),
    path("account/fines/<int:charge_id>/", views.fine, name="fine"),
    path("card/", views.card, name="card"),
    path("settings/", views.preferences, name="settings"),
    path("settings/password/", views.password, name="password"),
]
