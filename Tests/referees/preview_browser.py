#!/usr/bin/env python3
"""Browser referee for `carepath preview` (issue 16).

Starts `carepath preview` on copies of shipped pathways in a temporary folder, opens the page in
headless Chromium driven over the DevTools protocol (remote debugging on the loopback), and checks
what a clinical lead would see while editing:

  * the first line printed names the address (http://127.0.0.1:PORT/);
  * the page has the diagram (Graphviz's drawing, or the Mermaid text when `dot` is missing),
    "No problems found", and the quick simulation's target table;
  * a misspelt `next:` shows the CP101 diagnostic (file:line:column of the edited line, message,
    help) within 2 seconds of the save, without reloading the page; putting it back clears it;
  * a YAML syntax error shows the error and keeps the page (and its last diagram, marked out of
    date); a deleted file shows "File not found" until it comes back;
  * a title full of HTML (`<script>`, `<img onerror>`) is shown as text: no element, no dialog;
  * an edit to a subpathway file (hip fracture's shared community rehabilitation) is seen too;
  * nothing is fetched from outside the server, and the console has no errors;
  * requests naming another host are refused (421), `--host 0.0.0.0` is refused (exit 64);
  * with no Graphviz on the PATH the diagram is the Mermaid text, with a note;
  * SIGINT and SIGTERM stop the server within 5 seconds and free the port.

Prints the save-to-page latency of each edit (the time from writing the file to the page having
applied the update, read from the page's own clock) and a closing line `N passed, M failed`.

Usage: preview_browser.py --carepath BIN --chromium PATH [--root REPO]
Exits 1 when any check fails.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import websockets
from devtools import Browser, Session  # the shared DevTools client beside this script

MAX_LATENCY = 2.0


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, ok, what):
        if ok:
            self.passed += 1
            print(f"ok    {what}")
        else:
            self.failed.append(what)
            print(f"FAIL  {what}")
        return ok


class Preview:
    """A running `carepath preview FILE --port 0`, in `folder`."""

    def __init__(self, binary, folder, file, extra=()):
        self.process = subprocess.Popen([binary, "preview", file, "--port", "0", *extra], cwd=folder,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.first_line = self.process.stdout.readline().rstrip("\n")
        match = re.fullmatch(r"carepath preview: http://127\.0\.0\.1:(\d+)/ \(Ctrl-C to stop\)", self.first_line)
        self.port = int(match.group(1)) if match else None
        self.url = f"http://127.0.0.1:{self.port}/" if match else None

    def stop(self, signal_number=signal.SIGINT, timeout=5):
        """Sends the signal; returns (seconds to exit, return code) or (None, None) if it hung."""
        if self.process.poll() is not None:
            return 0.0, self.process.returncode
        started = time.time()
        self.process.send_signal(signal_number)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None, None
        return time.time() - started, self.process.returncode

    def stderr(self):
        try:
            return self.process.stderr.read() if self.process.poll() is not None else ""
        except ValueError:
            return ""


def port_is_free(port):
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) != 0


def write(path, text):
    """Saves like an editor that writes the file in place; returns the time just before."""
    started = time.time()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return started


async def open_page(browser, url):
    ws = await websockets.connect(browser.page_socket(), max_size=256 * 1024 * 1024)
    s = Session(ws)
    for domain in ("Page", "Runtime", "Log", "Network"):
        await s.send(f"{domain}.enable")
    await s.send("Emulation.setDeviceMetricsOverride", width=1280, height=1800, deviceScaleFactor=1, mobile=False)
    await s.send("Page.navigate", url=url)
    deadline = time.time() + 30
    while not any(e["method"] == "Page.loadEventFired" for e in s.events) and time.time() < deadline:
        await s.drain(0.1)
    return ws, s


async def latency_of(s, started, expression, what, checks, latencies):
    """Waits for `expression` after a save at `started`; records the save-to-page latency."""
    value = await s.wait_for(expression, timeout=MAX_LATENCY + 3)
    if not checks.check(bool(value), f"{what}: shown without reloading"):
        return None
    applied_ms = await s.evaluate("Number(document.body.getAttribute('data-applied-at'))")
    latency = applied_ms / 1000 - started
    latencies.append((what, latency))
    checks.check(0 <= latency <= MAX_LATENCY, f"{what}: within {MAX_LATENCY:.0f} s of the save ({latency:.3f} s)")
    return value


def text_of(part):
    return f"document.getElementById('part-{part}').innerText"


async def main_scenario(args, browser, folder, checks, latencies):
    source = os.path.join(args.root, "Pathways", "suspected-lung-cancer.yaml")
    path = os.path.join(folder, "lung.yaml")
    shutil.copyfile(source, path)
    original = open(path, encoding="utf-8").read()
    preview = Preview(args.carepath, folder, "lung.yaml")
    checks.check(preview.port is not None, f"first line names the address: {preview.first_line!r}")
    if preview.port is None:
        print(preview.stop()[1], preview.stderr())
        return
    try:
        ws, s = await open_page(browser, preview.url)
        async with ws:
            checks.check(s.count("Page.loadEventFired") >= 1, "the page loads")
            live = await s.wait_for("document.getElementById('connection').innerText.startsWith('Live')", 5)
            checks.check(bool(live), "the page follows updates (server-sent events connected)")
            has_dot = shutil.which("dot") is not None
            if has_dot:
                checks.check(await s.evaluate("!!document.querySelector('#part-diagram figure.diagram [role=img] svg g.node')"),
                             "the diagram is Graphviz's drawing, labelled for screen readers")
            else:
                checks.check(await s.evaluate("/flowchart|graph/.test(document.querySelector('#part-diagram pre.diagram-text')?.innerText || '')"),
                             "the diagram is shown as Mermaid text (no Graphviz)")
            checks.check("No problems found" in await s.evaluate(text_of("status")), "status says No problems found")
            checks.check(await s.evaluate("document.querySelectorAll('#part-diagnostics li.diagnostic').length === 0"),
                         "no diagnostics listed")
            rows = await s.evaluate("""Array.from(document.querySelectorAll('#part-simulation table.targets tbody tr'))
                .map(r => Array.from(r.cells).map(c => c.innerText.trim()))""")
            checks.check(bool(rows) and all(re.match(r"^\d+(\.\d+)?%", r[3]) for r in rows),
                         f"simulation shows each target's attainment ({len(rows or [])} targets, e.g. {rows[0] if rows else None})")
            checks.check("quick look" in (await s.evaluate(text_of("simulation"))).lower(),
                         "simulation is marked as a quick look, not the standard run")
            checks.check(bool(re.fullmatch(r"\d\d:\d\d:\d\d", await s.evaluate("document.getElementById('updated').innerText"))),
                         "the page shows when it was last updated")
            await s.evaluate("window.__notReloaded = true")

            # 1. Misspell a step's `next:` -> CP101 at that line.
            lines = original.split("\n")
            index = next(i for i, line in enumerate(lines) if re.match(r"^    next: [a-z0-9-]+\s*$", line))
            target = lines[index].split(":", 1)[1].strip()
            broken = lines.copy()
            broken[index] = f"    next: {target}x"
            started = write(path, "\n".join(broken))
            where = await latency_of(s, started, """(() => { const d = document.querySelector('#part-diagnostics li.diagnostic[data-code="CP101"]');
                return d ? d.innerText : null; })()""", "CP101 after misspelling next:", checks, latencies)
            if where:
                checks.check(f"lung.yaml:{index + 1}:" in where, f"CP101 points at the edited line lung.yaml:{index + 1}")
                checks.check(f"{target}x" in where, "CP101's message names the misspelt step")
                checks.check("did you mean" in where.lower() or "Help:" in where, "CP101 shows a suggestion or help")
                checks.check("error" in (await s.evaluate(text_of("status"))).lower(), "status counts the error")
                checks.check("Not simulated" in await s.evaluate(text_of("simulation")), "simulation waits for the error to be fixed")
            checks.check(await s.evaluate("window.__notReloaded === true"), "the page was updated in place (not reloaded)")

            # 2. Put it back -> clear.
            started = write(path, original)
            await latency_of(s, started, f"{text_of('status')}.includes('No problems found')", "CP101 cleared after fixing", checks, latencies)
            figures = await s.wait_for("document.querySelectorAll('#part-simulation table.targets tbody tr').length", 10)
            checks.check(bool(figures), "simulation figures come back after the fix")

            # 3. A YAML syntax error: errors shown, page stays, old diagram marked out of date.
            started = write(path, original.replace("\nsteps:", "\nsteps: [unclosed\n", 1))
            text = await latency_of(s, started, """(() => { const d = document.querySelector('#part-diagnostics li.diagnostic.error');
                return d ? d.innerText : null; })()""", "YAML syntax error shown", checks, latencies)
            if text:
                checks.check(bool(re.search(r"CP0\d\d", text)), f"the YAML error has a CP0xx code: {text.splitlines()[0] if text else ''}")
                checks.check("Out of date" in await s.evaluate(text_of("diagram")), "the last diagram stays, marked out of date")
            checks.check(preview.process.poll() is None, "the server is still running after a YAML error")

            # 4. Delete the file -> File not found; bring it back -> clear.
            os.remove(path)
            started = time.time()
            await latency_of(s, started, f"{text_of('status')}.includes('File not found')", "deleted file shows File not found", checks, latencies)
            started = write(path, original)
            await latency_of(s, started, f"{text_of('status')}.includes('No problems found')", "file back: problems clear", checks, latencies)

            # 5. A hostile title is text, never markup.
            hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> & \"quotes\""
            started = write(path, re.sub(r"(?m)^title: .*$", "title: " + json.dumps(hostile), original, count=1))
            heading = await latency_of(s, started, f"""(() => {{ const h = document.querySelector('#part-heading h1');
                return h && h.textContent === {json.dumps(hostile)} ? h.textContent : null; }})()""", "hostile title shown as text", checks, latencies)
            if heading:
                checks.check(await s.evaluate("document.querySelectorAll('#part-heading script, #part-heading img, body img').length === 0"),
                             "no element made from the hostile title")
                checks.check(await s.evaluate(f"document.title.startsWith({json.dumps(hostile)})"), "the tab title is the text")
            await s.drain(0.5)
            checks.check(s.count("Page.javascriptDialogOpening") == 0, "no JavaScript dialog opened")
            write(path, original)
            await s.wait_for(f"{text_of('heading')}.includes('Suspected lung cancer')", 5)

            # Nothing fetched from elsewhere; no console errors.
            urls = [e["params"]["request"]["url"] for e in s.events if e["method"] == "Network.requestWillBeSent"]
            outside = [u for u in urls if not u.startswith(preview.url)]
            checks.check(not outside, f"every request goes to the preview server ({len(urls)} requests; outside: {outside[:3]})")
            errors = [e for e in s.events if e["method"] == "Runtime.exceptionThrown"
                      or (e["method"] == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
                      or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
            checks.check(not errors, f"no console errors ({errors[:1]})")
            checks.check(s.count("Page.frameNavigated") == 1, f"one navigation only (no reloads): {s.count('Page.frameNavigated')}")

        # The server answers only to its loopback name.
        request = urllib.request.Request(preview.url, headers={"Host": "attacker.example"})
        try:
            urllib.request.urlopen(request, timeout=5)
            status = 200
        except urllib.error.HTTPError as error:
            status = error.code
        checks.check(status == 421, f"a request naming another host is refused (status {status})")

        seconds, code = preview.stop(signal.SIGINT)
        checks.check(seconds is not None and code in (130, -signal.SIGINT),
                     f"SIGINT stops the server (exit {code} after {seconds if seconds is None else round(seconds, 2)} s)")
        checks.check(port_is_free(preview.port), "the port is free after stopping")
    finally:
        preview.stop(signal.SIGKILL)


async def subpathway_scenario(args, browser, folder, checks, latencies):
    os.makedirs(os.path.join(folder, "shared"), exist_ok=True)
    shutil.copyfile(os.path.join(args.root, "Pathways", "hip-fracture.yaml"), os.path.join(folder, "hip-fracture.yaml"))
    sub = os.path.join(folder, "shared", "community-rehabilitation.yaml")
    shutil.copyfile(os.path.join(args.root, "Pathways", "shared", "community-rehabilitation.yaml"), sub)
    original = open(sub, encoding="utf-8").read()
    preview = Preview(args.carepath, folder, "hip-fracture.yaml")
    checks.check(preview.port is not None, f"hip fracture preview starts: {preview.first_line!r}")
    if preview.port is None:
        return
    try:
        ws, s = await open_page(browser, preview.url)
        async with ws:
            await s.wait_for("document.getElementById('connection').innerText.startsWith('Live')", 5)
            checks.check("No problems found" in await s.evaluate(text_of("status")), "hip fracture: No problems found")
            match = re.search(r"(?m)^    next: ([a-z0-9-]+)\s*$", original)
            line = original[:match.start()].count("\n") + 1
            started = write(sub, original[:match.start(1)] + match.group(1) + "x" + original[match.end(1):])
            where = await latency_of(s, started, """(() => { const d = document.querySelector('#part-diagnostics li.diagnostic[data-code="CP101"]');
                return d ? d.innerText : null; })()""", "CP101 after an edit to the subpathway file", checks, latencies)
            if where:
                checks.check(f"community-rehabilitation.yaml:{line}:" in where, f"CP101 points into the subpathway file at line {line}")
            started = write(sub, original)
            await latency_of(s, started, f"{text_of('status')}.includes('No problems found')", "subpathway fixed: problems clear", checks, latencies)
        seconds, code = preview.stop(signal.SIGTERM)
        checks.check(seconds is not None and code in (143, -signal.SIGTERM),
                     f"SIGTERM stops the server (exit {code} after {seconds if seconds is None else round(seconds, 2)} s)")
    finally:
        preview.stop(signal.SIGKILL)


def refusals(args, folder, checks):
    shutil.copyfile(os.path.join(args.root, "Pathways", "suspected-dvt.yaml"), os.path.join(folder, "dvt.yaml"))
    result = subprocess.run([args.carepath, "preview", "dvt.yaml", "--host", "0.0.0.0"], cwd=folder,
                            capture_output=True, text=True, timeout=30)
    checks.check(result.returncode == 64 and "127.0.0.1" in result.stderr,
                 f"--host 0.0.0.0 is refused (exit {result.returncode}: {result.stderr.strip().splitlines()[-1:] })")
    result = subprocess.run([args.carepath, "preview", "no-such-file.yaml"], cwd=folder, capture_output=True, text=True, timeout=30)
    checks.check(result.returncode == 66, f"a missing file at the start exits 66 (exit {result.returncode})")


def without_graphviz(args, folder, checks):
    """With no `dot` on the PATH the diagram is the Mermaid text, with a note saying why."""
    environment = dict(os.environ, PATH=folder)  # a folder with no programs in it
    process = subprocess.Popen([args.carepath, "preview", "dvt.yaml", "--port", "0"], cwd=folder, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stdout.readline())
        if not checks.check(match is not None, "preview starts without Graphviz"):
            return
        port = match.group(1)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/snapshot.json", headers={"Host": f"127.0.0.1:{port}"})
        with urllib.request.urlopen(request, timeout=10) as r:
            diagram = json.load(r)["diagram"]
        checks.check("flowchart" in diagram and "Graphviz" in diagram and "<svg" not in diagram,
                     "without Graphviz the diagram is Mermaid text with a note")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        checks.check(process.returncode in (143, -signal.SIGTERM), f"it stops on SIGTERM (exit {process.returncode})")


async def run(args):
    checks = Checks()
    latencies = []
    folder = tempfile.mkdtemp(prefix="carepath-preview-")
    browser = Browser(args.chromium)
    try:
        await main_scenario(args, browser, folder, checks, latencies)
        await subpathway_scenario(args, browser, folder, checks, latencies)
        refusals(args, folder, checks)
        without_graphviz(args, folder, checks)
    finally:
        browser.close()
        shutil.rmtree(folder, ignore_errors=True)
    if latencies:
        print("save-to-page latency:")
        for what, seconds in latencies:
            print(f"  {seconds:6.3f} s  {what}")
        values = sorted(v for _, v in latencies)
        print(f"  median {values[len(values) // 2]:.3f} s, max {values[-1]:.3f} s over {len(values)} saves")
    print(f"preview_browser: {checks.passed} passed, {len(checks.failed)} failed")
    return 0 if not checks.failed and checks.passed > 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carepath", required=True)
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    args = parser.parse_args()
    args.carepath = os.path.abspath(args.carepath)
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
