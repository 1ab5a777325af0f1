import pytest

from tests.notices.servers import sms_gateway, smtp_server  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def letters_dir(settings, tmp_path):
    """Letters are printed from a folder of the test's own."""
    settings.BUKVE_LETTERS_DIR = tmp_path / "letters"
    return settings.BUKVE_LETTERS_DIR
