"""A small Chrome DevTools Protocol client for the browser referees (report_browser.py,
preview_browser.py): one headless Chromium with remote debugging on a loopback port, and a
session on one page that sends commands, keeps every event and waits for a page condition.
Standard library plus the `websockets` client; no carepath code.
"""
import asyncio
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import websockets


class Browser:
    """One headless Chromium with remote debugging on a free loopback port."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="carepath-chromium-")
        args = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}", "about:blank"]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if time.time() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not start (no DevToolsActivePort)")
            time.sleep(0.1)
        with open(port_file) as f:
            self.port = int(f.readline().strip())

    def page_socket(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list", timeout=10) as r:
            pages = [t for t in json.load(r) if t.get("type") == "page"]
        if not pages:
            request = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank", method="PUT")
            with urllib.request.urlopen(request, timeout=10) as r:
                pages = [json.load(r)]
        return pages[0]["webSocketDebuggerUrl"]

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


class Session:
    """A DevTools session on one page: commands with replies, and every event kept."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    async def send(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        await self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=60))
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                await self.on_event(message)

    async def on_event(self, message):
        self.events.append(message)
        if message["method"] == "Page.javascriptDialogOpening":
            # Dismiss it so the page does not hang; the dialog is reported as a failure.
            self.next_id += 1
            await self.ws.send(json.dumps({"id": self.next_id, "method": "Page.handleJavaScriptDialog",
                                           "params": {"accept": False}}))

    async def drain(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            try:
                message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout=max(0.01, end - time.time())))
            except asyncio.TimeoutError:
                break
            if "method" in message:
                await self.on_event(message)

    async def evaluate(self, expression):
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluate failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression, timeout):
        """Polls `expression` every 20 ms until it is truthy; returns its value or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = await self.evaluate(expression)
            if value:
                return value
            await self.drain(0.02)
        return None

    def count(self, method):
        return sum(1 for e in self.events if e["method"] == method)
