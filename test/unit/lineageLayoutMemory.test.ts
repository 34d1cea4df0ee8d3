import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { LayoutMemory } from '../../src/extension/lineage/layoutMemory';
import type { RememberedLayout } from '../../src/protocol/lineageMessages';

/** Workspace storage as VS Code keeps it between windows: values go through JSON. */
class JsonMemento {
  private readonly values = new Map<string, string>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string): T | undefined {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

const layout: RememberedLayout = {
  key: '2:abc',
  nodes: [
    { id: 'raw/a', x: 100, y: 22 },
    { id: 'raw/b', x: 356, y: 22 },
  ],
  clusters: [{ id: 'raw', x: 0, y: 0, width: 480, height: 90 }],
  width: 480,
  height: 90,
};

test('the last layout outlives the panel and the window (a new memory on the same storage), for the same extension version only', () => {
  const storage = new JsonMemento();
  const first = new LayoutMemory(storage as unknown as vscode.Memento, '0.1.0');
  assert.equal(first.get(), undefined);
  first.set(layout);
  assert.deepEqual(first.get(), layout);
  assert.deepEqual(new LayoutMemory(storage as unknown as vscode.Memento, '0.1.0').get(), layout, 'after a window reload');
  assert.equal(new LayoutMemory(storage as unknown as vscode.Memento, '0.2.0').get(), undefined, 'another version lays out afresh');
});
