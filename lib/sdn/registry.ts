import { NetvetError } from '../util/errors';
import { bgpvpn } from './bgpvpn';
import { ovn } from './ovn';
import type { SdnKind } from './types';

/** Every SDN netvet knows: one folder and one line here each. The target schema's `sdn` values come from this list. */
export const SDNS: readonly SdnKind[] = [ovn, bgpvpn];

export const SDN_NAMES = SDNS.map((k) => k.name) as [string, ...string[]];

export function sdnKind(name: string): SdnKind {
  const kind = SDNS.find((k) => k.name === name);
  if (!kind) throw new NetvetError(`netvet knows no SDN '${name}'`, `use one of: ${SDN_NAMES.join(', ')}`);
  return kind;
}
