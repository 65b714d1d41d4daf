import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { leftovers, labDirOf, labRange, netvet, startNetvet, uniqueLabName as unique } from '../support/cli';

test.describe.configure({ mode: 'serial' });

test('lab up, status healthy, idempotent up, down leaves nothing', async () => {
  const name = unique('lc');
  const up = await netvet(['lab', 'up', '--name', name]);
  expect(up.code, up.stderr).toBe(0);
  expect(up.stdout).toContain('control plane');
  const range = labRange(name);
  try {
    const status = await netvet(['lab', 'status', '--name', name, '--json']);
    expect(status.code, status.stdout).toBe(0);
    const health = JSON.parse(status.stdout) as { running: boolean; health: { databases: Array<{ leader?: string }>; northd: Array<{ status: string }>; chassis: Array<{ registered: boolean }> } };
    expect(health.running).toBe(true);
    expect(health.health.databases.every((d) => d.leader)).toBe(true);
    expect(health.health.northd.map((n) => n.status).sort()).toEqual(['active', 'standby']);
    expect(health.health.chassis.filter((c) => c.registered)).toHaveLength(4);

    const again = await netvet(['lab', 'up', '--name', name]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already running');
  } finally {
    const down = await netvet(['lab', 'down', '--name', name]);
    expect(down.code, down.stderr).toBe(0);
  }
  expect(await leftovers(name, range)).toEqual([]);
});

test('a lab whose daemons died is reported unhealthy and rebuilt by lab up', async () => {
  const name = unique('rb');
  expect((await netvet(['lab', 'up', '--name', name])).code).toBe(0);
  const range = labRange(name);
  try {
    const pid = Number(readFileSync(`${labDirOf(name)}/ch1/ovn-controller.pid`, 'utf8'));
    process.kill(pid, 'SIGKILL');
    const status = await netvet(['lab', 'status', '--name', name]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain('ovn-controller on ch1 is not running');
    const up = await netvet(['lab', 'up', '--name', name]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('rebuilding');
    expect((await netvet(['lab', 'status', '--name', name])).code).toBe(0);
  } finally {
    await netvet(['lab', 'down', '--name', name]);
  }
  expect(await leftovers(name, range)).toEqual([]);
});

for (const stage of ['network', 'control plane', 'chassis']) {
  test(`SIGKILL during lab up (${stage}), then lab down, leaves nothing`, async () => {
    const name = unique('k' + stage[0] + stage[1]);
    const child = startNetvet(['lab', 'up', '--name', name]);
    let range = '';
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        // The stage line is printed when the stage is done: kill right at the start of the next one.
        if (out.includes(`✓ ${stage}`)) {
          range = labRange(name);
          process.kill(-child.pid!, 'SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`lab up ended before stage '${stage}':\n${out}`)));
    });
    const down = await netvet(['lab', 'down', '--name', name]);
    expect(down.code, down.stderr).toBe(0);
    expect(range).not.toBe('');
    expect(await leftovers(name, range)).toEqual([]);
  });
}

test('two named labs run side by side without clashing', async () => {
  const [a, b] = [unique('sa'), unique('sb')];
  const ups = await Promise.all([a, b].map((name) => netvet(['lab', 'up', '--name', name])));
  const ranges = [labRange(a), labRange(b)];
  try {
    ups.forEach((up) => expect(up.code, up.stdout + up.stderr).toBe(0));
    expect(ranges[0]).not.toBe(ranges[1]);
    for (const name of [a, b]) expect((await netvet(['lab', 'status', '--name', name])).code).toBe(0);
    // Taking one down leaves the other healthy.
    await netvet(['lab', 'down', '--name', a]);
    expect((await netvet(['lab', 'status', '--name', b])).code).toBe(0);
  } finally {
    await Promise.all([a, b].map((name) => netvet(['lab', 'down', '--name', name])));
  }
  expect(await leftovers(a, ranges[0])).toEqual([]);
  expect(await leftovers(b, ranges[1])).toEqual([]);
});
