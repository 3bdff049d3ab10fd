import json
import logging

from storefront.logs import JsonFormatter, redact


def test_phone_numbers_are_masked():
    assert redact("login for +84912345678 failed") == "login for +84912***678 failed"
    assert "912345678" not in redact("phone=0912345678")


def test_credentials_are_masked():
    text = redact(
        'password=hunter22 token: lsk_abcdef Authorization: Bearer lsk_secret123 {"code": "AB12CD"}'
    )
    assert "hunter22" not in text
    assert "lsk_abcdef" not in text
    assert "lsk_secret123" not in text
    assert "AB12CD" not in text


def test_log_lines_are_json_and_redacted():
    record = logging.LogRecord(
        "langso", logging.INFO, __file__, 1, "user +84912345678 password=x1", None, None
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "info"
    assert "+84912345678" not in line["message"]
