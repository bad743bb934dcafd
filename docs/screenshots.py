"""Take the README's screenshots of the service's pages with headless Chromium (Playwright).

    .venv/bin/python docs/screenshots.py [--chromium /usr/bin/chromium]

Ingests the bundled samples into a temporary data directory, serves it on a free loopback port and
saves docs/screenshots/{search,project,document}.png (1280 px wide).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.demo import bundled_samples_dir  # noqa: E402
from service.ingest import ingest_and_index  # noqa: E402
from web.app import ServiceConfig  # noqa: E402
from web.server import BackgroundServer  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAGES = {
    "search": "/search?q=创业担保贷款",
    "project": "/projects/004_9ef801cc83c252a6:3",
    "document": "/documents/004_9ef801cc83c252a6.txt",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--height", type=int, default=1600, help="Clip each page at this many pixels.")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        ingest_and_index([bundled_samples_dir()], data_dir)
        with BackgroundServer(ServiceConfig(data_dir)) as server, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            for name, path in PAGES.items():
                page.goto(server.url + path)
                height = min(args.height, page.evaluate("document.documentElement.scrollHeight"))
                page.screenshot(path=str(args.out / f"{name}.png"), clip={"x": 0, "y": 0, "width": 1280, "height": height},
                                full_page=True)
                print(f"wrote {args.out / f'{name}.png'} ({path})")
            browser.close()


if __name__ == "__main__":
    main()
