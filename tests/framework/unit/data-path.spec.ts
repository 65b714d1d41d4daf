import { expect, test } from '@playwright/test';
import { dataPathProblems, type ChassisDataPath } from '../../../lib/sdn/ovn/data-path';

/**
 * Who is to blame when tunnel endpoints do not answer: a chassis no probe reaches or leaves is cut
 * off (one line, not one per pair); a pair that fails alone is named as a pair; one bond member
 * down is no problem, every uplink down is.
 */
const ADDRESSES: Record<string, string> = { ch1: '10.0.1.21', ch2: '10.0.1.22', ch3: '10.0.1.23' };
const up = (name: string) => ({ name, up: true, state: 'UP' });

function chassis(host: string, unreachable: string[], uplinks = [up('eth0')]): ChassisDataPath {
  return { host, address: ADDRESSES[host], uplinks, unreachable: unreachable.map((h) => ({ host: h, address: ADDRESSES[h] })) };
}

test('every endpoint reached and one bond member down: no problem', () => {
  expect(dataPathProblems([chassis('ch1', [], [up('eth0'), { name: 'eth1', up: false, state: 'admin down' }]), chassis('ch2', []), chassis('ch3', [])])).toEqual([]);
});

test('a chassis no probe reaches or leaves is cut off, in one line naming its peers and the fix', () => {
  const problems = dataPathProblems([chassis('ch1', ['ch3']), chassis('ch2', ['ch3']), chassis('ch3', ['ch1', 'ch2'])]);
  expect(problems).toEqual([
    'chassis ch3 is cut off from the data network: none of ch1, ch2 reaches its tunnel endpoint 10.0.1.23 and it reaches none of theirs; fix: check its uplinks on ch3 (ip link show eth0) and its packet filters (nft list ruleset)',
  ]);
});

test('every uplink down is named with the fix, beside the cut-off it causes', () => {
  const problems = dataPathProblems([chassis('ch1', ['ch2']), chassis('ch2', ['ch1', 'ch3'], [{ name: 'eth0', up: false, state: 'no carrier' }]), chassis('ch3', ['ch2'])]);
  expect(problems[0]).toBe('chassis ch2 has no working data uplink: eth0 (no carrier), so its tunnels carry nothing; fix: ip link set dev eth0 up on ch2');
  expect(problems[1]).toMatch(/^chassis ch2 is cut off from the data network/);
  expect(problems).toHaveLength(2);
});

test('a pair that fails alone is named as a pair, from the side that cannot reach', () => {
  expect(dataPathProblems([chassis('ch1', ['ch2']), chassis('ch2', []), chassis('ch3', [])])).toEqual([
    "chassis ch1 does not reach ch2's tunnel endpoint 10.0.1.22 (ping from ch1 fails); fix: check the route to 10.0.1.22 on ch1 (ip route get 10.0.1.22) and packet filters on both hosts (nft list ruleset)",
  ]);
});

test('with two chassis that do not reach each other, neither is singled out: both directions are named', () => {
  const problems = dataPathProblems([chassis('ch1', ['ch2']), chassis('ch2', ['ch1'])]);
  expect(problems.map((p) => p.split(' (')[0])).toEqual(["chassis ch1 does not reach ch2's tunnel endpoint 10.0.1.22", "chassis ch2 does not reach ch1's tunnel endpoint 10.0.1.21"]);
});
