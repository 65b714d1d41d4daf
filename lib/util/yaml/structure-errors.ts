import { z } from 'zod';
import { NetvetError } from '../errors';
import { fieldName, valueAt, type Path, type SourceLocator } from './source';
import { closest } from './suggest';

/**
 * Turns zod's schema issues into errors a network engineer can act on: placed on the offending YAML
 * node, worded in the file's own terms, with a fix taken from the schema's descriptions. `start` is
 * the fix when the document as a whole is wrong (a list or a scalar where a mapping belongs).
 */
export function structureErrors(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, raw: unknown, source: SourceLocator, start: string): NetvetError[] {
  // `subnet:` written for `subnets:` is one mistake: say "did you mean 'subnets'?", not also "missing 'subnets'".
  const misspelt = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const node = schemaAt(schema, toPath(issue.path));
    for (const key of issue.keys) {
      const near = closest(key, node ? objectKeys(node) : []);
      if (near) misspelt.add(fieldName([...toPath(issue.path), near]));
    }
  }
  return issues
    .filter((i) => !(i.code === 'invalid_type' && valueAt(raw, toPath(i.path)) === undefined && misspelt.has(fieldName(toPath(i.path)))))
    .flatMap((issue) => explain(issue, [], schema, raw, source, start));
}

function toPath(path: readonly PropertyKey[]): Path {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

function explain(issue: z.core.$ZodIssue, base: Path, schema: z.ZodType, raw: unknown, source: SourceLocator, start: string): NetvetError[] {
  const path = [...base, ...toPath(issue.path)];
  const value = valueAt(raw, path);
  const node = schemaAt(schema, path);
  const described = node ? describe(node) : undefined;
  const hint = !path.length ? start : described && described[0].toLowerCase() + described.slice(1);
  const error = (message: string, fix: string | undefined, at = source.at(path), field = path) =>
    new NetvetError(message, fix, { ...at, field: fieldName(field) || undefined });

  // `auto` or an address range: zod reports only the branch that is not a literal, yet a misspelt literal is the likelier mistake.
  const literal = typeof value === 'string' && node && issue.code !== 'unrecognized_keys' ? closest(value, literalsOf(node)) : undefined;
  if (literal) return [error(`${shown(value)} is not valid here`, `did you mean '${literal}'?`)];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = node ? objectKeys(node) : [];
      return issue.keys.map((key) => {
        const near = closest(key, allowed);
        const fix = near ? `did you mean '${near}'?` : `remove it; the keys allowed here are: ${allowed.join(', ')}`;
        return error(`unknown key '${key}'`, fix, source.keyAt([...path, key]), [...path, key]);
      });
    }
    case 'invalid_type':
      if (value === undefined) {
        const key = path[path.length - 1];
        return [error(`missing required key '${key}'`, hint ? `add '${key}' (${hint})` : `add '${key}'`)];
      }
      return [error(`expected ${typeName(issue.expected)}, found ${shown(value)}`, hint)];
    case 'invalid_union': {
      const literals = unionLiterals(issue);
      if (literals) return [notOneOf(value, literals, error)];
      const expected = issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type' && !i.path.length).map((i) => typeName((i as z.core.$ZodIssueInvalidType).expected)));
      const message = expected.length ? `expected ${expected.join(' or ')}, found ${shown(value)}` : `${shown(value)} is not valid here`;
      return explainUnion(issue, path, schema, raw, source, start, error(message, hint));
    }
    case 'invalid_format': {
      const format = issue.format === 'ipv4' ? 'an IPv4 address' : issue.format === 'cidrv4' ? 'an IPv4 network (CIDR)' : undefined;
      // The field's description says what it is for; an example says how to write it.
      const example = issue.format === 'ipv4' ? 'write an IPv4 address such as 10.0.0.5' : issue.format === 'cidrv4' ? 'write an IPv4 network such as 10.0.0.0/24' : undefined;
      const fix = hint?.includes('such as') ? hint : [hint, example].filter(Boolean).join(': ') || undefined;
      return [error(format ? `${shown(value)} is not ${format}` : `${shown(value)}: ${issue.message}`, fix)];
    }
    case 'invalid_value':
      return [notOneOf(value, issue.values.map(String), error)];
    case 'too_small':
      if (issue.origin === 'array') return [error(`needs at least ${issue.minimum} ${issue.minimum === 1 ? 'entry' : 'entries'}`, hint)];
      if (issue.origin === 'string') return [error('must not be empty', hint)];
      return [error(`${shown(value)} is below the minimum ${issue.minimum}`, hint)];
    case 'too_big':
      return [error(`${shown(value)} is above the maximum ${issue.maximum}`, hint)];
    default:
      return [error(issue.message, hint)];
  }
}

/** A union (a port given as number or range, an interface as name or mapping): explain the branch the value was meant for. */
function explainUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: Path,
  schema: z.ZodType,
  raw: unknown,
  source: SourceLocator,
  start: string,
  fallback: NetvetError,
): NetvetError[] {
  const meant = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (meant.length !== 1) return [fallback];
  return meant[0].flatMap((inner) => explain(inner, path, schema, raw, source, start));
}

function notOneOf(value: unknown, allowed: string[], error: (message: string, fix: string) => NetvetError): NetvetError {
  const near = typeof value === 'string' ? closest(value, allowed) : undefined;
  return error(`${shown(value)} is not one of: ${allowed.join(', ')}`, near ? `did you mean '${near}'?` : `use one of: ${allowed.join(', ')}`);
}

/** The values of a union of literals (`1 | 3 | 5`), which reads best as the enum it is. */
function unionLiterals(issue: z.core.$ZodIssueInvalidUnion): string[] | undefined {
  const values = issue.errors.map((branch) => (branch.length === 1 && branch[0].code === 'invalid_value' && !branch[0].path.length ? branch[0].values.map(String) : undefined));
  return values.length && values.every((v): v is string[] => v !== undefined) ? values.flat() : undefined;
}


/** The schema that validates `path`, through arrays, wrappers and the object branch of unions. */
function schemaAt(schema: z.ZodType, path: Path): z.ZodType | undefined {
  let node: z.ZodType | undefined = schema;
  for (const segment of path) {
    node = node && unwrap(node);
    if (node instanceof z.ZodUnion) node = (node.options as z.ZodType[]).find((o) => unwrap(o) instanceof z.ZodObject);
    node = node && unwrap(node);
    if (node instanceof z.ZodObject && typeof segment === 'string') node = (node.shape as Record<string, z.ZodType>)[segment];
    else if (node instanceof z.ZodArray && typeof segment === 'number') node = node.element as z.ZodType;
    else return undefined;
  }
  return node;
}

function unwrap(node: z.ZodType): z.ZodType {
  let inner = node;
  while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
  return inner;
}

function objectKeys(node: z.ZodType): string[] {
  const inner = unwrap(node);
  if (inner instanceof z.ZodObject) return Object.keys(inner.shape);
  if (inner instanceof z.ZodUnion) return (inner.options as z.ZodType[]).flatMap((o) => objectKeys(o));
  return [];
}

/** The string literals a union offers beside other branches (a union of literals alone is reported as an enum). */
function literalsOf(node: z.ZodType): string[] {
  const inner = unwrap(node);
  if (!(inner instanceof z.ZodUnion)) return [];
  const options = inner.options as z.ZodType[];
  if (options.every((o) => o instanceof z.ZodLiteral)) return [];
  return options.flatMap((o) => (o instanceof z.ZodLiteral ? [...o.values].filter((v) => typeof v === 'string') : []));
}

/** The first description found from the outermost wrapper inwards. */
function describe(node: z.ZodType): string | undefined {
  let inner = node;
  for (;;) {
    if (inner.description) return inner.description;
    if (!(inner instanceof z.ZodOptional || inner instanceof z.ZodDefault)) return undefined;
    inner = inner.unwrap() as z.ZodType;
  }
}

function typeName(expected: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };
  return names[expected] ?? expected;
}

function shown(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'a mapping' : 'nothing';
}
