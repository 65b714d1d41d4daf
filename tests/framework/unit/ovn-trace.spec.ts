import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { parseTrace } from '../../../lib/sdn/ovn/trace';
import { describeTrace } from '../../../lib/sdn/ovn/trace-words';

/**
 * The ovn-trace parser and its words, on real traces captured from the lab (OVN 23.03) with
 * tests/framework/fixtures/ovn-trace/capture.ts: each NAME.txt is ovn-trace's output and
 * NAME.hints.json the northbound rows behind the flows it matched, as the explainer looked them up.
 */
const dir = new URL('../fixtures/ovn-trace/', import.meta.url).pathname;
const load = (name: string) => {
  const trace = parseTrace(readFileSync(`${dir}${name}.txt`, 'utf8'));
  const hints = new Map(Object.entries(JSON.parse(readFileSync(`${dir}${name}.hints.json`, 'utf8')) as Record<string, string>));
  return { trace, hints, words: describeTrace(trace, hints) };
};

test('a to-lport drop ACL: the hit, the outcome, and the ACL named with direction and priority', () => {
  const { trace, hints, words } = load('acl-drop');
  expect(trace.microflow).toMatch(/^tcp,reg14=0x3,.*nw_src=10\.3\.0\.4,nw_dst=10\.3\.0\.3,.*tp_dst=22,tcp_flags=syn$/);
  const drop = trace.hits.at(-1)!;
  expect(drop).toMatchObject({ datapath: 'nvm2038-net1', pipeline: 'egress', inport: 'nvm2038-outsider-0', outport: 'nvm2038-server-0', table: 4, stage: 'ls_out_acl', priority: 2001, uuid: 'ea545ead', actions: ['drop;'] });
  expect(drop.match).toBe('reg0[9] == 1 && (outport == @nvm2038_drop_ && ip)');
  expect(trace.outcomes).toEqual([{ kind: 'dropped', hit: drop, reason: 'drop' }]);
  expect(words.outcome).toBe('dropped by ACL "outport == @nvm2038_drop_ && ip" (to-lport, priority 1001, drop) of port group nvm2038_drop_ on switch nvm2038-net1');
  expect(words.passes).toBe(false);
  expect(words.decisions).toEqual([{ kind: 'acl', text: 'allowed by ACL "inport == @nvm2038_other && ip4" (from-lport, priority 1002, allow-related) of port group nvm2038_other on switch nvm2038-net1' }]);
  expect([...words.stages]).toEqual([['nvm2038-net1', new Set(['ls_in_acl', 'ls_out_acl'])]]);
  // Without the northbound row, the logical flow itself is named.
  hints.clear();
  expect(describeTrace(trace, hints).outcome).toBe('dropped by the default ls_out_acl flow "reg0[9] == 1 && (outport == @nvm2038_drop_ && ip)" (priority 2001) on switch nvm2038-net1');
});

test('allowed by two ACLs and delivered to the workload port; the reply comes back on the established connection', () => {
  const { trace, hints, words } = load('acl-allow');
  expect(describeTrace(trace, hints, { port: (p) => `server (${p})` }).outcome).toBe('delivered to server (nvm2038-server-0)');
  expect(words).toMatchObject({ passes: true, delivered: ['nvm2038-server-0'] });
  expect(words.decisions.map((d) => d.kind)).toEqual(['acl', 'acl']);
  expect(words.decisions[1].text).toContain('ACL "outport == @nvm2038_web && ip4 && ip4.src == $nvm2038_web_ip4 && icmp4" (to-lport, priority 1002, allow-related)');
  const reply = load('acl-allow-reply').words;
  expect(reply).toMatchObject({ outcome: 'delivered to nvm2038-client-0', passes: true, decisions: [] });
  expect(reply.stages.size).toBe(0);
});

test('floating IP: in from the localnet port, DNAT on the router, routed and delivered; the reply is SNATed back out', () => {
  const { trace, words } = load('fip-dnat');
  expect([...new Set(trace.hits.map((h) => `${h.datapath}/${h.pipeline}`))]).toEqual(['nvm016b-ext-r1/ingress', 'nvm016b-ext-r1/egress', 'nvm016b-r1/ingress', 'nvm016b-r1/egress', 'nvm016b-net1/ingress', 'nvm016b-net1/egress']);
  // Addresses follow the NAT: before the DNAT the floating IP, after it the workload's.
  expect(trace.hits.find((h) => h.stage === 'lr_in_dnat')!.ip4.dst).toBe('10.240.2.100');
  expect(trace.hits.find((h) => h.stage === 'lr_in_ip_routing')!.ip4.dst).toBe('10.4.0.2');
  expect(words.steps).toEqual([
    'DNAT 10.240.2.100 to 10.4.0.2 by NAT rule dnat_and_snat 10.240.2.100 <-> 10.4.0.2 on router nvm016b-r1',
    'router nvm016b-r1 routes 10.4.0.2 out nvm016b-r1-net1 by connected network 10.4.0.1/24',
    'delivered to nvm016b-vm1-0',
  ]);
  expect([...words.stages]).toEqual([['nvm016b-r1', new Set(['lr_in_dnat', 'lr_in_ip_routing'])]]);
  const reply = load('fip-dnat-reply').words;
  expect(reply).toMatchObject({ outcome: 'leaves switch nvm016b-ext-r1 through localnet port nvm016b-ext-r1-ln with source 10.240.2.100', passes: true, delivered: [] });
  expect(reply.steps).toContain('SNAT 10.4.0.2 to 10.240.2.100 by NAT rule dnat_and_snat 10.240.2.100 <-> 10.4.0.2 on router nvm016b-r1');
});

test('SNAT router: the source is rewritten to the gateway address and the packet leaves through the localnet port', () => {
  const { trace, words } = load('snat');
  expect(trace.outcomes).toMatchObject([{ kind: 'output', port: 'nvm016b-ext-r1-ln', type: 'localnet' }]);
  expect(words.outcome).toBe('leaves switch nvm016b-ext-r1 through localnet port nvm016b-ext-r1-ln with source 10.240.2.10');
  expect(words.decisions).toEqual([
    { kind: 'route', text: 'router nvm016b-r1 routes 10.240.2.1 out nvm016b-r1-gw by connected network 10.240.2.10/24' },
    { kind: 'nat', text: 'SNAT 10.4.0.3 to 10.240.2.10 by NAT rule snat 10.4.0.0/24 -> 10.240.2.10 on router nvm016b-r1' },
  ]);
});

test('no MAC binding for the next hop: an ARP request, and the ARP packet is not mistaken for the traced one', () => {
  const { trace, words } = load('arp');
  expect(trace.outcomes).toHaveLength(1);
  expect(trace.outcomes[0]).toMatchObject({ kind: 'arp', nexthop: '10.240.2.77', hit: { stage: 'lr_in_arp_request', datapath: 'nvm016b-r1' } });
  expect(words.outcome).toBe('router nvm016b-r1 has no MAC binding for 10.240.2.77: it sends an ARP request and holds the packet');
  expect(words.passes).toBe(false);
  expect(words.stages.get('nvm016b-r1')).toEqual(new Set(['lr_in_ip_routing', 'lr_in_arp_request', 'lr_in_arp_resolve']));
});

test('drops named by their stage: no route, port security, unknown destination MAC', () => {
  expect(load('no-route').words.outcome).toBe('no route to 10.2.3.2 on router nvm0fcc-r1');
  expect(load('no-route').trace.outcomes[0]).toMatchObject({ kind: 'dropped', reason: 'drop', hit: { stage: 'lr_in_ip_routing', priority: 0, match: '1' } });
  expect(load('port-security').words.outcome).toBe("dropped by port security of nvm2038-client-0 on switch nvm2038-net1: its source is not among the port's addresses");
  expect(load('unknown-mac').words.outcome).toBe('dropped on switch nvm2038-net1: no port has the destination MAC');
});

test('a broadcast flood: indented multicast branches, a hairpin skip, and the router that drops it', () => {
  const { trace, words } = load('broadcast');
  expect(trace.outcomes.map((o) => o.kind).sort()).toEqual(['dropped', 'hairpin']);
  expect(trace.hits.find((h) => h.stage === 'lr_in_ip_input')).toMatchObject({ datapath: 'nvm0fcc-r1', pipeline: 'ingress', inport: 'nvm0fcc-r1-net1', priority: 50, match: 'eth.bcast' });
  expect(words.outcome).toBe('dropped in lr_in_ip_input by "eth.bcast" (priority 50) on router nvm0fcc-r1');
  expect(words.steps).toContain('not sent back out nvm0fcc-vm1-0, the port it came in on, on switch nvm0fcc-net1');
});

test('a table where no flow matches is an implicit drop (the format of OVN\'s own tutorial)', () => {
  const trace = parseTrace('# reg14=0x1,vlan_tci=0x0000,dl_src=00:00:00:00:00:ff,dl_dst=00:00:00:00:00:02,dl_type=0x0000\n\ningress(dp="sw0", inport="sw0-port1")\n-------------------------------------\n 0. ls_in_port_sec_l2: no match (implicit drop)\n');
  expect(trace.outcomes).toMatchObject([{ kind: 'dropped', reason: 'no-match', hit: { datapath: 'sw0', stage: 'ls_in_port_sec_l2', priority: -1 } }]);
  expect(describeTrace(trace, new Map()).outcome).toBe("dropped by port security of sw0-port1 on switch sw0: its source is not among the port's addresses");
});
