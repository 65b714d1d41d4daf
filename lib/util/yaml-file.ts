import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { NetvetError, NetvetErrors } from './errors';

/** Line and column (1-based) of the node at `path` in a parsed YAML document, or of its parent. */
export function positionOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): { line: number; column: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return at(lines, node.range[0]);
  }
  return { line: 1, column: 1 };
}

function at(lines: LineCounter, offset: number): { line: number; column: number } {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

export function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Parses YAML text; syntax errors and an empty document become errors with file:line:column. */
export function parseYamlDocument(text: string, file: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    throw new NetvetErrors(
      doc.errors.map((e) => {
        return new NetvetError(`YAML syntax error: ${e.message.split('\n')[0]}`, 'fix the YAML syntax at this place', { file, ...at(lines, e.pos[0]) });
      }),
    );
  }
  if (doc.contents === null) throw new NetvetError('the file is empty', 'write the document (see the examples beside it)', { file, line: 1, column: 1 });
  return { doc, lines };
}

/** Parses a YAML file against a zod schema; every schema issue is reported with its place. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string): z.output<S> {
  const { doc, lines } = parseYamlDocument(text, file);
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  throw new NetvetErrors(
    parsed.error.issues.map((issue) => {
      const place = positionOf(doc, lines, issue.path);
      const unknown = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      const fix = issue.code === 'unrecognized_keys' ? 'remove the key or correct its spelling' : 'correct the value';
      return new NetvetError(`${issue.message}${unknown}`, fix, { file, ...place, field: fieldName(issue.path) || undefined });
    }),
  );
}
