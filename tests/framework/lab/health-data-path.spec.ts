import { expect } from '@playwright/test';
import { Faults } from '../../../lib/sdn/ovn/faults';
import { checkTargetHealth, describeHealth, waitForHealth } from '../../../lib/sdn/ovn/health';
import { TargetHosts } from '../../../lib/target/hosts';
import { netvet } from '../support/cli';
import { test } from '../support/lab';

/**
 * The target health check sees the data network: on a lab of its own, a chassis whose uplink is
 * taken down, and a chassis that an nftables table cuts off from the data network (its SSH and
 * control-plane connections untouched), are reported by name with what is wrong and the fix; the
 * other chassis are not blamed (`netvet lab status` says so too); once the fault is undone the
 * target is healthy again.
 */
test.describe.configure({ mode: 'serial' });

const HEALTHY_AGAIN_MS = 30_000;

/** `nft` in a lab host's namespace, from the runner: behind netvet's back. */

test('an intact lab is healthy: every uplink up, every tunnel endpoint reached from every chassis', async ({ lab }) => {
  const hosts = new TargetHosts(lab.target);
  try {
    const health = await waitForHealth(hosts, HEALTHY_AGAIN_MS);
    expect(health.healthy, describeHealth(health)).toBe(true);
    const chassis = lab.target.hosts.filter((h) => h.data).map((h) => h.name);
    expect(health.dataPath.map((c) => c.host).sort()).toEqual(chassis.sort());
    for (const c of health.dataPath) {
      expect(c.uplinks.every((u) => u.up), `${c.host} uplinks`).toBe(true);
      expect(c.unreachable, `${c.host} reaches every peer`).toEqual([]);
    }
  } finally {
    await hosts.close();
  }
});

test('a chassis whose data uplink is down is named, with the link and the fix; healthy again once it is up', async ({ lab }) => {
  const hosts = new TargetHosts(lab.target);
  const faults = new Faults(hosts);
  const uplink = hosts.get('ch2').data!.uplinks[0];
  try {
    await faults.linkDown('ch2', uplink);
    const health = await checkTargetHealth(hosts);
    const report = describeHealth(health);
    expect(health.healthy, report).toBe(false);
    expect(health.problems).toContainEqual(expect.stringMatching(new RegExp(`^chassis ch2 has no working data uplink: ${uplink} \\(admin down\\).*fix: ip link set dev ${uplink} up on ch2$`)));
    expect(health.problems).toContainEqual(expect.stringMatching(/^chassis ch2 is cut off from the data network: none of ch1, ch3, gw1 reaches its tunnel endpoint/));
    // Only ch2 is to blame: no problem names another chassis.
    expect(health.problems.filter((p) => /^chassis (ch1|ch3|gw1) /.test(p)), report).toEqual([]);
    expect(report).toMatch(new RegExp(`ch2=${uplink}:admin down \\(reaches no ch1, ch3, gw1\\)`));
    const status = await netvet(['lab', 'status', '--name', lab.name]);
    expect(status.code, status.stdout).toBe(1);
    expect(status.stdout).toMatch(new RegExp(`UNHEALTHY[\\s\\S]*! chassis ch2 has no working data uplink: ${uplink} \\(admin down\\)`));
    await faults.undoAll();
    const again = await waitForHealth(hosts, HEALTHY_AGAIN_MS);
    expect(again.healthy, describeHealth(again)).toBe(true);
    const healthy = await netvet(['lab', 'status', '--name', lab.name]);
    expect(healthy.code, healthy.stdout).toBe(0);
  } finally {
    await faults.undoAll();
    await hosts.close();
  }
});

test('a chassis cut off from the data network by nftables is named, with the fix; healthy again once the table is gone', async ({ lab }) => {
  const hosts = new TargetHosts(lab.target);
  const faults = new Faults(hosts);
  const peers = lab.target.hosts.filter((h) => h.data && h.name !== 'ch3').map((h) => h.data!.address);
  try {
    await faults.isolate('ch3', peers);
    const health = await checkTargetHealth(hosts);
    const report = describeHealth(health);
    expect(health.healthy, report).toBe(false);
    expect(health.problems).toContainEqual(expect.stringMatching(/^chassis ch3 is cut off from the data network: none of ch1, ch2, gw1 reaches its tunnel endpoint [\d.]+ and it reaches none of theirs; fix: .*nft list ruleset/));
    // Its uplink is up and its control plane is intact: the cut-off is the only thing wrong.
    expect(health.problems, report).toHaveLength(1);
    expect(health.dataPath.find((c) => c.host === 'ch3')!.uplinks.every((u) => u.up)).toBe(true);
  } finally {
    await faults.undoAll();
  }
  try {
    const again = await waitForHealth(hosts, HEALTHY_AGAIN_MS);
    expect(again.healthy, describeHealth(again)).toBe(true);
  } finally {
    await hosts.close();
  }
});
