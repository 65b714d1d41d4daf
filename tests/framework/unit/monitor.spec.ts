import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalShell } from '../../../lib/access';
import { TrafficMonitor } from '../../../lib/traffic/monitor';
import { noLoss, outageBelow, summarize, violations } from '../../../lib/traffic/monitor-expect';

/**
 * The traffic monitor agent on loopback, with outages made on purpose: a reflector frozen for a
 * second, a TCP peer that resets the stream or stops echoing. The pauses below are the faults'
 * lengths (what the monitor must measure), not waits for something to happen.
 */
const local = new LocalShell();

async function echoServer(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

test('UDP: a reflector frozen for a second is one outage of about a second, nothing lost, and noLoss still holds', async () => {
  const monitor = await TrafficMonitor.start(local, { label: 'lo udp', kind: 'udp', address: '127.0.0.1' }, local);
  const reflector = Number(readFileSync(`${monitor.placement.reflectorDir}/pid`, 'utf8'));
  await sleep(300);
  process.kill(reflector, 'SIGSTOP');
  await sleep(1000);
  process.kill(reflector, 'SIGCONT');
  await sleep(300);
  const report = await monitor.stop();
  expect(report.lost, summarize(report)).toBe(0);
  // Scheduling jitter on a busy machine may add short silences; the frozen second is the one long one.
  expect(report.outages.filter((o) => o.ms > 850), summarize(report)).toHaveLength(1);
  expect(report.longestOutageMs).toBeLessThan(2500);
  expect(report.recovered).toBe(true);
  expect(violations(report, noLoss)).toEqual([]);
  expect(violations(report, outageBelow(500))).toEqual([`outage of ${report.longestOutageMs} ms (must stay below 500 ms)`]);
});

test('ICMP to loopback: every probe answered once and in order', async () => {
  const monitor = await TrafficMonitor.start(local, { label: 'lo icmp', kind: 'icmp', address: '127.0.0.1', intervalMs: 5 });
  await sleep(500);
  const report = await monitor.stop();
  expect(report.sent).toBeGreaterThan(50);
  expect(report).toMatchObject({ lost: 0, duplicated: 0, reordered: 0, recovered: true });
  expect(summarize(report)).toMatch(/^lo icmp every 5 ms: \d+ sent, 0 lost, longest outage \d+ ms, 0 reordered, 0 duplicated$/);
});

test('TCP: a stream the far end resets counts as broken and reconnects; noLoss says so', async () => {
  const connections: Socket[] = [];
  const { server, port } = await echoServer((socket) => {
    connections.push(socket);
    socket.pipe(socket);
  });
  try {
    const monitor = await TrafficMonitor.start(local, { label: 'lo tcp', kind: 'tcp', address: '127.0.0.1', port, intervalMs: 20 });
    await sleep(300);
    connections[0].resetAndDestroy();
    await sleep(500);
    const report = await monitor.stop();
    expect(report.reconnects, summarize(report)).toBe(1);
    expect(report.recovered).toBe(true);
    expect(violations(report, noLoss)).toContain('the TCP stream broke 1 time(s)');
  } finally {
    server.close();
  }
});

test('TCP: a peer that stops answering loses every later probe and does not recover', async () => {
  let echoing = true;
  const sockets: Socket[] = [];
  const { server, port } = await echoServer((socket) => {
    sockets.push(socket);
    socket.on('data', (data) => echoing && socket.write(data));
  });
  try {
    const monitor = await TrafficMonitor.start(local, { label: 'lo tcp', kind: 'tcp', address: '127.0.0.1', port, intervalMs: 20, replyTimeoutMs: 200 });
    await sleep(300);
    echoing = false;
    await sleep(1500);
    const report = await monitor.stop();
    expect(report.lost, summarize(report)).toBeGreaterThan(50);
    expect(report.recovered).toBe(false);
    expect(violations(report, outageBelow(1000))).toEqual([`outage of ${report.longestOutageMs} ms (must stay below 1000 ms)`, 'traffic did not recover by the end']);
  } finally {
    sockets.forEach((socket) => socket.destroy());
    server.close();
  }
});

test('a monitor towards nothing that listens does not start, and says why', async () => {
  const { server, port } = await echoServer(() => undefined);
  server.close();
  await expect(TrafficMonitor.start(local, { label: 'lo tcp', kind: 'tcp', address: '127.0.0.1', port })).rejects.toThrow(/cannot start monitor lo tcp on local: cannot start a tcp monitor: Connection refused/);
});
