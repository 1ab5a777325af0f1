from django.contrib.auth import views as auth_views
from django.urls import include, path

from bukve.desk import member_views, views
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
    path("members/new/", member_views.new_member, name="new_member"),
    path("members/pending/", member_views.pending, name="members_pending"),
    path("members/<int:pk>/membership/", member_views.membership_page, name="membership"),
    path("members/<int:pk>/membership/renew/", member_views.renew, name="membership_renew"),
    path("members/<int:pk>/membership/evidence/", member_views.evidence, name="evidence"),
    path("members/<int:pk>/membership/card/", member_views.card, name="card_issue"),
    path("members/<int:pk>/membership/sign/", member_views.sign, name="member_sign"),
    path(
        "members/<int:pk>/membership/authorisation/",
        member_views.authorisation,
        name="authorisation_add",
    ),
    path("members/<int:pk>/membership/end/", member_views.end, name="membership_end"),
    path("members/<int:pk>/membership/exclude/", member_views.exclude, name="membership_exclude"),
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
    path("members/<int:pk>/statement.pdf", views.statement_download, name="statement_pdf"),
    path("members/<int:pk>/password/", views.portal_password, name="portal_password"),
    path("payments/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("payments/<int:pk>/receipt.pdf", views.receipt_download, name="receipt_pdf"),
    path("charges/<int:pk>/", views.charge, name="charge"),
    path("charges/<int:pk>/waive/", views.waive, name="waive"),
    path("checkin/", views.checkin, name="checkin"),
    path("holds/", views.hold_shelf, name="hold_shelf"),
    path("setup/", include("bukve.desk.setup_urls")),
    path("money/", include("bukve.desk.money_urls")),
]
