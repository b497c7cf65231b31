#!/usr/bin/env python3
"""Browser referee for `carepath report` (issue 6).

Opens each report in headless Chromium through the DevTools protocol and checks that it
  * loads with no console error, no uncaught exception, no JavaScript dialog (alert/confirm),
    and no request for anything outside the file itself (the page must work offline);
  * has the expected sections (#pathway, #simulation, #diff, #region ...);
  * sorts a sortable table when a heading is clicked (so the one allowed script ran under the
    page's Content-Security-Policy);
  * renders a non-blank screenshot at 1280x2000 (pixel variance above a floor).

Usage: report_browser.py --chromium PATH --out DIR PAGE.html:section,section[:shot,shot] [...]
       [--shots DIR]  also write report-NAME.png for each element id listed after the second
                      colon (ID or ID=NAME; for Docs/screenshots), at most 1800 pixels tall, in
                      64 colours.
Exits 1, naming every failure, when any check fails.
"""
import argparse
import asyncio
import base64
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websockets
from PIL import Image, ImageStat
from devtools import Browser, Session  # the shared DevTools client beside this script


def variance_ok(png_bytes):
    image = Image.open(io.BytesIO(png_bytes)).convert("L")
    stat = ImageStat.Stat(image)
    return stat.var[0], image.size


async def check_page(browser, path, sections, shot_sections, out_dir, shots_dir):
    failures = []
    url = "file://" + os.path.abspath(path)
    async with websockets.connect(browser.page_socket(), max_size=64 * 1024 * 1024) as ws:
        s = Session(ws)
        for domain in ("Page", "Runtime", "Log", "Network"):
            await s.send(f"{domain}.enable")
        await s.send("Emulation.setDeviceMetricsOverride", width=1280, height=2000, deviceScaleFactor=1, mobile=False)
        await s.send("Page.navigate", url=url)
        deadline = time.time() + 30
        while not any(e["method"] == "Page.loadEventFired" for e in s.events):
            if time.time() > deadline:
                failures.append("page did not finish loading in 30 s")
                break
            await s.drain(0.2)
        await s.drain(0.5)

        # Sections present, each with a heading.
        found = await s.evaluate("Array.from(document.querySelectorAll('main > section')).map(e => e.id)")
        for section in sections:
            if section not in found:
                failures.append(f"section #{section} missing (found {found})")
        headless = await s.evaluate("Array.from(document.querySelectorAll('section')).filter(e => !e.querySelector('h2')).map(e => e.id)")
        if headless:
            failures.append(f"sections without a heading: {headless}")
        # Every SVG chart and diagram is labelled for screen readers.
        unlabelled = await s.evaluate("""Array.from(document.querySelectorAll('svg.chart, .diagram')).filter(e =>
            !(e.getAttribute('aria-label') || e.getAttribute('aria-labelledby'))).length""")
        if unlabelled:
            failures.append(f"{unlabelled} charts or diagrams have no accessible label")
        if shots_dir:
            for shot_spec in shot_sections:
                section, _, shot_name = shot_spec.partition("=")
                box = await s.evaluate(f"""(() => {{ const e = document.getElementById({json.dumps(section)});
                    if (!e) return null; const r = e.getBoundingClientRect();
                    return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]; }})()""")
                if not box:
                    continue
                x, y, w, h = box
                clip = {"x": 0, "y": max(0, y - 10), "width": 1280, "height": min(h + 20, 1800), "scale": 1}
                data = base64.b64decode((await s.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True))["data"])
                small = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
                small.save(os.path.join(shots_dir, f"report-{shot_name or section}.png"), optimize=True)

        # The table sorter ran (it turns headings into buttons) and sorts.
        sortable = await s.evaluate("document.querySelectorAll('table.sortable').length")
        if sortable:
            sorted_ok = await s.evaluate("""(() => {
                const t = document.querySelector('table.sortable');
                const b = t.tHead.rows[0].cells[0].querySelector('button');
                if (!b) return 'no button in the heading: the sort script did not run';
                const col = () => Array.from(t.tBodies[0].rows).map(r => r.cells[0].textContent.trim());
                b.click();
                const asc = col();
                b.click();
                const desc = col();
                const want = [...asc].sort((x, y) => x.localeCompare(y));
                if (JSON.stringify(asc) !== JSON.stringify(want)) return 'first click did not sort ascending';
                if (JSON.stringify(desc) !== JSON.stringify([...want].reverse())) return 'second click did not sort descending';
                b.click();
                return 'ok';
            })()""")
            if sorted_ok != "ok":
                failures.append(f"table sorting: {sorted_ok}")

        shot = base64.b64decode((await s.send("Page.captureScreenshot", format="png"))["data"])
        name = os.path.splitext(os.path.basename(path))[0]
        shot_path = os.path.join(out_dir, name + ".png")
        with open(shot_path, "wb") as f:
            f.write(shot)
        var, size = variance_ok(shot)
        if size != (1280, 2000):
            failures.append(f"screenshot is {size}, expected 1280x2000")
        if var < 50:
            failures.append(f"screenshot looks blank (pixel variance {var:.1f})")

        await s.drain(0.3)
        for e in s.events:
            m, p = e["method"], e.get("params", {})
            if m == "Page.javascriptDialogOpening":
                failures.append(f"a JavaScript dialog opened: {p.get('type')} {p.get('message')!r}")
            elif m == "Runtime.exceptionThrown":
                failures.append(f"uncaught exception: {p.get('exceptionDetails', {}).get('text')}")
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                failures.append(f"console {p.get('type')}: {[a.get('value') for a in p.get('args', [])]}")
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning"):
                failures.append(f"browser log {p['entry']['level']}: {p['entry'].get('text')}")
            elif m == "Network.requestWillBeSent":
                req = p.get("request", {}).get("url", "")
                if not (req.startswith("file://") or req.startswith("data:") or req == "about:blank"):
                    failures.append(f"the page asked the network for {req}")
    return failures, shot_path


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--out", required=True, help="directory for the 1280x2000 screenshots")
    parser.add_argument("--shots", help="directory for one screenshot per section")
    parser.add_argument("pages", nargs="+", help="PAGE.html:section,section")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.shots:
        os.makedirs(args.shots, exist_ok=True)
    browser = Browser(args.chromium)
    failed = False
    try:
        for spec in args.pages:
            parts = spec.split(":")
            path, wanted = parts[0], parts[1] if len(parts) > 1 else ""
            sections = [w for w in wanted.split(",") if w]
            shot_sections = [w for w in (parts[2] if len(parts) > 2 else "").split(",") if w]
            failures, shot = await check_page(browser, path, sections, shot_sections, args.out, args.shots)
            if failures:
                failed = True
                print(f"FAIL {path}")
                for f in failures:
                    print(f"  - {f}")
            else:
                print(f"ok   {path}: sections {', '.join('#' + s for s in sections)}; no console error, no dialog, no network; screenshot {shot}")
    finally:
        browser.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    asyncio.run(main())
