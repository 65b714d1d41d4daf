import { isAlias, isNode, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
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
  if (doc.errors.length) throw new NetvetErrors(doc.errors.map((e) => syntaxError(e, lines, file, what)));
  if (doc.contents === null) throw new NetvetErrors([new NetvetError(`the ${what.name} file is empty`, what.start, { file, line: 1, column: 1 })]);
  const raw = toJS(doc, lines, file);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw inFileOrder(structureErrors(parsed.error.issues, schema, raw, source, what.start));
  return { value: parsed.data, source };
}

/** A YAML parse error at its place, with a fix for the mistakes people make (a second document, a key twice, runaway nesting). */
function syntaxError(e: YAMLError, lines: LineCounter, file: string, what: YamlKind): NetvetError {
  const { line, col } = lines.linePos(e.pos[0]);
  const at = { file, line, column: col };
  if (/maximum call stack/i.test(e.message)) {
    return new NetvetError('the YAML nests too deeply to be read (thousands of brackets or indents)', 'netvet files nest a few levels; check the brackets from here on', at);
  }
  if (e.code === 'DUPLICATE_KEY') {
    return new NetvetError('this key is written a second time in the same mapping', 'keep one of the two: a mapping holds each key once (merge their values, or fix the indentation if one belongs elsewhere)', at);
  }
  if (e.code === 'MULTIPLE_DOCS') {
    return new NetvetError(`a second YAML document starts here: a ${what.name} file holds one`, "remove the '---' line and what follows, or put each document in its own file", at);
  }
  return new NetvetError(`YAML syntax error: ${e.message.split('\n')[0]}`, 'fix the YAML syntax here (indentation, quotes, a missing ":" or "-")', at);
}

/** Parses YAML text against a zod schema; see parseYamlSource for the errors. */
export function parseYamlWith<S extends z.ZodType>(schema: S, text: string, file: string, what: YamlKind): z.output<S> {
  return parseYamlSource(schema, text, file, what).value;
}

/** Aliases this many times more numerous than the file's nodes are an alias bomb ("billion laughs"), not a topology. */
const MAX_ALIAS_COUNT = 100;

/** The document as plain data; an alias to no anchor, or aliases that would expand without bound, are located errors. */
function toJS(doc: Document, lines: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const aliases: { source: string; offset: number }[] = [];
    const anchors: { name: string; offset: number }[] = [];
    visit(doc, (_, node) => {
      if (isAlias(node) && node.range) aliases.push({ source: node.source, offset: node.range[0] });
      else if (isNode(node) && node.anchor && node.range) anchors.push({ name: node.anchor, offset: node.range[0] });
    });
    const at = (offset: number) => {
      const { line, col } = lines.linePos(offset);
      return { file, line, column: col };
    };
    // An anchor must come before its alias.
    const unresolved = aliases.find((a) => !anchors.some((n) => n.name === a.source && n.offset < a.offset));
    if (/unresolved alias/i.test(error.message) && unresolved) {
      return fail(new NetvetError(`alias '*${unresolved.source}' refers to no anchor`, `define '&${unresolved.source}' on a value before this line, or write the value out`, at(unresolved.offset)));
    }
    const first = aliases[0];
    return fail(
      new NetvetError(
        'the aliases in this file expand to an enormous document (an alias bomb); netvet does not expand it',
        `write the values out, or use each anchor at most a few times`,
        first ? at(first.offset) : { file, line: 1, column: 1 },
      ),
    );
  }
}

function fail(error: NetvetError): never {
  throw new NetvetErrors([error]);
}
