"""gunicorn believes X-Forwarded-Proto from nobody unless a reverse proxy is configured (issue 14, finding 9):
before, it trusted any client on the machine by default, so a plain-HTTP request claiming HTTPS got HSTS and
would get Secure cookies. Through the real server (tests/support/served.py, which starts gunicorn in the checkout,
where it reads gunicorn.conf.py)."""
import urllib.request

import pytest

from tests.support.served import REQUEST, environment, free_port, gunicorn, serving, stop
from tracker.config import PROXY_ADDRESSES, forwarded_allow_ips


def _headers(base: str) -> dict:
    request = urllib.request.Request(base + "/auth/login", headers={"X-Forwarded-Proto": "https",
                                                                    "X-Forwarded-Protocol": "ssl",
                                                                    "X-Forwarded-Ssl": "on"})
    with urllib.request.urlopen(request, timeout=REQUEST) as answer:
        return dict(answer.headers)


@pytest.mark.parametrize(("settings", "https"), [({}, False), ({"TRACKER_PROXY_COUNT": "1"}, True)])
def test_forwarded_https_is_believed_only_behind_a_configured_proxy(database_url, tmp_path, settings, https):
    env = {**environment(database_url, tmp_path, "proxy"), **settings}
    env.pop("FORWARDED_ALLOW_IPS", None)
    if not settings:
        env.pop("TRACKER_PROXY_COUNT", None)
    port = free_port()
    server = gunicorn(port, 1, env)
    try:
        base = f"http://127.0.0.1:{port}"
        serving(base, server)
        assert ("Strict-Transport-Security" in _headers(base)) is https
    finally:
        stop(server)


def test_forwarded_allow_ips_is_empty_unless_a_proxy_is_configured():
    assert forwarded_allow_ips({}) == ""
    assert forwarded_allow_ips({"TRACKER_PROXY_COUNT": "0", "FORWARDED_ALLOW_IPS": "*"}) == ""
    assert forwarded_allow_ips({"TRACKER_PROXY_COUNT": "1"}) == PROXY_ADDRESSES == "127.0.0.1,::1"
    assert forwarded_allow_ips({"TRACKER_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "10.0.0.5"}) == "10.0.0.5"
