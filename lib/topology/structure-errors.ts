import { z } from 'zod';
import { NetvetError } from '../util/errors';
import { fieldName, valueAt, type Path, type SourceLocator } from './source';
import { closest } from './suggest';

/**
 * Turns zod's schema issues into errors a network engineer can act on: placed on the offending YAML
 * node, worded in the file's own terms, with a fix taken from the schema's descriptions.
 */
export function structureErrors(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, raw: unknown, source: SourceLocator): NetvetError[] {
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
    .flatMap((issue) => explain(issue, [], schema, raw, source));
}

function toPath(path: readonly PropertyKey[]): Path {
  return path.map((p) => (typeof p === 'number' ? p : String(p)));
}

function explain(issue: z.core.$ZodIssue, base: Path, schema: z.ZodType, raw: unknown, source: SourceLocator): NetvetError[] {
  const path = [...base, ...toPath(issue.path)];
  const value = valueAt(raw, path);
  const node = schemaAt(schema, path);
  const described = node ? describe(node) : undefined;
  const hint = !path.length ? 'write a mapping with at least `networks:` (see topologies/*.yaml)' : described && described[0].toLowerCase() + described.slice(1);
  const error = (message: string, fix: string | undefined, at = source.at(path), field = path) =>
    new NetvetError(message, fix, { ...at, field: fieldName(field) || undefined });

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
    case 'invalid_union':
    {
      const expected = issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type' && !i.path.length).map((i) => typeName((i as z.core.$ZodIssueInvalidType).expected)));
      return explainUnion(issue, path, schema, raw, source, error(expected.length ? `expected ${expected.join(' or ')}, found ${shown(value)}` : `${shown(value)} is not valid here`, hint));
    }
    case 'invalid_format': {
      const format = issue.format === 'ipv4' ? 'an IPv4 address' : issue.format === 'cidrv4' ? 'an IPv4 network (CIDR)' : undefined;
      return [error(format ? `${shown(value)} is not ${format}` : `${shown(value)}: ${issue.message}`, hint)];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const near = typeof value === 'string' ? closest(value, allowed) : undefined;
      return [error(`${shown(value)} is not one of: ${allowed.join(', ')}`, near ? `did you mean '${near}'?` : `use one of: ${allowed.join(', ')}`)];
    }
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
  fallback: NetvetError,
): NetvetError[] {
  const meant = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  if (meant.length !== 1) return [fallback];
  return meant[0].flatMap((inner) => explain(inner, path, schema, raw, source));
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
