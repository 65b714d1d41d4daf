import { expect } from '@playwright/test';
import { run } from '../../../lib/util/exec';
import { runScenarios, setChassisEncap, test, whenAppears, type FrameworkLab } from '../support/lab';
import { expectNoRows } from '../support/northbound';

/**
 * The encapsulation and mirror scenarios must be able to fail. Each test runs one of them in a
 * child Playwright against a lab of its own, beside an unrelated scenario (L3) that must still
 * pass, breaks the feature behind netvet's back and checks the failure names what broke. A control
 * run first shows them pass on the intact lab; MPLS scenarios skip there (the lab has no MPLS).
 */
test.describe.configure({ mode: 'serial' });

const ENCAP = ['--project=serial', 'tests/scenarios/encap'];
const VXLAN = ['--project=serial', 'tests/scenarios/encap/vxlan.spec.ts'];
const MIRROR = 'tests/scenarios/mirror/port-to-collector.spec.ts';
const UNRELATED = 'tests/scenarios/l3/router-between-networks.spec.ts';

const sbctl = async (lab: FrameworkLab, ...args: string[]) => (await run(['ovn-sbctl', `--db=${lab.target.ovn!.southbound}`, ...args])).stdout;
const announced = async (lab: FrameworkLab, chassis: string) => (await sbctl(lab, '--bare', '--columns=type', 'find', 'encap', `chassis_name=${chassis}`)).trim();

async function expectNothingLeft(lab: FrameworkLab): Promise<void> {
  await expectNoRows(lab, 'Logical_Switch', 'Mirror');
  // Each chassis is back on the lab's own encapsulation.
  const chassis = lab.target.hosts.filter((h) => h.data).map((h) => h.name);
  expect(await Promise.all(chassis.map((c) => announced(lab, c)))).toEqual(chassis.map(() => lab.target.encapsulation.current));
}

test('control: encapsulation and mirror scenarios pass on an intact lab', async ({ lab }) => {
  const result = await runScenarios([...ENCAP, MIRROR], lab.targetFile).done;
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/3 passed/);
  expect(result.output).toMatch(/2 skipped/);
  await expectNothingLeft(lab);
});

test('VXLAN scenario fails, naming both kinds, when a chassis is put back on Geneve behind netvet\'s back', async ({ lab }) => {
  const { done } = runScenarios([...VXLAN, UNRELATED], lab.targetFile);
  // The scenario switches first, then builds: once it builds, put ch2 back to Geneve under its feet.
  await whenAppears(async () => ((await announced(lab, 'ch2')) === 'vxlan' && (await lab.nbctl('--bare', '--columns=name', 'list', 'Logical_Switch')).trim() ? true : undefined));
  await setChassisEncap(lab, 'ch2', 'geneve');
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/1 failed/);
  expect(result.output).toMatch(/1 passed/);
  expect(result.output).toMatch(/ch2 is set to geneve \(external_ids:ovn-encap-type\), not the vxlan netvet set/);
  // ch1 has no tunnel type in common with ch2 any more: nothing of vm1 -> vm2 in VXLAN on the wire.
  expect(result.output).toMatch(/vm1 -> vm2 \([\d. >-]+\): 0 packets in vxlan VNI \d+, expected at least 3/);
  await expectNothingLeft(lab);
});

test('mirror scenario fails when the mirror is detached from the port in the northbound DB', async ({ lab }) => {
  const { done } = runScenarios([MIRROR, UNRELATED], lab.targetFile);
  const [port, mirror] = await whenAppears(async () => {
    const attached = (await lab.nbctl('--format=csv', '--no-headings', '--data=bare', '--columns=name,mirror_rules', 'find', 'Logical_Switch_Port', 'mirror_rules!=[]')).trim();
    if (!attached) return undefined;
    const [name, rule] = attached.split(',');
    return [name, (await lab.nbctl('--bare', '--columns=name', 'list', 'Mirror', rule)).trim()];
  });
  await lab.nbctl('lsp-detach-mirror', port, mirror);
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/1 failed/);
  expect(result.output).toMatch(/1 passed/);
  expect(result.output).toMatch(/vm1 -> vm2, mirrored \([\d. >-]+\): 0 packets in gre key 7, expected at least 6/);
  await expectNothingLeft(lab);
});
