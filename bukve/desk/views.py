from django.http import HttpRequest, HttpResponse

from bukve.desk.access import staff_required


@staff_required()
def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Desk")


@staff_required()
def checkin(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Desk")


@staff_required()
def hold_shelf(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Desk")
