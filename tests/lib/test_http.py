"""The outbound client refuses private targets, pins the checked address, and never redirects."""

from __future__ import annotations

import pytest

from idscan.errors import OutboundRequestRefusedError
from idscan.lib.http import OutboundClient, check_target_url, is_public
from tests.support.receiver import running_receiver


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        # IPv6 forms that carry an IPv4 address: judged by the address they reach.
        ("64:ff9b::7f00:1", False),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of the cloud metadata address
        ("64:ff9b::5db8:d822", True),  # NAT64 of a public address
        ("64:ff9b:1::a00:1", False),  # local-use NAT64 of 10.0.0.1
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2002:5db8:d822::1", True),  # 6to4 of a public address
        ("::7f00:1", False),  # IPv4-compatible 127.0.0.1
        ("::a00:1", False),
        ("::ffff:0:a00:1", False),  # IPv4-translated (SIIT) 10.0.0.1
        ("::ffff:a9fe:a9fe", False),  # mapped metadata address
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo, client 192.0.2.45 (documentation)
        ("2001:0:5db8:d822:0:f227:f5ff:fffe", False),  # Teredo with a private client (10.0.0.1)
        ("fec0::1", False),  # deprecated site-local
        ("fec0:1234::1", False),
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url",
    ["http://hooks.example/x", "ftp://hooks.example/x", "https://user:pw@hooks.example/x", "https:///x", "x"],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(OutboundRequestRefusedError) as caught:
        check_target_url(url, allow_private=False)
    assert caught.value.reason == "invalid_url"


@pytest.mark.parametrize(
    "url",
    [
        "https://[64:ff9b::7f00:1]/hook",
        "https://[2002:7f00:1::]/hook",
        "https://[::7f00:1]/hook",
        "https://[2001:0:5db8:d822:0:f227:f5ff:fffe]/hook",
        "https://[fec0::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://2130706433/hook",  # 127.0.0.1 in the decimal form resolvers accept
        "https://0x7f.1/hook",
        "https://127.1/hook",
    ],
)
def test_literal_private_targets_are_refused_at_registration(url: str) -> None:
    with pytest.raises(OutboundRequestRefusedError, match="private") as caught:
        check_target_url(url, allow_private=False)
    assert caught.value.reason == "private_target"


def test_a_port_out_of_range_is_an_invalid_url() -> None:
    with pytest.raises(OutboundRequestRefusedError, match="port") as caught:
        check_target_url("https://hooks.example:99999/x", allow_private=False)
    assert caught.value.reason == "invalid_url"


@pytest.mark.parametrize("address", ["64:ff9b::a00:1", "2002:a9fe:a9fe::1", "fec0::2", "::ffff:10.1.2.3"])
def test_a_name_resolving_to_an_ipv6_form_of_a_private_address_is_refused(address: str) -> None:
    client = OutboundClient(timeout_seconds=2, allow_private=False, resolver=lambda host, port: [address])
    with pytest.raises(OutboundRequestRefusedError, match="private"):
        client.post("https://v6.example/hook", b"{}", {})
    client.close()


def test_hostname_resolving_to_a_private_address_is_refused() -> None:
    client = OutboundClient(timeout_seconds=2, allow_private=False, resolver=lambda host, port: ["10.0.0.7"])
    with pytest.raises(OutboundRequestRefusedError, match="private"):
        client.post("https://internal.example/hook", b"{}", {})
    client.close()


def test_any_private_answer_among_several_is_refused() -> None:
    client = OutboundClient(
        timeout_seconds=2, allow_private=False, resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"]
    )
    with pytest.raises(OutboundRequestRefusedError):
        client.post("https://rebind.example/hook", b"{}", {})
    client.close()


def test_request_goes_to_the_checked_address_with_the_original_host() -> None:
    with running_receiver([204]) as receiver:
        port = int(receiver.url.split(":")[2].split("/")[0])
        # The name does not exist; the resolver answers with the receiver's address.
        client = OutboundClient(timeout_seconds=5, allow_private=True, resolver=lambda host, p: ["127.0.0.1"])
        response = client.post(f"http://localhost:{port}/hooks/idscan", b'{"a":1}', {"X-Test": "1"})
        client.close()
        (received,) = receiver.wait_for(1)
    assert response.status == 204
    assert received.headers["host"] == f"localhost:{port}"
    assert received.headers["x-test"] == "1"
    assert received.body == b'{"a":1}'


def test_redirects_are_not_followed() -> None:
    with running_receiver([302]) as receiver:
        client = OutboundClient(timeout_seconds=5, allow_private=True)
        assert client.post(receiver.url, b"{}", {}).status == 302
        client.close()
        assert len(receiver.requests) == 1
