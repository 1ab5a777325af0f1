from django.urls import path

from bukve.desk import account_views, bank_views, money_views, refund_views

urlpatterns = [
    path("sale/", money_views.sale, name="money_sale"),
    path("takings/", money_views.takings, name="money_takings"),
    path("charges/<id:pk>/write-off/", account_views.charge_write_off, name="money_write_off"),
    path("charges/<id:pk>/reverse/", account_views.charge_reverse, name="money_charge_reverse"),
    path("payments/<id:pk>/reverse/", account_views.payment_reverse, name="money_payment_reverse"),
    path("members/<id:pk>/plan/", account_views.plan_create, name="money_plan"),
    path("collection/", money_views.collection, name="money_collection"),
    path("collection/export/", money_views.collection_export, name="money_collection_export"),
    path("collection/hand-over/", money_views.collection_hand_over, name="money_hand_over"),
    path("refunds/", refund_views.refunds, name="money_refunds"),
    path("refunds/<id:pk>/", refund_views.refund, name="money_refund"),
    path("bank/", bank_views.bank_import, name="money_bank"),
    path("bank/<id:pk>/assign/", bank_views.bank_assign, name="money_bank_assign"),
]
