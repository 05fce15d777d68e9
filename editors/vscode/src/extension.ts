// The pol extension: starts `pol lsp`, adds the commands and the active-dossier status item.
import { spawnSync } from "child_process";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;

function polCommand(): string {
  return vscode.workspace.getConfiguration("pol").get<string>("chemin") || "pol";
}

/** Whether the pol binary answers; a clear message when it does not. */
function binaryAvailable(command: string): boolean {
  const probe = spawnSync(command, ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    void vscode.window
      .showErrorMessage(
        `La commande « ${command} » est introuvable : installez pol (cargo install --path .) ` +
          "ou indiquez son chemin dans le réglage « pol.chemin ».",
        "Ouvrir les réglages",
      )
      .then((choice) => {
        if (choice) {
          void vscode.commands.executeCommand("workbench.action.openSettings", "pol.chemin");
        }
      });
    return false;
  }
  return true;
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const command = polCommand();
  if (!binaryAvailable(command)) {
    return;
  }
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "pol" },
      { scheme: "file", language: "json", pattern: "**/tests/dossiers/**/*.json" },
    ],
    outputChannelName: "pol",
  };
  client = new LanguageClient("pol", "pol", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

async function evaluateDossier(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !editor.document.fileName.endsWith(".json")) {
    void vscode.window.showWarningMessage("Ouvrez un dossier doré (.json) pour l'évaluer.");
    return;
  }
  if (!client) {
    void vscode.window.showErrorMessage("Le serveur pol n'est pas démarré.");
    return;
  }
  const uri = editor.document.uri.toString();
  const result = (await client.sendRequest("workspace/executeCommand", {
    command: "pol.évaluerDossier",
    arguments: [uri],
  })) as { dossier: string; résumé: string } | null;
  if (result) {
    status.text = `$(beaker) ${result.dossier}`;
    status.tooltip = `Dossier actif : ${result.résumé}`;
    status.show();
  }
}

function runTests(): void {
  const terminal = vscode.window.createTerminal("pol test");
  terminal.show();
  terminal.sendText(`${polCommand()} test`);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.command = "pol.evaluerDossier";
  context.subscriptions.push(
    status,
    vscode.commands.registerCommand("pol.evaluerDossier", evaluateDossier),
    vscode.commands.registerCommand("pol.lancerLesTests", runTests),
    vscode.commands.registerCommand("pol.redemarrerLeServeur", async () => {
      if (client) {
        await client.restart();
      } else {
        await startClient(context);
      }
    }),
  );
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
