/**
 * What a heap holds, from a V8 heap snapshot (`.heapsnapshot`, the format `v8.writeHeapSnapshot`
 * and Chrome DevTools use): every node's self size summed by its kind and name (objects by
 * constructor, closures by function name, V8's internal kinds as V8 names them), and the
 * difference between two snapshots per connection opened between them: where an idle
 * connection's memory goes.
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: readonly string[];
      readonly node_types: readonly (readonly string[] | string)[];
    };
  };
  readonly nodes: readonly number[];
  readonly strings: readonly string[];
}

/** Count and bytes of one kind of node. */
export interface HeapGroup {
  count: number;
  bytes: number;
}

// Strings and numbers are grouped by kind alone: their names are their values.
const BY_KIND_ONLY = new Set([
  'string',
  'concatenated string',
  'sliced string',
  'number',
  'bigint',
]);

/** Self sizes by `kind name`, from a parsed snapshot. */
export function groupHeap(snapshot: HeapSnapshot): Map<string, HeapGroup> {
  const fields = snapshot.snapshot.meta.node_fields;
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = snapshot.snapshot.meta.node_types[typeAt];
  if (!Array.isArray(types) || typeAt < 0 || nameAt < 0 || sizeAt < 0) {
    throw new Error('not a V8 heap snapshot');
  }
  const groups = new Map<string, HeapGroup>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += stride) {
    const kind = types[nodes[i + typeAt] ?? 0] ?? 'unknown';
    const name = strings[nodes[i + nameAt] ?? 0] ?? '';
    const key = BY_KIND_ONLY.has(kind) ? kind : `${kind} ${name.slice(0, 60)}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += nodes[i + sizeAt] ?? 0;
    groups.set(key, group);
  }
  return groups;
}

/** Reads and groups a .heapsnapshot file. */
export function groupHeapFile(file: string): Map<string, HeapGroup> {
  return groupHeap(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot);
}

/** One kind's growth per connection between two snapshots. */
export interface HeapGrowth {
  readonly key: string;
  readonly countPerConnection: number;
  readonly bytesPerConnection: number;
}

/** The groups that grew (or shrank) between `before` and `after`, per connection, largest first. */
export function diffHeap(
  before: ReadonlyMap<string, HeapGroup>,
  after: ReadonlyMap<string, HeapGroup>,
  connections: number,
): HeapGrowth[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((key) => {
      const a = before.get(key) ?? { count: 0, bytes: 0 };
      const b = after.get(key) ?? { count: 0, bytes: 0 };
      return {
        key,
        countPerConnection: (b.count - a.count) / connections,
        bytesPerConnection: (b.bytes - a.bytes) / connections,
      };
    })
    .sort((x, y) => Math.abs(y.bytesPerConnection) - Math.abs(x.bytesPerConnection));
}
