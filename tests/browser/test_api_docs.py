"""The API docs on a library's closed network: Swagger UI comes from Bukve itself."""

from urllib.parse import urlsplit

from playwright.sync_api import expect


def test_the_api_docs_render_with_the_network_cut(page, live_server):
    # given: a browser that can reach nothing but Bukve
    local = urlsplit(live_server.url).netloc
    refused: list[str] = []

    def only_bukve(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_bukve)

    # when: a librarian opens the interactive docs
    page.go("/api/docs")

    # then: Swagger UI shows the operations, and asked for nothing outside
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Bukve API")
    member = page.locator(".opblock-summary-path[data-path='/api/members/{card_number}']")
    expect(member).to_be_visible()
    expect(page.locator(".opblock-summary-path[data-path='/api/checkout']")).to_be_visible()
    assert page.locator(".opblock").count() >= 10
    page.shot("docs")
    assert refused == []
