"""A staff member's browser for the console: cookies, the CSRF field of each page, forms."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleBrowser:
    """Follows redirects and keeps cookies, like a browser without JavaScript."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = ""

    def _open(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)
        try:
            with self.opener.open(request, timeout=60) as response:
                status, html = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, html = exc.code, exc.read().decode()
        found = CSRF.search(html)
        if found:
            self.csrf = found.group(1)
        return status, html

    def get(self, path: str) -> tuple[int, str]:
        return self._open(path)

    def submit(self, path: str, **fields: str) -> tuple[int, str]:
        """Post a form of the page last shown (with its CSRF token) and follow the redirect."""
        return self._open(path, {"csrf_token": self.csrf, **fields})

    def sign_in(self, username: str, password: str) -> None:
        self.get("/console/login")
        status, html = self.submit("/console/login", username=username, password=password)
        assert status == 200 and "退出" in html, html[:500]
