"""The explorer behind a token (web/security.py): without it every page and API answer is 401; a browser opens
it once with ``?token=``, which sets an HttpOnly cookie and redirects to the same URL without the token;
then its pages and their API calls work. One server with a token serves the module."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
import requests
from fixtures.browser import RecordedPage
from fixtures.serve_process import ServeProcess
from playwright.sync_api import expect

from lineage_graph.settings import Neo4jSettings
from lineage_graph.web.security import CONTENT_SECURITY_POLICY, TOKEN_COOKIE

TOKEN = "tok-" + secrets.token_hex(16)


@pytest.fixture(scope="module")
def server(neo4j_settings: Neo4jSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with ServeProcess.running(neo4j_settings, log, token=TOKEN) as process:
        yield process


@pytest.mark.parametrize("path", ["/", "/entity?ref=arn:x", "/static/app.js", "/api/v1/kinds", "/api/v1/search?q=a"])
def test_without_the_token_everything_is_401(server: ServeProcess, path: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Cookie": f"{TOKEN_COOKIE}=wrong"}):
        answer = requests.get(server.url + path, headers=headers, timeout=30, allow_redirects=False)
        assert answer.status_code == 401, (path, headers)
        assert "?token=" in answer.json()["error"]
        assert TOKEN not in answer.text


def test_a_wrong_token_in_the_url_is_401_and_sets_no_cookie(server: ServeProcess) -> None:
    answer = requests.get(f"{server.url}/?token=wrong", timeout=30, allow_redirects=False)
    assert answer.status_code == 401
    assert "set-cookie" not in answer.headers


def test_the_token_as_a_bearer_header_opens_the_api(server: ServeProcess) -> None:
    answer = requests.get(f"{server.url}/api/v1/kinds", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    assert answer.status_code == 200
    assert "TrialComponent" in answer.json()["kinds"]
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_a_browser_logs_in_once_with_the_token_then_pages_and_api_work(
    server: ServeProcess, recorded_page: RecordedPage
) -> None:
    page = recorded_page.page
    first = page.goto(f"{server.url}/?token={TOKEN}&from=link")
    assert first is not None and first.status == 200
    assert page.url == f"{server.url}/?from=link"  # redirected: the token left the address bar
    assert first.request.redirected_from is not None
    assert first.request.redirected_from.url.endswith(f"token={TOKEN}&from=link")
    cookie = next(c for c in page.context.cookies() if c["name"] == TOKEN_COOKIE)
    assert (cookie["value"], cookie["httpOnly"], cookie["sameSite"]) == (TOKEN, True, "Strict")
    # The home page drew the kinds it asked the API for, with the cookie.
    expect(page.get_by_role("heading", name="Lineage explorer")).to_be_visible()
    expect(page.locator("main .kinds li")).not_to_have_count(0)
    # Another page, and the search box's API calls, work too.
    page.goto(f"{server.url}/entity?ref=arn:aws:sagemaker:us-east-1:123456789012:artifact/none-such")
    expect(page.get_by_role("alert")).to_contain_text("the graph has no entity")
    box = page.get_by_role("combobox", name="Search")
    box.press_sequentially("zz-no-such-entity", delay=10)
    expect(page.get_by_role("listbox", name="Search results")).to_contain_text("Nothing found")
    assert page.evaluate("document.cookie") == ""  # HttpOnly: no script of the page can read the token
    assert recorded_page.foreign(server.url) == []
