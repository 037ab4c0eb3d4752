from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def test_no_token_means_the_local_chat_with_defaults() -> None:
    settings = load_settings({})
    assert settings.token is None
    assert settings.api_url == "https://api.telegram.org"
    assert settings.base_url == "https://api.telegram.org/bot"
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert settings.db_path == Path("data/between.sqlite3")
    assert settings.default_locale == "en"
    assert not settings.uses_webhook


def test_self_hosted_api_url_becomes_ptb_base_urls() -> None:
    settings = load_settings(
        {"TELEGRAM_BOT_TOKEN": "123456:ABC-def_9", "TELEGRAM_API_URL": "http://127.0.0.1:8081/"}
    )
    assert settings.base_url == "http://127.0.0.1:8081/bot"
    assert settings.base_file_url == "http://127.0.0.1:8081/file/bot"


def test_token_never_prints() -> None:
    settings = load_settings({"TELEGRAM_BOT_TOKEN": "123456:SECRETSECRET"})
    assert settings.token is not None and settings.token.value == "123456:SECRETSECRET"
    assert "SECRETSECRET" not in repr(settings)
    assert "SECRETSECRET" not in str(settings.token)


def test_every_bad_value_is_reported_with_a_way_to_fix_it() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            {
                "TELEGRAM_BOT_TOKEN": "not a token",
                "TELEGRAM_API_URL": "ftp://example.org",
                "BETWEEN_PORT": "99999",
                "BETWEEN_DEFAULT_LOCALE": "xx",
                "BETWEEN_WEBHOOK_URL": "http://example.org/hook",
            }
        )
    problems = "\n".join(caught.value.problems)
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_URL",
        "BETWEEN_PORT",
        "BETWEEN_DEFAULT_LOCALE",
        "BETWEEN_WEBHOOK_URL must use https",
        "BETWEEN_WEBHOOK_SECRET is required",
    ):
        assert name in problems
    assert len(caught.value.problems) == 6


def test_webhook_mode_needs_token_and_secret() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "1:abc",
            "BETWEEN_WEBHOOK_URL": "https://bot.example.org",
            "BETWEEN_WEBHOOK_SECRET": "s3cret_token-1",
            "BETWEEN_PORT": "8080",
        }
    )
    assert settings.uses_webhook and settings.port == 8080
    assert settings.webhook_secret is not None and "s3cret" not in repr(settings)


def test_database_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings({"BETWEEN_DB": str(tmp_path)})


def test_plain_http_webhook_only_for_a_local_bot_api_server() -> None:
    local = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "1:abc",
            "BETWEEN_WEBHOOK_URL": "http://127.0.0.1:8443",
            "BETWEEN_WEBHOOK_SECRET": "abc",
        }
    )
    assert local.webhook_url == "http://127.0.0.1:8443"
