"""A tiny HTTP client for 127.0.0.1: sign in through the real form, keep the session cookie."""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HOST = "127.0.0.1"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Browser:
    """One person's cookies against one server."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "de", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, _, rest = value.partition("=")
                cookie_value = rest.split(";", 1)[0]
                if cookie_value:
                    self.cookies[cookie_name.strip()] = cookie_value
                else:
                    self.cookies.pop(cookie_name.strip(), None)
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, data, seconds
        )

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request("POST", path, form)

    def csrf_token(self, path: str) -> str:
        return csrf_from(self.get(path).text)

    def sign_in(self, username: str, password: str) -> None:
        token = self.csrf_token("/login")
        reply = self.post(
            "/login", {"username": username, "password": password, "csrf_token": token}
        )
        if reply.status != 302:
            raise RuntimeError(f"sign-in of {username} failed: HTTP {reply.status}")

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())


def csrf_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if not match:
        raise RuntimeError("page has no CSRF token")
    return match.group(1)


def wait_until_up(port: int, path: str = "/healthz", timeout: float = 30.0) -> float:
    """Poll until the server answers 200; returns the seconds waited."""
    started = time.perf_counter()
    while True:
        try:
            if Browser(port).get(path).status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"nothing answered on 127.0.0.1:{port}{path} in {timeout:.0f} s")
        time.sleep(0.02)
