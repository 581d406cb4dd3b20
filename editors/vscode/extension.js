// Starts `lockstep lsp` for Markdown files; everything else is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("lockstep").get("path", "lockstep");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "lockstep",
    "lockstep",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "markdown" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
