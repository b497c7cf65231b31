#!/usr/bin/env python3
"""Language server benchmark (not a test): how long after a keystroke the editor shows the
validator's diagnostics, and whether the server's memory stays flat while editing.

    python3 Benchmarks/lsp.py BIN            (Benchmarks/lsp.sh builds the release binary first)

Measures, through `carepath lsp` over stdio as an editor talks to it:
- didChange -> publishDiagnostics on the largest shipped pathway (target < 200 ms), with
  `--debounce 0` (the server's own work) and with the default debounce (100 ms, what a user sees);
- the same on a generated 10,000-step pathway (Benchmarks/generate_pathway.py; target < 1 s);
- completion after `next: ` on the 10,000-step pathway;
- resident memory (VmRSS) over 1,000 edits of the largest shipped pathway (should stay flat).
"""
import json
import pathlib
import select
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]


class Server:
    def __init__(self, binary: str, *args: str):
        self.process = subprocess.Popen([binary, "lsp", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.buffer = b""
        self.next_id = 1
        self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        self.notify("initialized", {})

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: dict) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict):
        self.next_id += 1
        request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        while True:
            message = self.read()
            if message.get("id") == request_id:
                return message.get("result")

    def read(self) -> dict:
        fd = self.process.stdout.fileno()
        while True:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if sep:
                length = int(head.split(b":")[1])
                if len(rest) >= length:
                    self.buffer = rest[length:]
                    return json.loads(rest[:length])
            select.select([fd], [], [], 60)
            chunk = self.process.stdout.read(1 << 20)
            if not chunk:
                raise RuntimeError("the server closed its output")
            self.buffer += chunk

    def wait_for_diagnostics(self, uri: str, version: int) -> dict:
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri \
                    and message["params"].get("version") == version:
                return message["params"]

    def rss_kib(self) -> int:
        for line in pathlib.Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=30)


def latency(binary: str, path: pathlib.Path, text: str, runs: int, debounce: int) -> list[float]:
    server = Server(binary, "--debounce", str(debounce))
    uri = path.resolve().as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
    server.wait_for_diagnostics(uri, 1)
    times = []
    for version in range(2, runs + 2):
        edited = text + f"# edit {version}\n"
        start = time.perf_counter()
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]})
        server.wait_for_diagnostics(uri, version)
        times.append((time.perf_counter() - start) * 1000)
    server.close()
    return times


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms over {len(times)} edits"


def main() -> int:
    binary = sys.argv[1]
    shipped = max(ROOT.glob("Pathways/*.yaml"), key=lambda p: p.stat().st_size)
    shipped_text = shipped.read_text()
    generated_text = subprocess.run([sys.executable, str(ROOT / "Benchmarks/generate_pathway.py"), "10000"], capture_output=True, text=True, check=True).stdout
    generated = pathlib.Path("/tmp/carepath-lsp-bench/generated-10000.yaml")
    generated.parent.mkdir(parents=True, exist_ok=True)
    generated.write_text(generated_text)

    name = f"{shipped.relative_to(ROOT)} ({len(shipped_text.splitlines())} lines)"
    print(f"didChange -> publishDiagnostics, {name}, --debounce 0: {summary(latency(binary, shipped, shipped_text, 30, 0))}")
    print(f"didChange -> publishDiagnostics, {name}, default debounce 100 ms: {summary(latency(binary, shipped, shipped_text, 10, 100))}")
    big = f"generated 10,000-step pathway ({len(generated_text.splitlines())} lines, {len(generated_text.encode())} bytes)"
    print(f"didChange -> publishDiagnostics, {big}, --debounce 0: {summary(latency(binary, generated, generated_text, 5, 0))}")

    server = Server(binary, "--debounce", "0")
    uri = generated.resolve().as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": generated_text}})
    server.wait_for_diagnostics(uri, 1)
    lines = generated_text.splitlines()
    line = max(i for i, l in enumerate(lines) if l.strip().startswith("next: "))
    column = lines[line].index("next: ") + len("next: ")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        result = server.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}})
        times.append((time.perf_counter() - start) * 1000)
    print(f"completion after `next: ` near the end of the 10,000-step pathway ({len(result['items'])} items): {summary(times)}")
    server.close()

    server = Server(binary, "--debounce", "0")
    uri = shipped.resolve().as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": shipped_text}})
    server.wait_for_diagnostics(uri, 1)
    samples = []
    for version in range(2, 1002):
        edited = shipped_text.replace("title:", f"title: {version}", 1) if version % 2 else shipped_text
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]})
        server.wait_for_diagnostics(uri, version)
        if version % 100 == 1:
            samples.append((version - 1, server.rss_kib()))
    server.close()
    print("resident memory over 1,000 edits of " + name + ": "
          + ", ".join(f"{edits}: {kib / 1024:.1f} MiB" for edits, kib in samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
