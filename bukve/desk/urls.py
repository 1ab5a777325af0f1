from django.contrib.auth import views as auth_views
from django.urls import include, path

from bukve.desk import views
from bukve.desk.forms import DeskLoginForm

app_name = "desk"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="desk/login.html", authentication_form=DeskLoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("members/<int:pk>/", views.member, name="member"),
    path("members/<int:pk>/checkout/", views.checkout, name="checkout"),
    path("members/<int:pk>/loans/<int:loan_pk>/renew/", views.renew, name="renew"),
    path("members/<int:pk>/loans/<int:loan_pk>/lost/", views.declare_lost, name="lost"),
    path("members/<int:pk>/reserve/", views.reserve, name="reserve"),
    path(
        "members/<int:pk>/reservations/<int:reservation_pk>/cancel/",
        views.reservation_cancel,
        name="reservation_cancel",
    ),
    path("members/<int:pk>/pay/", views.payment, name="pay"),
    path("members/<int:pk>/statement/", views.statement, name="statement"),
    path("members/<int:pk>/password/", views.portal_password, name="portal_password"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("charges/<int:pk>/", views.charge, name="charge"),
    path("charges/<int:pk>/waive/", views.waive, name="waive"),
    path("checkin/", views.checkin, name="checkin"),
    path("holds/", views.hold_shelf, name="hold_shelf"),
    path("setup/", include("bukve.desk.setup_urls")),
]
