from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from bukve import views
from bukve.admin_site import AdminLoginForm
from bukve.inputs import IdConverter

register_converter(IdConverter, "id")

admin.site.site_header = _("Bukve administration")
admin.site.site_title = _("Bukve")
admin.site.index_title = _("Libraries, catalogue, members and circulation")
admin.site.login_form = AdminLoginForm  # locked after repeated failures, like the desk

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("desk/", include("bukve.desk.urls")),
    path("moja/", include("bukve.portal.urls")),
    path("katalog/", include("bukve.portal.catalogue_urls")),
    path("api/", include("bukve.api.urls")),
]
