"""The server's protocol types, checked against the LSP 3.17 specification's model as the
`lsprotocol` package generates it (not against our own reading of the specification).

`fixtures/protocol-samples.json` holds a JSON encoding of every Swift protocol struct the server
sends or reads, with all optional members set and with none (`ProtocolSamplesTests` in
Tests/PathwayLSPTests keeps the file equal to the structs). For each sample this test checks that:
every member name is one the specification gives that type; every member the specification
requires of a message the server sends is present; and lsprotocol's converter reads the sample
into its type (so values have the specified types and enumerations) and writes back the same
JSON.
"""
import json
import pathlib

import attrs
import pytest
from lsprotocol import converters, types

SAMPLES = json.loads((pathlib.Path(__file__).parent / "fixtures" / "protocol-samples.json").read_text())
CONVERTER = converters.get_converter()


def camel(name: str) -> str:
    name = name.rstrip("_")
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def spec_fields(cls) -> dict[str, bool]:
    """The type's member names as JSON spells them, each with whether it is required."""
    return {camel(f.name): f.default is attrs.NOTHING for f in attrs.fields(cls)}


def lsp_class(name: str):
    if name == "ResponseError":
        return types.ResponseError
    return getattr(types, name)


def without_nulls(value):
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


CASES = [(entry["lspType"], entry["direction"], i, sample)
         for entry in SAMPLES for i, sample in enumerate(entry["samples"])]


def test_the_fixture_covers_every_type_the_server_sends():
    sent = {entry["lspType"] for entry in SAMPLES if entry["direction"] == "sent"}
    assert {"Diagnostic", "PublishDiagnosticsParams", "CompletionItem", "CompletionList", "Hover", "DocumentSymbol",
            "CodeAction", "WorkspaceEdit", "TextEdit", "InitializeResult", "ServerCapabilities", "PrepareRenamePlaceholder",
            "Location", "LogMessageParams"} <= sent
    assert len(CASES) >= 50


@pytest.mark.parametrize("name,direction,index,sample", CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_each_sample_matches_the_specifications_model(name, direction, index, sample):
    cls = lsp_class(name)
    fields = spec_fields(cls)
    unknown = set(sample) - set(fields)
    assert not unknown, f"{name} has no member(s) {sorted(unknown)} in LSP 3.17"
    if direction == "sent":
        missing = {f for f, required in fields.items() if required} - set(sample)
        assert not missing, f"{name} must carry {sorted(missing)}"
        value = CONVERTER.structure(sample, cls)
        assert without_nulls(CONVERTER.unstructure(value, cls)) == without_nulls(sample)
    else:
        # A type the server reads: the parts it decodes must be the specification's, with its types.
        for key, member in sample.items():
            field = next(f for f in attrs.fields(cls) if camel(f.name) == key)
            if key in ("initializationOptions",):
                continue  # LSPAny: carepath's own options
            CONVERTER.structure(member, field.type)
