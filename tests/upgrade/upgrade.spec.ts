import { checkTargetHealth, describeHealth } from '../../lib/sdn/ovn/health';
import { chassisHosts, clusterHosts } from '../../lib/sdn/ovn/control-plane';
import { summarize } from '../../lib/traffic/monitor-expect';
import { upgradePost, upgradePre, upgradeRun } from '../../lib/upgrade/phases';
import { defaultStateFile, readState } from '../../lib/upgrade/state';
import { expect, test } from '../../fixtures';
import { daemonPids, expectedSteps, installedSchemaVersion, restartedDaemons } from './rolling-restart-expectations';

/**
 * The upgrade tier, its three phases in order against one target (the `upgrade` project runs them
 * alone, one worker): what `netvet upgrade pre`, `run` and `post` do from the command line. A
 * failed phase does not skip the next, so `post` always cleans up.
 */
const lines: string[] = [];
const log = (line: string) => lines.push(line);

test.afterEach(async ({}, testInfo) => {
  await testInfo.attach('log', { body: lines.splice(0).join('\n') || 'nothing logged', contentType: 'text/plain' });
});

test(
  'upgrade pre: healthy target, long-lived workloads working, background traffic started',
  { tag: ['@upgrade'], annotation: [{ type: 'id', description: 'NV-UPG-001' }] },
  async ({ targetFile }) => {
    const state = await upgradePre({ targetFile, log });
    expect(state.monitors.length).toBeGreaterThan(0);
  },
);

test(
  "upgrade run: the target's upgrade procedure, healthy before and after",
  { tag: ['@upgrade'], annotation: [{ type: 'id', description: 'NV-UPG-002' }] },
  async ({ targetFile, target, hosts }, testInfo) => {
    const rolling = !target.upgrade;
    const daemons = restartedDaemons(hosts);
    const before = await daemonPids(daemons);
    expect(daemons.filter((d) => !before[d.label]).map((d) => d.label), 'daemons not running before the upgrade').toEqual([]);
    const { upgrade } = await upgradeRun({ targetFile, log });
    const seconds = (Date.parse(upgrade!.finishedAt) - Date.parse(upgrade!.startedAt)) / 1000;
    testInfo.annotations.push({ type: 'measured', description: `${upgrade!.procedure}: ${upgrade!.steps.length} steps in ${seconds.toFixed(1)} s` });
    await testInfo.attach('upgrade steps', { body: upgrade!.steps.map((s) => `${s.step}: ${s.ms} ms${s.detail ? ` (${s.detail})` : ''}`).join('\n'), contentType: 'text/plain' });

    await test.step('the run is recorded for `upgrade post`, as it reported it', () => {
      expect(readState(defaultStateFile(target)).upgrade).toEqual(upgrade);
      expect(upgrade!.procedure).toBe(rolling ? 'rolling restart' : 'command');
      expect(seconds).toBeGreaterThan(0);
    });
    await test.step('the target is healthy after the run', async () => {
      const health = await checkTargetHealth(hosts);
      expect(health.healthy, describeHealth(health)).toBe(true);
    });
    // A target's own upgrade command decides what it restarts: only the rolling restart is checked step by step.
    if (!rolling) {
      expect(upgrade!.steps).toHaveLength(1);
      return;
    }
    await test.step('every chassis, database member and ovn-northd was a step of its own, in order', () => {
      expect(upgrade!.steps.map((s) => s.step).sort()).toEqual(expectedSteps(hosts).sort());
      const order = upgrade!.steps.map((s) => s.step.split(' ')[0]);
      expect(order.lastIndexOf('chassis'), 'chassis before the databases').toBeLessThan(order.indexOf('OVN_Southbound'));
      expect(order.lastIndexOf('OVN_Southbound'), 'southbound before northbound').toBeLessThan(order.indexOf('OVN_Northbound'));
      expect(order.lastIndexOf('OVN_Northbound'), 'databases before ovn-northd').toBeLessThan(order.indexOf('ovn-northd'));
    });
    await test.step('every daemon it restarted runs again under a new PID', async () => {
      const after = await daemonPids(daemons);
      const notRestarted = daemons.map((d) => d.label).filter((label) => !after[label] || after[label] === before[label]);
      expect(notRestarted, `before: ${JSON.stringify(before)}\nafter: ${JSON.stringify(after)}`).toEqual([]);
    });
    await test.step('every database is at the schema version installed on its host', async () => {
      const detail = (step: string) => upgrade!.steps.find((s) => s.step === step)?.detail ?? '';
      const checks = [
        ...chassisHosts(target).map((h) => ({ step: `chassis ${h}`, host: h, file: '/usr/share/openvswitch/vswitch.ovsschema' })),
        { step: 'OVN_Southbound converted', host: clusterHosts(target, 'southbound')[0], file: '/usr/share/ovn/ovn-sb.ovsschema' },
        { step: 'OVN_Northbound converted', host: clusterHosts(target, 'northbound')[0], file: '/usr/share/ovn/ovn-nb.ovsschema' },
      ];
      for (const { step, host, file } of checks) {
        const installed = await installedSchemaVersion(hosts, host, file);
        expect(detail(step), step).toMatch(new RegExp(`-> ${installed.replace(/\./g, '\\.')} \\(`));
      }
    });
  },
);

test(
  'upgrade post: the same workloads still work, traffic flows again; loss during the upgrade reported',
  { tag: ['@upgrade'], annotation: [{ type: 'id', description: 'NV-UPG-003' }] },
  async ({ targetFile }, testInfo) => {
    const result = await upgradePost({ targetFile, log });
    for (const report of result.traffic) testInfo.annotations.push({ type: 'measured', description: summarize(report) });
    await testInfo.attach('checks', { body: result.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n'), contentType: 'text/plain' });
    expect(result.problems, result.problems.join('\n')).toEqual([]);
    expect(result.checks.length).toBeGreaterThan(0);
  },
);
