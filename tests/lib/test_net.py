"""lib.net: the visitor's address behind trusted proxies only, IPv6 counted per /64."""

import pytest

from lib.net import client_ip, trusted_networks, visitor_network

PROXY = trusted_networks(["10.0.0.0/8"])


def test_it_ignores_a_forwarded_header_without_trusted_proxies():
    assert client_ip("203.0.113.5", "198.51.100.7", []) == "203.0.113.5"


def test_it_believes_the_hop_a_trusted_proxy_added():
    assert client_ip("10.0.0.2", "198.51.100.7", PROXY) == "198.51.100.7"


def test_it_never_believes_what_the_visitor_wrote_before_the_proxy():
    # The visitor sent "X-Forwarded-For: 1.1.1.1"; the proxy appended their real address.
    assert client_ip("10.0.0.2", "1.1.1.1, 198.51.100.7", PROXY) == "198.51.100.7"


def test_it_walks_back_through_a_chain_of_trusted_proxies():
    assert client_ip("10.0.0.2", "198.51.100.7, 10.0.0.9", PROXY) == "198.51.100.7"


@pytest.mark.parametrize("junk", ["", "not-an-ip", "999.1.1.1"])
def test_it_answers_empty_for_an_unreadable_socket_address(junk):
    assert client_ip(junk, "", PROXY) == ""


def test_it_counts_ipv6_per_64_and_ipv4_per_address():
    assert visitor_network("2001:db8:1:2:aaaa::1") == visitor_network("2001:db8:1:2:bbbb::9")
    assert visitor_network("2001:db8:1:2::1") != visitor_network("2001:db8:1:3::1")
    assert visitor_network("::ffff:198.51.100.7") == "198.51.100.7"
    assert visitor_network("198.51.100.7") != visitor_network("198.51.100.8")


def test_it_refuses_a_misconfigured_trusted_proxy():
    with pytest.raises(ValueError, match="does not appear"):
        trusted_networks(["load-balancer"])
