"""`carepath lsp` against a client that misbehaves, spoken to byte by byte: broken framing,
bodies that are not JSON, unknown methods, requests before `initialize`, a message over the
size limit, a burst of edits (validated once), and the exit statuses the protocol asks for."""
import json
import pathlib
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from conftest import FIXTURES, carepath_bin  # noqa: E402


def frame(message) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_messages(data: bytes) -> list:
    messages = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        length = int(head.split(b":")[1])
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


def run_session(chunks: list[bytes], *args: str, timeout: float = 60) -> tuple[int, list, str]:
    process = subprocess.run([carepath_bin(), "lsp", *args], input=b"".join(chunks), capture_output=True, timeout=timeout)
    return process.returncode, read_messages(process.stdout), process.stderr.decode()


def initialize(id=1):
    return frame({"jsonrpc": "2.0", "id": id, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})


def shutdown_and_exit(id=99):
    return [frame({"jsonrpc": "2.0", "id": id, "method": "shutdown"}), frame({"jsonrpc": "2.0", "method": "exit"})]


def test_a_clean_session_exits_0_and_an_abandoned_one_exits_1():
    code, messages, _ = run_session([initialize(), *shutdown_and_exit()])
    assert code == 0
    assert messages[0]["result"]["capabilities"]["textDocumentSync"]["change"] == 1
    assert messages[1] == {"jsonrpc": "2.0", "id": 99, "result": None}
    code, _, _ = run_session([initialize()])
    assert code == 1


def test_bad_bodies_get_json_rpc_errors_and_the_server_goes_on():
    code, messages, _ = run_session([
        initialize(),
        frame(b"{not json"),
        frame(b"[1, 2]"),
        frame({"jsonrpc": "2.0", "id": 2, "method": "textDocument/formatting", "params": {}}),
        frame({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover", "params": {"textDocument": {}}}),
        frame({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": "file:///nowhere.yaml"}, "position": {"line": 0, "character": 0}}}),
        frame({"jsonrpc": "2.0", "method": "$/somethingNew", "params": {}}),
        *shutdown_and_exit(),
    ])
    assert code == 0
    errors = {m.get("id"): m["error"] for m in messages if "error" in m}
    codes = sorted(e["code"] for e in errors.values() if e is not None) + [m["error"]["code"] for m in messages if "error" in m and m.get("id") is None]
    assert -32700 in codes                       # not JSON
    assert -32600 in codes                       # JSON, but not a message
    assert errors[2]["code"] == -32601           # a method the server does not handle
    assert errors[3]["code"] == -32602 and "uri" in errors[3]["message"]
    assert errors[4]["code"] == -32602 and "not open" in errors[4]["message"]
    assert messages[-1]["id"] == 99              # and it still shuts down


def test_requests_before_initialize_are_refused():
    _, messages, _ = run_session([frame({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}), initialize(2), *shutdown_and_exit()])
    assert messages[0]["error"]["code"] == -32002


def test_broken_framing_is_skipped_and_a_huge_message_is_refused_without_reading_it_into_memory():
    huge = b"x" * 200_000
    code, messages, stderr = run_session([
        initialize(),
        b"Content-Type: application/vscode-jsonrpc\r\n\r\n",          # no Content-Length
        b"Content-Length: twelve\r\n\r\n",                           # not a number
        b"Content-Length: %d\r\n\r\n" % len(huge) + huge,            # over the limit given below
        *shutdown_and_exit(),
    ], "--max-message-bytes", "100000")
    assert code == 0, stderr
    logs = [m["params"]["message"] for m in messages if m.get("method") == "window/logMessage"]
    assert any("no Content-Length" in l for l in logs)
    assert any("'twelve'" in l for l in logs)
    assert any("200000 bytes is larger than the 100000-byte limit" in l for l in logs)
    assert messages[-1]["id"] == 99


def test_input_that_ends_mid_message_ends_the_server_cleanly():
    code, _, stderr = run_session([initialize(), b"Content-Length: 100\r\n\r\n{\"jsonrpc\""])
    assert code == 1
    assert "ended in the middle of a message" in stderr


def test_a_burst_of_edits_is_validated_once():
    uri = (FIXTURES / "misspelt" / "dvt.yaml").as_uri()
    text = (FIXTURES / "misspelt" / "dvt.yaml").read_text()
    process = subprocess.Popen([carepath_bin(), "lsp", "--debounce", "300"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    process.stdin.write(initialize())
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                               "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}))
    for version in range(2, 12):  # ten keystrokes, well inside the quiet spell
        process.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                                   "params": {"textDocument": {"uri": uri, "version": version},
                                              "contentChanges": [{"text": text + "#" * version}]}}))
    process.stdin.flush()
    time.sleep(1.0)
    for chunk in shutdown_and_exit():
        process.stdin.write(chunk)
    process.stdin.close()
    out = process.stdout.read()
    assert process.wait(timeout=30) == 0
    published = [m for m in read_messages(out) if m.get("method") == "textDocument/publishDiagnostics"]
    assert [p["params"]["version"] for p in published] == [1, 11]


def test_an_overlay_whose_standard_is_missing_gets_a_diagnostic_not_a_crash(tmp_path):
    overlay = tmp_path / "variant.yaml"
    text = "carepath: 1\nextends: gone.yaml\nid: v\ntitle: V\nchanges:\n  - set: steps.a.next\n    value: b\n"
    code, messages, _ = run_session([
        initialize(),
        frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": overlay.as_uri(), "languageId": "yaml", "version": 1, "text": text}}}),
        frame({"jsonrpc": "2.0", "id": 5, "method": "textDocument/completion",
               "params": {"textDocument": {"uri": overlay.as_uri()}, "position": {"line": 6, "character": 11}}}),
        *shutdown_and_exit(),
    ])
    assert code == 0
    published = next(m for m in messages if m.get("method") == "textDocument/publishDiagnostics")
    assert published["params"]["diagnostics"][0]["severity"] == 1
    assert "gone.yaml" in published["params"]["diagnostics"][0]["message"]
    assert next(m for m in messages if m.get("id") == 5)["result"]["items"] == []
