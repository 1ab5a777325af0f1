from django.urls import path

from bukve.desk import setup_views

urlpatterns = [
    path("", setup_views.setup, name="setup"),
    path("branches/<id:pk>/", setup_views.branch_edit, name="setup_branch"),
    path("branches/<id:pk>/seasons/", setup_views.season_new, name="setup_season_add"),
    path("seasons/<id:pk>/remove/", setup_views.season_delete, name="setup_season_remove"),
    path("closures/", setup_views.my_closures, name="setup_my_closures"),
    path("branches/<id:pk>/closures/", setup_views.closures, name="setup_closures"),
    path("closures/<id:pk>/remove/", setup_views.closure_delete, name="setup_closure_remove"),
    path("policy/", setup_views.policy, name="setup_policy"),
    path("policy/change/", setup_views.policy_change, name="setup_policy_change"),
]
