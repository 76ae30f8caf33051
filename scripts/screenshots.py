"""The README's pictures of the explorer, taken from a running one (the one `make demo` leaves).

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:5000] [--ref ARN] [--at ISO] [--out docs/images]

Saves the lineage view (depth 2), the entity page and the audit view of the demo's `churn-prod` endpoint as
PNGs (explorer-lineage.png, explorer-entity.png, explorer-audit.png). Chromium is Debian's, launched as the
tests launch it (tests/fixtures/browser.py): no browser download, and no host but 127.0.0.1 resolves, so the
explorer must listen on loopback. A server with a token is opened once with ?token= from
LINEAGE_GRAPH_TOKEN, which is never printed.

A view counts as drawn when the network is idle, <main> has stopped changing and holds no error and no
"Loading…"; the lineage view must also hold an <svg>, and the renderer's data-state="drawn" when it marks
one (lineage-view.js does once ELK's layout is drawn). A view that is not drawn in time is reported and no
picture of it is saved: the script exits 1.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
DEMO_ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:context/churn-prod-aws-endpoint"
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
DRAW_TIMEOUT_MS = 30_000
# <main> unchanged this long counts as drawn: the renderer lays out in a worker, then draws.
QUIET_MS = 750


@dataclass(frozen=True)
class Shot:
    file: str
    path: str
    params: dict[str, str]
    needs_svg: bool


def shots(ref: str, at: str) -> list[Shot]:
    return [
        Shot("explorer-lineage.png", "/lineage", {"ref": ref, "depth": "2"}, needs_svg=True),
        Shot("explorer-entity.png", "/entity", {"ref": ref}, needs_svg=False),
        Shot("explorer-audit.png", "/audit", {"ref": ref, "at": at}, needs_svg=False),
    ]


# Resolves once <main> has had no mutation for `quiet` ms.
_SETTLED = """([quiet, limit]) => new Promise((resolve) => {
  const main = document.querySelector("main");
  let timer = setTimeout(() => resolve(true), quiet);
  const observer = new MutationObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(() => { observer.disconnect(); resolve(true); }, quiet);
  });
  observer.observe(main, {subtree: true, childList: true, attributes: true, characterData: true});
  setTimeout(() => { observer.disconnect(); resolve(false); }, limit);
})"""


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or CHROMIUM
    if not os.access(path, os.X_OK):
        sys.exit(f"Chromium is missing ({path} is no executable): run scripts/install-chromium.sh")
    return path


def take(page: Page, base: str, shot: Shot, out: Path) -> str | None:
    """Saves the picture of one view; returns why it was not drawn instead, if it was not."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{base}{shot.path}?{urlencode(shot.params)}", wait_until="networkidle", timeout=DRAW_TIMEOUT_MS)
    if shot.needs_svg:
        try:
            page.wait_for_selector("main svg", timeout=DRAW_TIMEOUT_MS)
            if page.locator("main [data-state]").count():  # the renderer's own signal: laid out for good
                page.wait_for_selector("main [data-state='drawn']", timeout=DRAW_TIMEOUT_MS)
        except PlaywrightError:
            return "no <svg> drawn in <main>"
        page.wait_for_load_state("networkidle", timeout=DRAW_TIMEOUT_MS)
    if not page.evaluate(_SETTLED, [QUIET_MS, DRAW_TIMEOUT_MS]):
        return "<main> kept changing"
    main = page.locator("main")
    if main.locator(".error, [role=alert]").count():
        return f"it shows an error: {main.locator('.error, [role=alert]').first.inner_text()}"
    if "Loading…" in main.inner_text():
        return "it still says Loading…"
    if errors:
        return f"the page threw: {errors[0]}"
    page.screenshot(path=out / shot.file)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:5000", help="the explorer's base URL")
    parser.add_argument("--ref", default=DEMO_ENDPOINT, help="the entity pictured (default: the demo endpoint)")
    parser.add_argument("--at", default=None, help="the audit view's time, ISO 8601 (default: now)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="where the PNGs go")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    at = args.at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    args.out.mkdir(parents=True, exist_ok=True)
    failures = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        token = os.environ.get("LINEAGE_GRAPH_TOKEN")
        if token:  # the server sets its cookie and redirects to the URL without the token
            context.new_page().goto(f"{base}/?{urlencode({'token': token})}", wait_until="networkidle")
        for shot in shots(args.ref, at):
            page = context.new_page()
            failure = take(page, base, shot, args.out)
            page.close()
            if failure:
                failures += 1
                print(f"{shot.path}: not drawn, no picture: {failure}", file=sys.stderr)
            else:
                print(args.out / shot.file)
        browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
