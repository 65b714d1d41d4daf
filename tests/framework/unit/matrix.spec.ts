import { expect, test } from '@playwright/test';
import { catalogProblems } from '../../../lib/tags';
import { expectedVerdict, formatMatrix, parseFlow, type Cell, type MatrixSpec } from '../../../lib/traffic/matrix';

const spec: MatrixSpec = {
  from: ['a', 'b', 'c'],
  to: ['a', 'b', 'c'],
  flows: ['icmp', 'tcp/22'],
  expect: [
    { from: 'c', verdict: 'deny' },
    { to: ['a', 'b'], flow: 'icmp', verdict: 'allow' },
    { from: '*', to: 'c', flow: ['tcp/22'], verdict: 'allow' },
  ],
  otherwise: 'deny',
};

test('expected verdicts: first matching rule wins, omitted fields and * match all, otherwise applies', () => {
  expect(expectedVerdict(spec, 'c', 'a', 'icmp')).toBe('deny');
  expect(expectedVerdict(spec, 'a', 'b', 'icmp')).toBe('allow');
  expect(expectedVerdict(spec, 'a', 'b', 'tcp/22')).toBe('deny');
  expect(expectedVerdict(spec, 'b', 'c', 'tcp/22')).toBe('allow');
  expect(expectedVerdict(spec, 'b', 'c', 'icmp')).toBe('deny');
});

test('flows: icmp, tcp/udp with a port, http defaulting to 80; anything else is refused with the fix', () => {
  expect(parseFlow('icmp')).toEqual({ kind: 'icmp' });
  expect(parseFlow('tcp/22')).toEqual({ kind: 'tcp', port: 22 });
  expect(parseFlow('http')).toEqual({ kind: 'http', port: 80 });
  for (const bad of ['tcp', 'udp/0', 'tcp/70000', 'sctp/5', 'icmp/3']) expect(() => parseFlow(bad), bad).toThrow(/is not a flow/);
});

test('report: expected, observed and diff tables, and a repro line per wrong cell', () => {
  const cell = (from: string, to: string, flow: string, observed: 'allow' | 'deny'): Cell => ({
    from, to, flow, expected: expectedVerdict(spec, from, to, flow), observed,
    result: { ok: observed === 'allow', ms: 1, repro: `[ns:${from}] ping ${to}`, ...(observed === 'deny' ? { error: 'timeout' } : {}) },
  });
  const cells = spec.from.flatMap((f) => spec.to.filter((t) => t !== f).flatMap((t) => spec.flows.map((flow) => cell(f, t, flow, expectedVerdict(spec, f, t, flow)))));
  cells[0] = cell('a', 'b', 'icmp', 'deny');
  const report = formatMatrix(spec, cells, [cells[0]]);
  expect(report).toContain(`${cells.length - 1}/${cells.length} cells as expected`);
  expect(report).toContain('expected icmp');
  expect(report).toMatch(/observed icmp\s+a\s+b\s+c\s*\na\s+-\s+X/);
  expect(report).toMatch(/diff\s+icmp\s+a\s+b\s+c\s*\na\s+-\s+!/);
  expect(report).toContain('a -> b icmp: expected allow, observed deny (timeout)\n    repro: [ns:a] ping b');
});

test('catalog: unregistered tags, a missing or malformed id and a missing tier are problems', () => {
  expect(catalogProblems('ok', ['@sanity', '@l3'], [{ type: 'id', description: 'NV-L3-001' }])).toEqual([]);
  const problems = catalogProblems('bad', ['@l3', '@snaity'], [{ type: 'id', description: 'l3-1' }]).map((p) => p.problem);
  expect(problems).toEqual([
    expect.stringContaining('tag @snaity is not registered'),
    expect.stringContaining("needs exactly one annotation { type: 'id'"),
    expect.stringContaining('needs a tier tag'),
  ]);
  expect(catalogProblems('two ids', ['@sanity'], [{ type: 'id', description: 'NV-A-001' }, { type: 'id', description: 'NV-A-002' }])).toHaveLength(1);
});
