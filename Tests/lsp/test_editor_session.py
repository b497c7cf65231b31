"""End-to-end tests of `carepath lsp` with a real LSP client (pytest-lsp over pygls): what a
clinical lead sees in the editor while typing a pathway."""
import pathlib
import subprocess
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from conftest import FIXTURES, carepath_bin  # noqa: E402
from lsp_text import apply_edits, position_of, text_in_range  # noqa: E402


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[carepath_bin(), "lsp", "--debounce", "20"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=types.ClientCapabilities(
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True, version_support=True),
                rename=types.RenameClientCapabilities(prepare_support=True),
                hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
                completion=types.CompletionClientCapabilities(completion_item=types.ClientCompletionItemOptions(
                    documentation_format=[types.MarkupKind.Markdown])),
                document_symbol=types.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
                code_action=types.CodeActionClientCapabilities(code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(value_set=[types.CodeActionKind.QuickFix]))),
            ),
        ),
        root_uri=FIXTURES.as_uri(),
    ))
    yield
    await lsp_client.shutdown_session()


async def open_document(client: LanguageClient, path: pathlib.Path, text: str | None = None, version: int = 1):
    text = path.read_text() if text is None else text
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri, text


async def test_a_misspelt_step_is_reported_on_open_with_its_exact_range(client: LanguageClient):
    path = FIXTURES / "misspelt" / "dvt.yaml"
    uri, text = await open_document(client, path)
    diagnostics = client.diagnostics[uri]
    assert len(diagnostics) == 1, diagnostics
    d = diagnostics[0]
    assert d.code == "CP101"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "carepath"
    assert "did you mean 'leg-ultrasound'" in d.message
    # The line has an emoji (two UTF-16 code units) before the token: the range must still cover it.
    assert text_in_range(text, d.range) == "leg-ultrasund"


async def test_the_quick_fix_replaces_the_token_and_the_errors_go(client: LanguageClient):
    path = FIXTURES / "misspelt" / "dvt.yaml"
    uri, text = await open_document(client, path)
    d = client.diagnostics[uri][0]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=d.range,
        context=types.CodeActionContext(diagnostics=[d])))
    assert actions, "no quick fix offered"
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.title == "Replace with 'leg-ultrasound'"
    fixed = apply_edits(text, fix.edit.changes[uri])
    assert "to: leg-ultrasound," in fixed
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[uri]) == []


async def test_completion_after_next_offers_the_step_ids(client: LanguageClient):
    path = FIXTURES / "dvt" / "standard.yaml"
    text = path.read_text().replace("    next: likely-dvt\n", "    next: \n")
    uri, text = await open_document(client, path, text)
    position = position_of(text, "    next: \n", offset=len("    next: "))
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position))
    labels = [item.label for item in result.items]
    assert labels == ["likely-dvt", "leg-ultrasound", "discharge"], labels
    ultrasound = next(i for i in result.items if i.label == "leg-ultrasound")
    assert ultrasound.detail == "test — Proximal leg vein ultrasound"


async def test_completion_offers_the_keys_a_step_of_its_kind_takes(client: LanguageClient):
    path = FIXTURES / "dvt" / "standard.yaml"
    text = path.read_text().replace("    next: discharge\n", "    next: discharge\n    re\n")
    uri, text = await open_document(client, path, text)
    position = position_of(text, "    re\n", offset=len("    re"))
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position))
    labels = {item.label for item in result.items}
    assert "result_after" in labels          # tests take a result wait
    assert "rebooked_after" in labels
    assert "resource" not in labels          # already there
    assert "branches" not in labels          # only decisions have branches
    assert "outcome" not in labels           # only end steps have an outcome


async def test_completion_offers_step_kinds_and_organisation_types(client: LanguageClient):
    path = FIXTURES / "dvt" / "standard.yaml"
    text = path.read_text().replace("    kind: test\n", "    kind: \n")
    uri, text = await open_document(client, path, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "    kind: \n", offset=10)))
    kinds = [item.label for item in result.items]
    assert kinds[:10] == ["referral", "assessment", "test", "decision", "treatment", "meeting", "wait", "parallel", "subpathway", "end"]
    text2 = path.read_text().replace("type: acute }", "type:  }")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text2)]))
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text2, "type:  }", offset=6)))
    assert "diagnostic-centre" in [item.label for item in result.items]


async def test_completion_in_a_condition_offers_attributes_and_in_a_list_offers_steps(client: LanguageClient):
    path = FIXTURES / "dvt" / "standard.yaml"
    text = path.read_text().replace('when: "wells-score >= 2"', 'when: "wel')
    uri, text = await open_document(client, path, text)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, 'when: "wel', offset=10)))
    assert [item.label for item in result.items] == ["wells-score"]
    text2 = path.read_text().replace("to: leg-ultrasound, within", "to: [discharge, ], within")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text2)]))
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text2, "[discharge, ]", offset=12)))
    assert "leg-ultrasound" in [item.label for item in result.items]


async def test_hover_on_a_step_id_summarises_the_step(client: LanguageClient):
    path = FIXTURES / "dvt" / "standard.yaml"
    uri, text = await open_document(client, path)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "to: leg-ultrasound,", offset=6)))
    value = hover.contents.value
    assert "**Proximal leg vein ultrasound** (`leg-ultrasound`): a test step at Acute trust" in value
    assert "- resource: `ultrasound-room` (Vascular ultrasound)" in value
    assert "- takes: 20 min" in value or "- takes: 20" in value
    assert "- requires: `referral-letter`" in value
    assert "- produces: `scan-report`" in value
    assert "- next: `discharge`" in value
    assert text_in_range(text, hover.range) == "leg-ultrasound"


async def test_definition_and_references_of_a_step(client: LanguageClient, dvt_folder):
    path = dvt_folder / "standard.yaml"
    uri, text = await open_document(client, path)
    definition = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "to: leg-ultrasound,", offset=5)))
    assert len(definition) == 1
    assert definition[0].range.start.line == position_of(text, "  leg-ultrasound:").line
    references = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=position_of(text, "  leg-ultrasound:", offset=3),
        context=types.ReferenceContext(include_declaration=True)))
    by_file = {}
    for r in references:
        by_file.setdefault(pathlib.Path(r.uri.removeprefix("file://")).name, []).append(r)
    assert len(by_file["standard.yaml"]) == 3   # the key, the target's `to`, the branch's `to`
    assert len(by_file["rural.yaml"]) == 2      # the change path and the value it sets


async def test_rename_of_a_step_edits_the_file_and_its_overlay(client: LanguageClient, dvt_folder):
    path = dvt_folder / "standard.yaml"
    uri, text = await open_document(client, path)
    at = position_of(text, "  leg-ultrasound:", offset=4)
    prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at))
    assert prepared.placeholder == "leg-ultrasound"
    edit = await client.text_document_rename_async(types.RenameParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at, new_name="proximal-ultrasound"))
    overlay = dvt_folder / "rural.yaml"
    assert set(edit.changes) == {uri, overlay.as_uri()}
    path.write_text(apply_edits(text, edit.changes[uri]))
    overlay.write_text(apply_edits(overlay.read_text(), edit.changes[overlay.as_uri()]))
    assert "leg-ultrasound" not in path.read_text() + overlay.read_text()
    checked = subprocess.run([carepath_bin(), "validate", str(path), str(overlay)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_rename_refuses_a_name_that_is_taken_or_not_an_id(client: LanguageClient, dvt_folder):
    path = dvt_folder / "standard.yaml"
    uri, text = await open_document(client, path)
    at = position_of(text, "  leg-ultrasound:", offset=4)
    for bad in ["discharge", "two words"]:
        with pytest.raises(Exception) as error:
            await client.text_document_rename_async(types.RenameParams(
                text_document=types.TextDocumentIdentifier(uri=uri), position=at, new_name=bad))
        assert "already" in str(error.value) or "not an id" in str(error.value)


async def test_the_outline_lists_sections_and_steps_with_their_kinds(client: LanguageClient):
    path = FIXTURES / "dvt" / "standard.yaml"
    uri, _ = await open_document(client, path)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    sections = {s.name: s for s in symbols}
    assert {"organisations", "resources", "attributes", "targets", "steps", "start"} <= set(sections)
    steps = [(s.name, s.detail) for s in sections["steps"].children]
    assert steps == [("gp-assessment", "assessment"), ("likely-dvt", "decision"), ("leg-ultrasound", "test"), ("discharge", "end")]
