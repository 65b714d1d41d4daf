import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { vrfIds } from '../../../lib/sdn/bgpvpn/bagpipe';
import { run } from '../../../lib/util/exec';
import { labDirOf } from '../support/cli';
import { runScenarios, test, type FrameworkLab } from '../support/lab';

/**
 * The encapsulation and BGP VPN scenarios on a BGP VPN lab of their own: a control run shows them
 * pass (MPLSoUDP skipping, with its reason), then a PE is made to push another label than the one
 * it advertised, behind netvet's back, and the label scenarios must fail naming both labels.
 */
test.use({ labProfile: 'topologies/labs/bgpvpn.yaml' });
test.describe.configure({ mode: 'serial' });

const ENCAP_AND_VPN = ['--project=serial', 'tests/scenarios/encap', 'tests/scenarios/bgpvpn'];
const LABEL_SCENARIOS = ['tests/scenarios/encap/mplsogre.spec.ts', 'tests/scenarios/bgpvpn/labels-bgp-to-wire.spec.ts'];
const PES = ['ch1', 'ch2', 'ch3'];

/** OpenFlow on a PE's bagpipe bridge, straight in its namespace as an operator on the host would. */
const ofctl = (lab: FrameworkLab, host: string, ...args: string[]) =>
  run(['ovs-ofctl', '-O', 'OpenFlow15', ...args], { netns: `nv-${lab.name}-${host}`, env: { ...process.env, OVS_RUNDIR: `${labDirOf(lab.name)}/${host}` } });

/** Every PE is back to no VRF: the scenarios detached every port they attached. */
async function expectNoVrfLeft(lab: FrameworkLab): Promise<void> {
  const edges = lab.target.bgpvpn!.providerEdges;
  expect((await Promise.all(edges.map((pe) => vrfIds(pe.api)))).flat()).toEqual([]);
}

interface JsonReport {
  suites: Array<{ specs?: Array<{ title: string; tests: Array<{ annotations: Array<{ type: string; description?: string }> }> }>; suites?: JsonReport['suites'] }>;
}

test('control: MPLSoGRE and the BGP VPN scenarios pass on a bgpvpn lab; MPLSoUDP, Geneve and VXLAN skip with their reason', async ({ lab }) => {
  const json = join(tmpdir(), `netvet-bgpvpn-${process.pid}.json`);
  try {
    const result = await runScenarios(ENCAP_AND_VPN, lab.targetFile, { PLAYWRIGHT_JSON_OUTPUT_FILE: json }, 'scenarios', 'line,json').done;
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/4 passed/);
    expect(result.output).toMatch(/3 skipped/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    const specs = (suites: JsonReport['suites']): NonNullable<JsonReport['suites'][number]['specs']> => suites.flatMap((s) => [...(s.specs ?? []), ...specs(s.suites ?? [])]);
    const mplsoudp = specs(report.suites).find((s) => s.title.startsWith('MPLSoUDP'))!;
    expect(mplsoudp.tests[0].annotations).toContainEqual(expect.objectContaining({ type: 'skip', description: `target '${lab.target.name}' lacks encap:mplsoudp` }));
  } finally {
    rmSync(json, { force: true });
  }
  await expectNoVrfLeft(lab);
});

test("the label scenarios fail, naming both labels, when a PE pushes another label than the one it advertised", async ({ lab }) => {
  const { done } = runScenarios(['--project=serial', ...LABEL_SCENARIOS], lab.targetFile);
  let finished = false;
  const result = done.finally(() => (finished = true));
  // Each group bagpipe programs pushes the label the remote PE advertised: add 1000 to it, on every PE, as groups appear.
  const changed = new Set<string>();
  while (!finished) {
    for (const pe of PES) {
      const groups = (await ofctl(lab, pe, 'dump-groups', 'br-mpls')).stdout.split('\n').filter((g) => /set_field:\d+->mpls_label/.test(g));
      for (const group of groups) {
        const label = Number(/set_field:(\d+)->mpls_label/.exec(group)![1]);
        if (label >= 1000) continue;
        const moved = group.trim().replace(/set_field:\d+->mpls_label/, `set_field:${label + 1000}->mpls_label`);
        await ofctl(lab, pe, 'mod-group', 'br-mpls', moved);
        changed.add(`${pe}:${label}`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { code, output } = await result;
  expect(changed.size).toBeGreaterThan(0);
  expect(code).not.toBe(0);
  expect(output).toMatch(/2 failed/);
  // The wire carries the changed label where the receiving PE advertised the other.
  expect(output).toMatch(/vm1 -> vm2 \([\d. >-]+\): \d+ packets? in mplsogre label (1\d{3}) between ch\d \([\d.]+\) -> ch\d \([\d.]+\), expected mplsogre label \d+/);
  await expectNoVrfLeft(lab);
});
