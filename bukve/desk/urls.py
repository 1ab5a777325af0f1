from django.contrib.auth import views as auth_views
from django.urls import include, path

from bukve.desk import views

app_name = "desk"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="desk/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("checkin/", views.checkin, name="checkin"),
    path("holds/", views.hold_shelf, name="hold_shelf"),
    path("setup/", include("bukve.desk.setup_urls")),
]
