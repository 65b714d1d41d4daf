import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { NetvetError, NetvetErrors } from '../util/errors';
import type { Topology } from './model';
import { planTopology, type PlanOptions } from './plan';
import { topologySchema } from './schema';
import { inFileOrder, yamlLocator } from './source';
import { structureErrors } from './structure-errors';

/** Reads, validates and plans a topology file; throws NetvetErrors naming every problem with its place. */
export async function loadTopology(file: string, options: PlanOptions = {}): Promise<Topology> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new NetvetErrors([new NetvetError(`cannot read the topology: ${reason}`, 'check the path (topologies live in topologies/)', { file })]);
  }
  return parseTopology(text, file, options);
}

/**
 * Validates and plans topology text; `file` names it in errors. Structure is checked first, and
 * references and addresses only once the structure is sound, so one misspelt key does not also
 * produce a cascade of dangling references.
 */
export function parseTopology(text: string, file: string, options: PlanOptions = {}): Topology {
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
  if (doc.contents === null) {
    throw new NetvetErrors([new NetvetError('the topology file is empty', 'describe at least one network (see topologies/l2-two-chassis.yaml)', { file, line: 1, column: 1 })]);
  }
  const raw: unknown = doc.toJS();
  const parsed = topologySchema.safeParse(raw);
  if (!parsed.success) throw inFileOrder(structureErrors(parsed.error.issues, topologySchema, raw, source));
  return planTopology(parsed.data, source, options);
}
