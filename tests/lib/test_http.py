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
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url",
    ["http://hooks.example/x", "ftp://hooks.example/x", "https://user:pw@hooks.example/x", "https:///x", "x"],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(OutboundRequestRefusedError):
        check_target_url(url, allow_private=False)


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
