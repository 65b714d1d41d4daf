import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { authorizedKeyOf } from '../../../lib/access/ssh-key';
import { loadLabProfile } from '../../../lib/lab/profile';
import { openTarget } from '../../../lib/orchestrators/lifecycle';
import { loadTarget } from '../../../lib/target/load';
import { loadTopology, parseTopology } from '../../../lib/topology';
import { NetvetError, NetvetErrors } from '../../../lib/util/errors';
import { MAX_INPUT_BYTES } from '../../../lib/util/yaml/read';

/**
 * Malformed inputs (from a campaign of 93): each is refused with one located error naming the file,
 * the place and the fix, never a stack trace, and never by hanging.
 */

async function dir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'netvet-bad-'));
}

async function file(content: string | Buffer, name = 'input.yaml'): Promise<string> {
  const path = join(await dir(), name);
  await writeFile(path, content);
  return path;
}

/** The formatted text of the error `load` is refused with; fails unless it is a user error without a stack. */
async function refusal(load: Promise<unknown>): Promise<string> {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error instanceof NetvetError || error instanceof NetvetErrors, `refused with a NetvetError, got ${String(error)}`).toBe(true);
  const text = (error as NetvetError | NetvetErrors).format();
  expect(text).not.toMatch(/\n\s+at /);
  return text;
}

const net = (i: number, cidr: string) => `  - { name: n${i}, subnets: [{ cidr: ${cidr} }] }`;

test('a file over the size limit is refused before it is parsed, with its size and the fix', async () => {
  const path = await file(`networks:\n${'#'.repeat(MAX_INPUT_BYTES)}\n`);
  const text = await refusal(loadTopology(path));
  expect(text).toBe(`${path}: is 1048587 bytes (1.0 MiB), over the 1 MiB netvet reads\n  fix: check that this is the topology file you meant (they are a few KiB); split a larger one into several files`);
});

test('thousands of mistakes print the first 20 and how many more', async () => {
  const lines = ['networks:', ...Array.from({ length: 500 }, (_, i) => `  - { name: n${i}, subnets: [{ cidr: 10.0.0.0/33 }] }`)];
  const text = await refusal(loadTopology(await file(lines.join('\n'))));
  expect(text.split('\n').filter((l) => l.includes(': networks['))).toHaveLength(20);
  expect(text.split('\n').pop()).toBe('and 480 more errors (fix these first)');
});

test('overlapping subnets: the sweep reports what comparing every pair reports', () => {
  // Blocks nest in every way: inside, around, equal, apart, in random file order.
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const cidrs = Array.from({ length: 300 }, () => {
    const prefix = 16 + random(13);
    const base = (10 << 24) | (random(4) << 16) | (random(256) << 8) | random(256);
    const network = (base & ~((1 << (32 - prefix)) - 1)) >>> 0;
    return `${network >>> 24}.${(network >>> 16) & 255}.${(network >>> 8) & 255}.${network & 255}/${prefix}`;
  });
  const range = (cidr: string) => {
    const [address, prefix] = cidr.split('/');
    const start = address.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    return [start, start + 2 ** (32 - Number(prefix)) - 1];
  };
  const expected = cidrs.flatMap((cidr, j) => {
    const [s, e] = range(cidr);
    const i = cidrs.slice(0, j).findIndex((other) => {
      const [os, oe] = range(other);
      return os <= e && s <= oe;
    });
    return i < 0 ? [] : [`subnet 'n${j}-0' (${cidr}) overlaps subnet 'n${i}-0' (${cidrs[i]}, line ${i + 2})`];
  });
  expect(expected.length).toBeGreaterThan(50);
  let errors: string[] = [];
  try {
    parseTopology(['networks:', ...cidrs.map((c, i) => net(i, c))].join('\n'), 'overlap.yaml');
  } catch (e) {
    errors = (e as NetvetErrors).errors.map((x) => x.message.replace(/ in tenant 'default'$/, ''));
  }
  expect(errors).toEqual(expected);
});

test('control characters from a file are escaped: no escape sequence reaches the terminal, no line can be forged', async () => {
  const path = await file('networks:\n  - name: n1\n    "\\e[2K\\rtopo.yaml: ok\\nx.yaml: ok (1 network)": 1\n    subnets: [{ cidr: 10.0.0.0/24 }]\n');
  const text = await refusal(loadTopology(path));
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  expect(text).toContain('\\x1b[2K\\rtopo.yaml: ok\\nx.yaml: ok');
  // What the file put on a line of its own is indented under the error, so it cannot pass for netvet's own line.
  expect(text.split('\n').filter((l) => !l.startsWith(path) && !l.startsWith(' '))).toEqual([]);
});

test('binary data and invalid UTF-8 are refused at the byte, not echoed', async () => {
  const binary = await file(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x1b, 0x5b, 0x32]));
  expect(await refusal(loadTopology(binary))).toBe(`${binary}:1:4: the file holds binary data (a NUL byte), not YAML text\n  fix: name the YAML file itself, not a binary or compressed one`);
  const latin1 = await file(Buffer.concat([Buffer.from('networks:\n  - name: caf'), Buffer.from([0xe9, 0x20]), Buffer.from('\n')]));
  expect(await refusal(loadTopology(latin1))).toBe(`${latin1}:2:14: the file is not valid UTF-8 text\n  fix: save it as UTF-8`);
});

test('UTF-16 text is named as such with the command that converts it; a UTF-8 byte order mark is fine', async () => {
  const text = 'networks:\n  - { name: n1, subnets: [{ cidr: 10.0.0.0/24 }] }\n';
  const utf16 = await file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  expect(await refusal(loadTopology(utf16))).toBe(`${utf16}:1:1: the file is UTF-16 text (it starts with a UTF-16 byte order mark)\n  fix: save it as UTF-8 (\`iconv -f UTF-16 -t UTF-8 ${utf16}\`)`);
  const bom = await file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  expect((await loadTopology(bom)).networks.map((n) => n.name)).toEqual(['n1']);
});

test('an alias bomb is refused at its first alias; an alias to no anchor at the alias', async () => {
  const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (const [i, name] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) laughs.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`);
  const bomb = await file(laughs.join('\n'));
  expect(await refusal(loadTopology(bomb))).toBe(
    `${bomb}:2:8: the aliases in this file expand to an enormous document (an alias bomb); netvet does not expand it\n  fix: write the values out, or use each anchor at most a few times`,
  );
  const dangling = await file('networks:\n  - name: n1\n    subnets: *subnets\n');
  expect(await refusal(loadTopology(dangling))).toBe(`${dangling}:3:14: alias '*subnets' refers to no anchor\n  fix: define '&subnets' on a value before this line, or write the value out`);
});

test('a second YAML document is named at its start', async () => {
  const path = await file('networks:\n  - { name: n1, subnets: [{ cidr: 10.0.0.0/24 }] }\n---\nnetworks: []\n');
  expect(await refusal(loadTopology(path))).toBe(`${path}:3:1: a second YAML document starts here: a topology file holds one\n  fix: remove the '---' line and what follows, or put each document in its own file`);
});

test('a directory, a FIFO and a missing path are refused without reading them', async () => {
  const folder = await dir();
  expect(await refusal(loadTopology(folder))).toBe(`${folder}: is a directory, not a topology file\n  fix: name a YAML file inside it (topologies live in topologies/)`);
  const fifo = join(await dir(), 'pipe.yaml');
  execFileSync('mkfifo', [fifo]);
  // Nothing ever writes to the FIFO: reading it would block this test until its timeout.
  expect(await refusal(loadLabProfile(fifo))).toBe(`${fifo}: is not a regular file (a FIFO), so it is not read\n  fix: name a lab profile file saved on disk (profiles live in topologies/labs/)`);
  expect(await refusal(loadLabProfile(join(folder, 'none.yaml')))).toBe(`${join(folder, 'none.yaml')}: no such lab profile file\n  fix: give --profile an existing file, such as topologies/labs/default.yaml`);
});

test('an unreadable file says so with the fix', async () => {
  test.skip(process.getuid?.() === 0, 'root reads any file; tests/framework/cli/bad-input.spec.ts checks this as an unprivileged user');
  const path = await file('networks: []\n');
  await chmod(path, 0o000);
  expect(await refusal(loadTopology(path))).toContain(': permission denied\n  fix: let the user running netvet read it');
});

const target = (management: string, privateKey: string) =>
  [
    'version: 1',
    'name: t',
    'orchestrator: ovn-northbound',
    `access: { ssh: { privateKey: ${privateKey} } }`,
    `hosts: [{ name: h1, roles: [compute], management: ${management} }]`,
    'ovn: { northbound: "tcp:10.0.0.1:6641", southbound: "tcp:10.0.0.1:6642" }',
    'encapsulation: { current: geneve, supported: [geneve] }',
  ].join('\n');

test('target: an address with an octet over 255 is not an IPv4 address', async () => {
  const path = await file(target('999.1.1.1', '/k'), 'target.yaml');
  expect(await refusal(loadTarget(path))).toBe(`${path}:5:51: hosts[0].management: '999.1.1.1' is not an IPv4 address\n  fix: address the runner reaches the host on (SSH): write an IPv4 address such as 10.0.0.5`);
});

test('the public key is derived from the private key; a missing key is named by its field before anything connects', async () => {
  const keys = await dir();
  const key = join(keys, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', key]);
  const [type, blob] = (await readFile(`${key}.pub`, 'utf8')).split(' ');
  expect(await authorizedKeyOf(key)).toBe(`${type} ${blob.trim()} netvet\n`);

  const missing = join(keys, 'gone');
  const path = await file(target('10.0.0.1', missing), 'target.yaml');
  expect(await refusal(openTarget(path))).toBe(`${path}: access.ssh.privateKey: no private key at ${missing}\n  fix: set access.ssh.privateKey in the target file to the key the runner logs in with`);
  const notAKey = join(keys, 'notes.txt');
  await writeFile(notAKey, 'hello');
  expect(await refusal(authorizedKeyOf(notAKey))).toContain(`cannot use the private key ${notAKey}: it is not an OpenSSH or PEM private key\n  fix: set access.ssh.privateKey`);
  await mkdir(join(keys, 'folder'));
  expect(await refusal(authorizedKeyOf(join(keys, 'folder')))).toContain('cannot read the private key');
});

test('YAML nested thousands deep is refused where the parser gave up, not with a stack overflow', async () => {
  const path = await file(`networks: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`);
  expect(await refusal(loadTopology(path))).toMatch(new RegExp(`^${path}:1:\\d+: the YAML nests too deeply to be read .*\\n  fix: netvet files nest a few levels`));
});

test('a key written twice in one mapping is named at the second one', async () => {
  const path = await file('networks:\n  - { name: n1, subnets: [{ cidr: 10.0.0.0/24 }] }\nnetworks: []\n');
  expect(await refusal(loadTopology(path))).toBe(
    `${path}:3:1: this key is written a second time in the same mapping\n  fix: keep one of the two: a mapping holds each key once (merge their values, or fix the indentation if one belongs elsewhere)`,
  );
});

test('target: a vCenter section is checked where it is written; its credentials before anything connects', async () => {
  const vmware = (url: string, credentials: string) => `vmware: { url: "${url}", credentials: ${credentials}, datacenter: dc, cluster: c, distributedSwitch: d, datastore: ds }`;
  const plain = await file(`${target('10.0.0.1', '/k')}\n${vmware('http://vc.example/sdk', '/none')}\n`, 'target.yaml');
  expect(await refusal(loadTarget(plain))).toBe(`${plain}:8:16: vmware.url: 'http://vc.example/sdk': an https:// URL\n  fix: the vCenter SDK endpoint, as govc's GOVC_URL: https://vcenter.example.com/sdk`);
  const keys = await dir();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(keys, 'id')]);
  const missing = join(keys, 'vcenter.env');
  const noFile = await file(`${target('10.0.0.1', join(keys, 'id'))}\n${vmware('https://vc.example/sdk', missing)}\n`, 'target.yaml');
  expect(await refusal(openTarget(noFile, 'vmware'))).toBe(
    `${noFile}: target 't' cannot serve the vmware orchestrator\n  fix: the vCenter credentials file ${missing} does not exist: point vmware.credentials at a file of GOVC_USERNAME=, GOVC_PASSWORD= lines`,
  );
});
