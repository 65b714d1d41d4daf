import { test } from '@playwright/test';
import { LocalShell, type Shell } from '../../../lib/access';
import { denyOnlyDestinations } from '../../../lib/traffic/liveness';
import { expectedVerdict, runMatrix, type Endpoint, type MatrixSpec } from '../../../lib/traffic/matrix';
import { startResponder } from '../../../lib/traffic/responder';
import { expect } from '../../../fixtures';

/**
 * A destination that only deny cells go to must prove its responder alive in the same run: a real
 * responder on this machine plays `mute`, and a source whose every probe is dropped plays a
 * network that isolates it. With the responder stopped, every deny cell still looks right, and
 * only the liveness proof makes the matrix fail.
 */
const dropsEverything: Shell = {
  name: 'drops-everything',
  exec: (argv) => Promise.resolve(argv[0] === 'ping' ? { code: 1, stdout: '', stderr: '' } : { code: 0, stdout: JSON.stringify({ ok: false, error: 'timeout' }), stderr: '' }),
};

async function isolatedMute(): Promise<{ spec: MatrixSpec; endpoint: (name: string) => Endpoint; stop: () => Promise<void> }> {
  const responder = await startResponder(new LocalShell(), 'mute');
  const spec: MatrixSpec = { from: ['client'], to: ['mute'], flows: [`tcp/${responder.port}`], expect: [], otherwise: 'deny' };
  const endpoints: Record<string, Endpoint> = {
    client: { name: 'client', address: '192.0.2.1', shell: dropsEverything },
    mute: { name: 'mute', address: '127.0.0.1', shell: new LocalShell(), answersAs: 'mute' },
  };
  return { spec, endpoint: (name) => endpoints[name], stop: responder.stop };
}

test('deny-only destinations: every destination and flow no cell may reach, and no others', () => {
  const spec: MatrixSpec = {
    from: ['a', 'b', 'c'], to: ['a', 'b', 'c'], flows: ['icmp', 'tcp/5000'],
    expect: [{ from: 'a', to: 'b', verdict: 'allow' }, { to: 'c', flow: 'icmp', verdict: 'allow' }], otherwise: 'deny',
  };
  expect(denyOnlyDestinations(spec, (f, t, flow) => expectedVerdict(spec, f, t, flow))).toEqual([
    { to: 'a', flow: 'icmp' }, { to: 'a', flow: 'tcp/5000' }, { to: 'c', flow: 'tcp/5000' },
  ]);
});

test('a live responder behind deny cells is proven alive and the matrix holds', async () => {
  const { spec, endpoint, stop } = await isolatedMute();
  try {
    const matrix = await runMatrix(spec, endpoint);
    expect(matrix.liveness.map((p) => [p.to, p.status])).toEqual([['mute', 'alive']]);
    expect(matrix.report).toMatch(/alive mute tcp\/\d+: answered itself on 127\.0\.0\.1 as mute/);
    expect(matrix).toBeAsExpected();
  } finally {
    await stop();
  }
});

test('a dead responder behind deny cells fails the matrix, although every cell is as expected', async () => {
  const { spec, endpoint, stop } = await isolatedMute();
  await stop();
  const matrix = await runMatrix(spec, endpoint);
  expect(matrix.wrong).toEqual([]);
  expect(matrix.dead.map((p) => [p.to, p.flow])).toEqual([['mute', spec.flows[0]]]);
  expect(matrix.report).toContain(`DEAD  mute ${spec.flows[0]}: does not answer itself on 127.0.0.1`);
  expect(matrix).not.toBeAsExpected();
});

test('an unbound floating IP has nothing behind it to prove, and does not fail the matrix', async () => {
  const spec: MatrixSpec = { from: ['client'], to: ['fip'], flows: ['tcp/5000'], expect: [], otherwise: 'deny' };
  const endpoints: Record<string, Endpoint> = { client: { name: 'client', address: '192.0.2.1', shell: dropsEverything }, fip: { name: 'fip', address: '192.0.2.9' } };
  const matrix = await runMatrix(spec, (name) => endpoints[name]);
  expect(matrix.liveness.map((p) => p.status)).toEqual(['nothing-behind']);
  expect(matrix).toBeAsExpected();
});
