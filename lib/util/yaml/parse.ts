import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { NetvetError, NetvetErrors } from '../errors';
import { inFileOrder, yamlLocator, type SourceLocator } from './source';
import { structureErrors } from './structure-errors';

/** The kind of file being read, for the errors that concern the whole file. */
export interface YamlKind {
  /** In messages: 'topology' gives "the topology file is empty". */
  name: string;
  /** What the file must hold at least, with an example to copy: the fix for an empty or non-mapping document. */
  start: string;
}

/**
 * Parses YAML text against a zod schema and keeps the locator, so a later semantic pass can place
 * its own errors (the topology planner does). Syntax errors, an empty document and every schema
 * issue are thrown as NetvetErrors in file order, each at its line and column with a fix.
 */
export function parseYamlSource<S extends z.ZodType>(schema: S, text: string, file: string, what: YamlKind): { value: z.output<S>; source: SourceLocator } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const source = yamlLocator(doc, lines, file);
  if (doc.errors.length) {
    throw new NetvetErrors(
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return new NetvetError(`YAML syntax error: ${e.message.split('\n')[0]}`, 'fix the YAML syntax here (indentation, quotes, a missing ":" or "-")', { file, line, column: col });
      }),
    );
  }
  if (doc.contents === null) throw new NetvetErrors([new NetvetError(`the ${what.name} file is empty`, what.start, { file, line: 1, column: 1 })]);
  const raw: unknown = doc.toJS();
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw inFileOrder(structureErrors(parsed.error.issues, schema, raw, source, what.start));
  return { value: parsed.data, source };
}

/** Parses YAML text against a zod schema; see parseYamlSource for the errors. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string, what: YamlKind): z.output<S> {
  return parseYamlSource(schema, text, file, what).value;
}
