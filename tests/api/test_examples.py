"""The README's and the OpenAPI's examples name what the demo has: a staff user of the demo,
its card numbers and barcodes (`bukve demo` makes them the same way on every load)."""

import re
from pathlib import Path

from django.test import Client

from bukve import demo

README = Path(__file__).resolve().parents[2] / "README.md"


def api_section() -> str:
    text = README.read_text()
    return text[text.index("## JSON API") : text.index("## Layout")]


def test_the_readme_uses_a_demo_user_and_demo_numbers():
    section = api_section()
    users = {username: code for username, _password, code, _role in demo.DEMO_USERS}

    [user] = re.findall(r"token create --user (\S+)", section)
    assert users.get(user) == "tolmin"
    prefix = demo.PREFIXES["tolmin"]
    assert set(re.findall(r"/api/members/(\w+)", section)) == {f"{prefix}0001"}  # member no. 1
    assert set(re.findall(r"/api/items/(\w+)", section)) == {f"{prefix}{10000 + 1}"}  # item 1
    assert "KEY " not in section.replace("$KEY", "") and "PREFIX" not in section


def test_the_openapi_examples_are_demo_numbers(db):
    schema = Client().get("/api/openapi.json").json()
    examples = {
        parameter["name"]: parameter["schema"].get("examples")
        for path in schema["paths"].values()
        for operation in path.values()
        for parameter in operation.get("parameters", [])
    }
    assert examples["card_number"] == ["TO0001"]
    assert examples["barcode"] == ["TO10001"]
