"""lib.config: production's public address and sender must be real, not local or reserved."""

import pytest

from lib.config import public_site_url, real_sender


def test_it_accepts_a_public_https_address_without_its_trailing_slash():
    assert public_site_url("https://book.mayavandijk.nl/") == "https://book.mayavandijk.nl"


def test_it_accepts_a_public_address_with_a_port():
    assert public_site_url("http://book.mayavandijk.nl:8080") == "http://book.mayavandijk.nl:8080"


@pytest.mark.parametrize(
    "value", ["", "book.mayavandijk.nl", "ftp://book.mayavandijk.nl", "https://", "/booking/"]
)
def test_it_refuses_an_address_that_is_not_absolute_http(value):
    with pytest.raises(ValueError, match="not an absolute http"):
        public_site_url(value)


def test_it_refuses_an_address_with_a_broken_port():
    with pytest.raises(ValueError, match="port"):
        public_site_url("https://book.mayavandijk.nl:eighty")


@pytest.mark.parametrize(
    "value",
    [
        "http://localhost:8000",
        "https://LOCALHOST",
        "http://scales.localhost",
        "http://127.0.0.1:8000",
        "http://127.0.1.1",
        "http://[::1]:8000",
        "http://0.0.0.0:8000",
    ],
)
def test_it_refuses_an_address_on_this_machine(value):
    with pytest.raises(ValueError, match="points at this machine"):
        public_site_url(value)


@pytest.mark.parametrize(
    "value",
    ["Maya van Dijk <hello@mayavandijk.nl>", "hello@mayavandijk.nl", "<praktijk@mail.nl>"],
)
def test_it_accepts_a_sender_at_a_real_domain(value):
    assert real_sender(value) == value


@pytest.mark.parametrize("value", ["", "Maya van Dijk", "Maya <hello>", "@mayavandijk.nl"])
def test_it_refuses_a_sender_that_is_not_an_address(value):
    with pytest.raises(ValueError, match="not an email address"):
        real_sender(value)


@pytest.mark.parametrize(
    "value",
    [
        "Scales <hello@localhost>",
        "hello@scales.localhost",
        "hello@maya.local",
        "hello@practice.invalid",
        "hello@practice.test",
        "hello@practice.example",
        "Maya <hello@example.com>",
        "hello@mail.example.org",
        "hello@EXAMPLE.NET",
        "hello@example.com.",
    ],
)
def test_it_refuses_a_sender_at_a_reserved_domain(value):
    with pytest.raises(ValueError, match="reserved"):
        real_sender(value)


def test_it_accepts_a_domain_that_only_contains_a_reserved_word():
    assert real_sender("hello@testpractice.nl") == "hello@testpractice.nl"
    assert real_sender("hello@example.company.nl") == "hello@example.company.nl"
