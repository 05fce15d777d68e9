// The pol extension: starts `pol lsp`, adds the commands and the active-dossier status item.
import { spawnSync } from "child_process";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem;

/** The server's command that evaluates a golden dossier and makes it the active one. */
const EVALUATE_COMMAND = "pol.évaluerDossier";

/** The server's command that measures what the edits change for the golden dossiers. */
const IMPACT_COMMAND = "pol.impactDeLaModification";

/** What the server answers to IMPACT_COMMAND. */
interface ImpactResult {
  résumé: string;
  texte: string;
  dossiers: { uri: string | null; dossier: string; description: string | null }[];
}

let impactChannel: vscode.OutputChannel | undefined;

/** Shows the impact report, and offers to open the changed dossiers. */
function showImpact(result: unknown): void {
  const r = result as Partial<ImpactResult> | null | undefined;
  if (!r || typeof r.texte !== "string") {
    return;
  }
  impactChannel ??= vscode.window.createOutputChannel("pol : impact de la modification");
  impactChannel.clear();
  impactChannel.append(r.texte);
  impactChannel.show(true);
  const changed = (r.dossiers ?? []).filter((d) => typeof d.uri === "string");
  if (changed.length === 0) {
    return;
  }
  const items = changed.map((d) => ({
    label: d.dossier,
    description: d.description ?? "",
    uri: d.uri as string,
  }));
  void vscode.window
    .showQuickPick(items, { placeHolder: `${r.résumé ?? ""} — ouvrir un dossier modifié` })
    .then(async (choice) => {
      if (choice) {
        await vscode.window.showTextDocument(vscode.Uri.parse(choice.uri));
      }
    });
}

/** What the server answers to EVALUATE_COMMAND. */
interface DossierResult {
  dossier: string;
  résumé: string;
}

/** Shows the active dossier in the status bar, whoever ran the evaluation (code lens, command). */
function showActiveDossier(result: unknown): void {
  const r = result as Partial<DossierResult> | null | undefined;
  if (r && typeof r.dossier === "string") {
    status.text = `$(beaker) ${r.dossier}`;
    status.tooltip = `Dossier actif : ${r.résumé ?? ""}`;
    status.show();
  }
}

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
    // Policy files changed on disk (by git, another editor…) are reloaded by the server.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.pol") },
    middleware: {
      // The « Évaluer ce dossier » code lens runs the server's command through the client:
      // its answer updates the status item too. The request is sent here rather than through
      // `next`, whose failure handler would add the client's English « Request
      // workspace/executeCommand failed. » next to the server's own message, in French.
      executeCommand: async (command, args, next) => {
        if ((command !== EVALUATE_COMMAND && command !== IMPACT_COMMAND) || !client) {
          return next(command, args);
        }
        try {
          const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
            command,
            arguments: args,
          });
          if (command === EVALUATE_COMMAND) {
            showActiveDossier(result);
          } else {
            showImpact(result);
          }
          return result;
        } catch {
          // The server has already said why, in French (window/showMessage).
          return undefined;
        }
      },
    },
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
  // The same path as the code lens: the client's command for the server's, whose
  // middleware updates the status item.
  try {
    await vscode.commands.executeCommand(EVALUATE_COMMAND, editor.document.uri.toString());
  } catch {
    // The server has already said why, in a message.
  }
}

async function measureImpact(): Promise<void> {
  if (!client) {
    void vscode.window.showErrorMessage("Le serveur pol n'est pas démarré.");
    return;
  }
  // The programme of the active policy file, if any; otherwise every programme that differs.
  const editor = vscode.window.activeTextEditor;
  const args = editor && editor.document.languageId === "pol" ? [editor.document.uri.toString()] : [];
  try {
    await vscode.commands.executeCommand(IMPACT_COMMAND, ...args);
  } catch {
    // The server has already said why, in a message.
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
    vscode.commands.registerCommand("pol.mesurerImpact", measureImpact),
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
