from django.http import HttpRequest, HttpResponse

from bukve.desk.access import staff_required
from bukve.libraries.models import Staff


@staff_required(Staff.ADMINISTRATOR)
def setup(request: HttpRequest) -> HttpResponse:
    return HttpResponse("setup")
