import { run } from '../../util/exec';
import type { TraceHit } from './trace';
import { ACL_STAGE, hintedStage, type Hints } from './trace-words';

/** What the lookups read of the northbound DB: rows of a table as the asked columns, as text (the explainer reads each table once per explanation). */
export interface NorthboundRows {
  list(table: string, columns: string[]): Promise<Array<Record<string, string>>>;
}

/**
 * An ACL in the words of whoever wrote it (a cloud's security group rule, say): the ACL row
 * (`_uuid`, `direction`, `priority`, `match`, `action`, `external_ids` as `k=v` words) and the name
 * of its port group; undefined leaves OVN's own words.
 */
export type AclWords = (acl: Record<string, string>, portGroup: string | undefined) => string | undefined;

/** Rows of a southbound table as the asked columns: plain values as text, maps as objects. */
async function sbRows(db: string, args: string[]): Promise<Array<Record<string, string | Record<string, string>>>> {
  const { stdout } = await run(['ovn-sbctl', `--db=${db}`, '--timeout=20', '--format=json', '--data=json', ...args], { timeoutMs: 25_000 });
  const parsed = JSON.parse(stdout) as { headings: string[]; data: unknown[][] };
  const value = (v: unknown): string | Record<string, string> => {
    if (!Array.isArray(v)) return String(v);
    if (v[0] === 'map') return Object.fromEntries((v[1] as Array<[string, string]>).map(([k, x]) => [k, String(x)]));
    if (v[0] === 'set') return (v[1] as unknown[]).map((x) => String(Array.isArray(x) ? x[1] : x)).join(' ');
    return String(v[1]);
  };
  return parsed.data.map((row) => Object.fromEntries(parsed.headings.map((h, i) => [h, value(row[i])])));
}

/** The MAC the southbound DB learned for `ip` on a logical port (a router's ARP), if any. */
export async function learnedMac(db: string, logicalPort: string, ip: string): Promise<string | undefined> {
  const rows = await sbRows(db, ['--columns=logical_port,ip,mac', 'list', 'MAC_Binding']);
  return rows.find((r) => r.logical_port === logicalPort && r.ip === ip)?.mac as string | undefined;
}

/** NB rows in words, for the hint of a logical flow of this stage. */
async function nbWords(nb: NorthboundRows, stage: string, aclWords?: AclWords): Promise<Map<string, string>> {
  const words = new Map<string, string>();
  if (ACL_STAGE.test(stage)) {
    const [acls, groups] = await Promise.all([nb.list('ACL', ['_uuid', 'direction', 'priority', 'match', 'action', 'external_ids']), nb.list('Port_Group', ['name', 'acls'])]);
    for (const acl of acls) {
      const group = groups.find((g) => g.acls.split(' ').includes(acl._uuid));
      words.set(acl._uuid, aclWords?.(acl, group?.name) ?? `ACL "${acl.match}" (${acl.direction}, priority ${acl.priority}, ${acl.action})${group ? ` of port group ${group.name}` : ''}`);
    }
  } else if (stage === 'lr_in_dnat' || stage === 'lr_out_snat') {
    for (const nat of await nb.list('NAT', ['_uuid', 'type', 'external_ip', 'logical_ip'])) {
      const arrow = nat.type === 'snat' ? `${nat.logical_ip} -> ${nat.external_ip}` : nat.type === 'dnat' ? `${nat.external_ip} -> ${nat.logical_ip}` : `${nat.external_ip} <-> ${nat.logical_ip}`;
      words.set(nat._uuid, `NAT rule ${nat.type} ${arrow}`);
    }
  } else if (stage === 'lr_in_ip_routing') {
    const [routes, ports] = await Promise.all([nb.list('Logical_Router_Static_Route', ['_uuid', 'ip_prefix', 'nexthop']), nb.list('Logical_Router_Port', ['_uuid', 'networks'])]);
    for (const r of routes) words.set(r._uuid, `static route ${r.ip_prefix} via ${r.nexthop}`);
    for (const p of ports) words.set(p._uuid, `connected network ${p.networks}`);
  } else if (stage === 'lr_in_policy') {
    for (const p of await nb.list('Logical_Router_Policy', ['_uuid', 'priority', 'match', 'action'])) words.set(p._uuid, `router policy "${p.match}" (priority ${p.priority}, ${p.action})`);
  }
  return words;
}

/**
 * Names the northbound rows behind the flows a trace matched: ovn-northd marks each logical flow
 * made from an ACL, NAT rule, route or policy with `stage-hint`, the first 8 hex digits of that row.
 */
export async function hintsFor(sb: string, nb: NorthboundRows, hits: TraceHit[], aclWords?: AclWords): Promise<Hints> {
  const stages = [...new Set(hits.filter((h) => h.uuid && hintedStage(h.stage)).map((h) => h.stage))];
  const hints = new Map<string, string>();
  await Promise.all(
    stages.map(async (stage) => {
      const [flows, words] = await Promise.all([sbRows(sb, ['--columns=_uuid,external_ids', 'find', 'Logical_Flow', `external_ids:stage-name=${stage}`]), nbWords(nb, stage, aclWords)]);
      for (const hit of hits.filter((h) => h.stage === stage && h.uuid)) {
        const ids = flows.find((f) => (f._uuid as string).startsWith(hit.uuid))?.external_ids as Record<string, string> | undefined;
        const hint = ids?.['stage-hint'];
        const row = hint ? [...words].find(([uuid]) => uuid.startsWith(hint)) : undefined;
        if (row) hints.set(hit.uuid, row[1]);
      }
    }),
  );
  return hints;
}

/** `ovn-sbctl lflow-list` of each datapath, cut to the stages that decided (with their table headers). */
export async function relevantFlows(sb: string, stages: Map<string, Set<string>>): Promise<string> {
  const parts = await Promise.all(
    [...stages].map(async ([datapath, names]) => {
      const { stdout } = await run(['ovn-sbctl', `--db=${sb}`, '--timeout=20', 'lflow-list', datapath], { timeoutMs: 25_000 });
      const kept = stdout.split('\n').filter((line) => line.startsWith('Datapath:') || [...names].some((s) => new RegExp(`\\(${s}\\s*\\)`).test(line)));
      // A pipeline header with no kept flow under it says nothing.
      return kept.filter((line, i) => !line.startsWith('Datapath:') || (kept[i + 1] !== undefined && !kept[i + 1].startsWith('Datapath:'))).join('\n');
    }),
  );
  return parts.filter(Boolean).join('\n\n');
}
