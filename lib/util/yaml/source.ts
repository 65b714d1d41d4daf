import { isMap, isNode, isScalar, type Document, type LineCounter } from 'yaml';
import { NetvetErrors, type NetvetError } from '../errors';

/** Where something was written: 1-based line and column in `file`. */
export interface SourcePlace {
  file: string;
  line: number;
  column: number;
}

/** A path into the document, as zod reports it: `['networks', 1, 'subnets', 0, 'cidr']`. */
export type Path = readonly (string | number)[];

/** Maps document paths to places in the file, so any later check can point at the offending node. */
export interface SourceLocator {
  file: string;
  /** The node at `path`, or its nearest ancestor that exists (a missing key points at its mapping). */
  at(path: Path): SourcePlace;
  /** The key of the last segment of `path` (where an unknown key is written). */
  keyAt(path: Path): SourcePlace;
}

export function yamlLocator(doc: Document, lines: LineCounter, file: string): SourceLocator {
  const place = (offset: number): SourcePlace => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  const at = (path: Path): SourcePlace => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node: unknown = doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return place(node.range[0]);
    }
    return { file, line: 1, column: 1 };
  };
  return {
    file,
    at,
    keyAt(path) {
      const parent: unknown = doc.getIn(path.slice(0, -1), true);
      const key = path[path.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === key);
        if (pair && isNode(pair.key) && pair.key.range) return place(pair.key.range[0]);
      }
      return at(path);
    },
  };
}

/** `networks[1].subnets[0].cidr`, the field name errors print. */
export function fieldName(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${p}`)).join('');
}

/** The raw value at `path` in the parsed document, for messages that quote what was written. */
export function valueAt(raw: unknown, path: Path): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Errors in file order, as a compiler lists them. */
export function inFileOrder(errors: NetvetError[]): NetvetErrors {
  const key = (e: NetvetError) => (e.place.line ?? 0) * 1e6 + (e.place.column ?? 0);
  return new NetvetErrors([...errors].sort((a, b) => key(a) - key(b)));
}
