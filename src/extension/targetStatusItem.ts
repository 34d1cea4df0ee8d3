import * as vscode from 'vscode';
import type { CommandId } from './commands';

/** The status bar item naming the current target; prod is coloured as a warning. */
export class TargetStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('assetStudio.target', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Asset Studio Target';
    this.show('dev', false);
  }

  show(targetName: string, isProtected: boolean): void {
    this.item.text = `$(database) ${targetName}`;
    this.item.tooltip = isProtected
      ? `Asset Studio target: ${targetName} (protected — every run asks first)`
      : `Asset Studio target: ${targetName}`;
    this.item.backgroundColor = isProtected ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.command = 'assetStudio.selectTarget' satisfies CommandId;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
