import type * as vscode from 'vscode';
import { DocumentSymbol, DocumentSymbolRequest, type LanguageClient } from 'vscode-languageclient/node';

/**
 * The outline's symbols, converted for VS Code in steps. The language client converts a reply
 * item by item, yielding to the event loop between items, but converts an item's children in
 * one go: a 2,000-node file's outline is one `nodes` item with 2,000 children, and VS Code asks
 * for the symbols after every edit, so that one conversion held the extension host for 100 to
 * 200 ms while typing (a CPU profile of `bench/typing-workbench.bench.ts`). Here each top-level
 * item's children go through the client's own stepwise conversion.
 */
export async function outlineInSteps(
  client: LanguageClient,
  document: vscode.TextDocument,
  token: vscode.CancellationToken,
): Promise<vscode.DocumentSymbol[] | vscode.SymbolInformation[] | null> {
  try {
    const params = client.code2ProtocolConverter.asDocumentSymbolParams(document);
    const data = await client.sendRequest(DocumentSymbolRequest.type, params, token);
    if (token.isCancellationRequested || !data) return null;
    const p2c = client.protocol2CodeConverter;
    if (!data.length || !DocumentSymbol.is(data[0])) return (await p2c.asSymbolInformations(data as never, token)) ?? null;
    const out: vscode.DocumentSymbol[] = [];
    for (const item of data as DocumentSymbol[]) {
      const { children, ...alone } = item;
      const symbol = p2c.asDocumentSymbol(alone);
      if (children?.length) symbol.children = await p2c.asDocumentSymbols(children, token);
      if (token.isCancellationRequested) return null;
      out.push(symbol);
    }
    return out;
  } catch (error) {
    return client.handleFailedRequest(DocumentSymbolRequest.type, token, error, null);
  }
}
