from django.urls import include, path

from bukve.portal import membership_views, money_views, views
from bukve.portal import registration_views as registration

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("acting-for/", views.act_for, name="act_for"),
    path("loans/<id:loan_id>/renew/", views.renew, name="renew"),
    path("reservations/", views.reservations, name="reservations"),
    path("reservations/<id:reservation_id>/cancel/", views.cancel, name="cancel"),
    path("search/", views.search, name="search"),
    path("search/<id:record_id>/reserve/", views.reserve, name="reserve"),
    path("account/", views.account, name="account"),
    path("account/fines/<id:charge_id>/", views.fine, name="fine"),
    path("card/", views.card, name="card"),
    path("settings/", views.preferences, name="settings"),
    path("settings/password/", views.password, name="password"),
    path("membership/", membership_views.membership, name="membership"),
    path("membership/renew/", membership_views.renew, name="membership_renew"),
    path("membership/data/", membership_views.data_download, name="data_download"),
    path("pay/", include("bukve.portal.payment_urls")),
    path("register/", registration.register, name="register"),
    path("register/sent/", registration.register_sent, name="register_sent"),
    path("register/new-link/", registration.register_new_link, name="register_new_link"),
    path(
        "register/activate/<str:token>/",
        registration.register_activate,
        name="register_activate",
    ),
    path("account/statement.pdf", money_views.statement_download, name="statement_pdf"),
    path("account/receipts/<id:payment_id>.pdf", money_views.receipt_download, name="receipt_pdf"),
]
