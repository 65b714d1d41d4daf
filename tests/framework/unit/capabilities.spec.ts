import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { capabilityNames, capabilityProblem, withCapabilityTable } from '../../../lib/capabilities';
import { describeLab } from '../../../lib/lab/target-file';
import { planLab } from '../../../lib/lab/plan';
import { loadLabProfile } from '../../../lib/lab/profile';
import { ORCHESTRATORS } from '../../../lib/orchestrators/registry';
import { SDNS } from '../../../lib/sdn/registry';
import { capabilitiesOf } from '../../../lib/target/capabilities';
import { targetSchema } from '../../../lib/target/schema';
import { catalogProblems } from '../../../lib/tags';

/** Capabilities are one registered list: what the code offers and what scenarios ask for are both in it. */

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('README.md shows the capability table lib/capabilities.ts generates', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  expect(readme, 'run: npm run schemas').toBe(withCapabilityTable(readme));
  expect(readme).toContain('| `encap:<kind>` (geneve, vxlan, mplsoudp, mplsogre, gre) |');
});

test('a misspelt or unknown requirement is a catalog problem, with the name it likely meant', () => {
  const ok = [{ type: 'id', description: 'NV-L3-001' }];
  expect(catalogProblems('ok', ['@sanity'], [...ok, { type: 'requires', description: 'encap:vxlan' }, { type: 'requires', description: 'orchestrator:openstack' }])).toEqual([]);
  const problems = catalogProblems('bad', ['@sanity'], [...ok, { type: 'requires', description: 'encap:vxaln' }, { type: 'requires', description: 'teleport' }, { type: 'requires', description: 'orchestrator:kubernetes' }]);
  expect(problems.map((p) => p.problem)).toEqual([
    "capability 'encap:vxaln' is not registered (lib/capabilities.ts): did you mean 'encap:vxlan'?",
    expect.stringMatching(/^capability 'teleport' is not registered \(lib\/capabilities\.ts\): use one of: ssh:hosts dhcp .* orchestrator:<name>$/),
    expect.stringContaining("capability 'orchestrator:kubernetes' is not registered"),
  ]);
  expect(capabilityProblem('sdn:ovn')).toBeUndefined();
});

test('every capability a lab profile, an SDN or a driver offers is registered', async () => {
  const offered = new Set<string>();
  for (const profile of ['default', 'ha', 'routed', 'bond', 'openstack', 'openstack-nova', 'vxlan']) {
    const plan = planLab('unit', await loadLabProfile(join(root, `topologies/labs/${profile}.yaml`)), '10.250.0.0');
    const target = targetSchema.parse(describeLab(plan, new Map()));
    for (const sdn of SDNS) for (const driver of ORCHESTRATORS) for (const c of capabilitiesOf(target, sdn, driver)) offered.add(c);
    const everyEncap = { ...target, encapsulation: { current: target.encapsulation.current, supported: [...targetSchema.shape.encapsulation.shape.supported.element.options] } };
    for (const c of capabilitiesOf(everyEncap, SDNS[0], ORCHESTRATORS[0])) offered.add(c);
  }
  const unregistered = [...offered].filter((c) => capabilityProblem(c));
  expect(unregistered, 'add them to lib/capabilities.ts').toEqual([]);
  // The lab's own facts reach the set, so the check above saw them.
  expect([...offered]).toEqual(expect.arrayContaining(['ha:gateway', 'underlay:bond', 'underlay:routed', 'gui:horizon', 'encap:mplsogre', 'policy']));
});

test('every capability the scenarios require is registered', async () => {
  const files = (await readdir(join(root, 'tests'), { recursive: true })).filter((f) => f.endsWith('.spec.ts') && !f.startsWith('framework'));
  const required = new Set<string>();
  for (const file of files) {
    const text = await readFile(join(root, 'tests', file), 'utf8');
    for (const m of text.matchAll(/type: 'requires', description: '([^']+)'/g)) required.add(m[1]);
  }
  expect(required.size).toBeGreaterThan(10);
  expect([...required].filter((c) => !capabilityNames().includes(c))).toEqual([]);
});
