from django.contrib.auth import views as auth_views
from django.urls import include, path

from bukve.desk import (
    account_views,
    branch_views,
    catalogue_views,
    ill_views,
    member_views,
    views,
)
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
    path("members/<id:pk>/", views.member, name="member"),
    path("members/new/", member_views.new_member, name="new_member"),
    path("members/pending/", member_views.pending, name="members_pending"),
    path("members/<id:pk>/membership/", member_views.membership_page, name="membership"),
    path("members/<id:pk>/membership/renew/", member_views.renew, name="membership_renew"),
    path("members/<id:pk>/membership/fee/", member_views.fee_pay, name="membership_fee_pay"),
    path("members/<id:pk>/membership/evidence/", member_views.evidence, name="evidence"),
    path("members/<id:pk>/membership/card/", member_views.card, name="card_issue"),
    path("members/<id:pk>/membership/sign/", member_views.sign, name="member_sign"),
    path(
        "members/<id:pk>/membership/authorisation/",
        member_views.authorisation,
        name="authorisation_add",
    ),
    path("members/<id:pk>/membership/end/", member_views.end, name="membership_end"),
    path("members/<id:pk>/membership/exclude/", member_views.exclude, name="membership_exclude"),
    path("members/<id:pk>/checkout/", views.checkout, name="checkout"),
    path("members/<id:pk>/loans/<id:loan_pk>/renew/", views.renew, name="renew"),
    path("members/<id:pk>/loans/<id:loan_pk>/lost/", views.declare_lost, name="lost"),
    path("members/<id:pk>/reserve/", views.reserve, name="reserve"),
    path(
        "members/<id:pk>/reservations/<id:reservation_pk>/cancel/",
        views.reservation_cancel,
        name="reservation_cancel",
    ),
    path("members/<id:pk>/pay/", account_views.payment, name="pay"),
    path("members/<id:pk>/statement/", account_views.statement, name="statement"),
    path("members/<id:pk>/statement.pdf", account_views.statement_download, name="statement_pdf"),
    path("members/<id:pk>/password/", views.portal_password, name="portal_password"),
    path("payments/<id:pk>/receipt/", account_views.receipt, name="receipt"),
    path("payments/<id:pk>/receipt.pdf", account_views.receipt_download, name="receipt_pdf"),
    path("charges/<id:pk>/", account_views.charge, name="charge"),
    path("charges/<id:pk>/waive/", account_views.waive, name="waive"),
    path("checkin/", views.checkin, name="checkin"),
    path("holds/", views.hold_shelf, name="hold_shelf"),
    path("branch/", branch_views.branch_work, name="branch"),
    path("holds/<id:reservation_pk>/locker/", branch_views.locker_put, name="locker_put"),
    path("ill/", ill_views.ill_list, name="ill"),
    path("ill/lend/", ill_views.ill_lend, name="ill_lend"),
    path("ill/<id:pk>/<slug:step>/", ill_views.ill_step, name="ill_step"),
    path("members/<id:pk>/ill/", ill_views.ill_order, name="ill_order"),
    path("catalogue/", catalogue_views.catalogue, name="catalogue"),
    path("catalogue/records/new/", catalogue_views.record_new, name="catalogue_record_new"),
    path("catalogue/records/<id:pk>/", catalogue_views.record, name="catalogue_record"),
    path(
        "catalogue/records/<id:pk>/edit/", catalogue_views.record_edit, name="catalogue_record_edit"
    ),
    path("catalogue/records/<id:pk>/scan/", catalogue_views.copy_scan, name="catalogue_copy_scan"),
    path(
        "catalogue/records/<id:pk>/copies/new/", catalogue_views.copy_new, name="catalogue_copy_new"
    ),
    path("catalogue/copies/<id:pk>/", catalogue_views.copy_edit, name="catalogue_copy"),
    path("catalogue/copies/<id:pk>/move/", catalogue_views.copy_move, name="catalogue_copy_move"),
    path(
        "catalogue/copies/<id:pk>/withdraw/",
        catalogue_views.copy_withdraw,
        name="catalogue_copy_withdraw",
    ),
    path("catalogue/copies/<id:pk>/label/", catalogue_views.copy_label, name="catalogue_label"),
    path("setup/", include("bukve.desk.setup_urls")),
    path("money/", include("bukve.desk.money_urls")),
]
