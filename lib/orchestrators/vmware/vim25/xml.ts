import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/**
 * The vim25 SOAP encoding, on fast-xml-parser. Requests are built from plain values: a `Moref`
 * becomes `<x type="VirtualMachine">vm-1</x>`, an object with `$type` carries `xsi:type` (vim25's
 * polymorphic data objects), arrays repeat their element. Keys are written in the order given,
 * which is the WSDL's sequence order real vCenters insist on.
 */

/** A managed object reference: what vim25 calls every server-side object by. */
export interface Moref {
  readonly type: string;
  readonly value: string;
}

export const moref = (type: string, value: string): Moref => ({ type, value });

/** A request value: text, numbers, booleans, references, typed data objects, and arrays of them. */
export type SoapValue = string | number | boolean | Moref | SoapObject | SoapValue[] | undefined;
export interface SoapObject {
  readonly $type?: string;
  /** The text of a typed simple value (`{ $type: 'xsd:string', $text: 'x' }`, as an OptionValue's value). */
  readonly $text?: string;
  readonly [field: string]: SoapValue;
}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XSD = 'http://www.w3.org/2001/XMLSchema';
const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';

function isMoref(value: object): value is Moref {
  const keys = Object.keys(value);
  return keys.length === 2 && 'type' in value && 'value' in value && !('$type' in value);
}

/** One request value in fast-xml-parser's builder form ('@_' attributes, '#text'). */
function encode(value: SoapValue): unknown {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value !== 'object') return String(value);
  if (isMoref(value)) return { '@_type': value.type, '#text': value.value };
  const out: Record<string, unknown> = {};
  if (value.$type) out['@_xsi:type'] = value.$type;
  if (value.$text !== undefined) out['#text'] = value.$text;
  for (const [key, field] of Object.entries(value)) {
    if (key === '$type' || key === '$text' || field === undefined) continue;
    out[key] = encode(field);
  }
  return out;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', suppressEmptyNode: false });

/** The SOAP envelope of one vim25 call: `method` on `self` with `args` in order. */
export function envelope(method: string, self: Moref, args: SoapObject = {}): string {
  const body = { '@_xmlns': 'urn:vim25', _this: encode(self), ...(encode(args) as object) };
  return `<?xml version="1.0" encoding="UTF-8"?>${builder.build({
    'soapenv:Envelope': { '@_xmlns:soapenv': SOAP_ENV, '@_xmlns:xsi': XSI, '@_xmlns:xsd': XSD, 'soapenv:Body': { [method]: body } },
  })}`;
}

/** A parsed element: text, or an object of child elements ('@_' attributes, '#text'). */
export type Node = string | { [key: string]: Node | Node[] };

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', parseTagValue: false, parseAttributeValue: false, trimValues: true });

/** The children of the SOAP Body of a response, whatever prefix the server gives the envelope. */
export function responseBody(xml: string): Record<string, Node> {
  const doc = parser.parse(xml) as Record<string, Node>;
  const envelopeKey = Object.keys(doc).find((k) => k === 'Envelope' || k.endsWith(':Envelope'));
  const env = envelopeKey ? (doc[envelopeKey] as Record<string, Node>) : {};
  const bodyKey = Object.keys(env).find((k) => k === 'Body' || k.endsWith(':Body'));
  return bodyKey && typeof env[bodyKey] === 'object' ? (env[bodyKey] as Record<string, Node>) : {};
}

/** An element that may repeat, as a list (absent: empty). */
export function list(node: Node | Node[] | undefined): Node[] {
  if (node === undefined || node === '') return [];
  return Array.isArray(node) ? node : [node];
}

/** A child element of a parsed object, if `node` is one. */
export function child(node: Node | Node[] | undefined, key: string): Node | Node[] | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  return node[key];
}

/** The text of an element (its '#text' when it has attributes). */
export function text(node: Node | Node[] | undefined): string | undefined {
  if (node === undefined || Array.isArray(node)) return undefined;
  if (typeof node === 'string') return node;
  const inner = node['#text'];
  return typeof inner === 'string' ? inner : undefined;
}

/** The `xsi:type` of a polymorphic element. */
export function xsiType(node: Node | Node[] | undefined): string | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  // Servers spell the schema-instance prefix differently (xsi, XMLSchema-instance).
  const key = Object.keys(node).find((k) => /^@_[\w-]+:type$/.test(k));
  const type = key ? node[key] : undefined;
  return typeof type === 'string' ? type.replace(/^\w+:/, '') : undefined;
}

/** A reference element (`<x type="T">id</x>`) read back. */
export function asMoref(node: Node | Node[] | undefined): Moref | undefined {
  const value = text(node);
  const type = node && typeof node === 'object' && !Array.isArray(node) ? node['@_type'] : undefined;
  return value && typeof type === 'string' ? { type, value } : undefined;
}
