import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetvetError } from '../../../util/errors';
import { run } from '../../../util/exec';
import { installPackages } from '../../../util/setup';

/**
 * vcsim (VMware's vCenter simulator) and govc, built from Debian's govmomi source package with
 * Debian's Go: no Debian package ships the two programs (the -dev package leaves out govc/ and
 * vcsim/), and netvet downloads no binaries. Built once into this cache, outside the repository.
 */
export const VMWARE_CACHE = '/var/cache/netvet/vmware';
export const VCSIM = join(VMWARE_CACHE, 'bin', 'vcsim');
export const GOVC = join(VMWARE_CACHE, 'bin', 'govc');

/** Go and the govmomi libraries vcsim and govc import (GOPATH mode finds them in /usr/share/gocode), and openssl. */
export const VMWARE_PACKAGES = [
  'golang-go',
  'golang-github-vmware-govmomi-dev',
  'golang-github-kr-pretty-dev',
  'golang-github-vmware-vmw-guestinfo-dev',
  // apt-get source unpacks with dpkg-source.
  'dpkg-dev',
  // The lab's vCenter certificate.
  'openssl',
];

const SOURCE_PACKAGE = 'golang-github-vmware-govmomi';

export function vmwareBuilt(): boolean {
  return existsSync(VCSIM) && existsSync(GOVC);
}

/** Fails before a lab is built when setup has not built the programs. */
export function requireVmwareBuilt(): void {
  if (!vmwareBuilt()) {
    throw new NetvetError(`vcsim and govc are not built (looked for ${VCSIM} and ${GOVC})`, 'run: npx netvet setup --vmware (as root; builds them once from Debian sources, about a minute)');
  }
}

/** The deb-src line of the machine's own Debian mirror, in a private APT configuration: /etc/apt stays untouched. */
function privateAptConfig(dir: string): string {
  const sources = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
  const mirror = /^URIs:\s*(\S+)/m.exec(sources)?.[1] ?? 'http://deb.debian.org/debian';
  const suite = /^Suites:\s*(\S+)/m.exec(sources)?.[1] ?? 'bookworm';
  for (const sub of ['parts', 'lists/partial', 'cache/archives/partial']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'parts', 'src.sources'),
    `Types: deb-src\nURIs: ${mirror}\nSuites: ${suite}\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
  );
  const conf = join(dir, 'apt.conf');
  writeFileSync(
    conf,
    [
      'Dir::Etc::SourceList "/dev/null";',
      `Dir::Etc::SourceParts "${join(dir, 'parts')}";`,
      `Dir::State::Lists "${join(dir, 'lists')}";`,
      `Dir::Cache "${join(dir, 'cache')}";`,
      'Dir::Cache::pkgcache "";',
      'Dir::Cache::srcpkgcache "";',
      '',
    ].join('\n'),
  );
  return conf;
}

async function fetchSource(srcDir: string, aptDir: string, progress: (line: string) => void): Promise<string> {
  const unpacked = () => readdirSync(srcDir).find((d) => d.startsWith(`${SOURCE_PACKAGE}-`) && existsSync(join(srcDir, d, 'vcsim')));
  const found = unpacked();
  if (found) return join(srcDir, found);
  progress(`fetching Debian's ${SOURCE_PACKAGE} source package`);
  const env = { ...process.env, APT_CONFIG: privateAptConfig(aptDir), DEBIAN_FRONTEND: 'noninteractive' };
  await run(['apt-get', 'update', '-qq'], { env, timeoutMs: 600_000 });
  await runIn(srcDir, ['apt-get', 'source', '-qq', SOURCE_PACKAGE], env);
  const dir = unpacked();
  if (!dir) throw new NetvetError(`apt-get source ${SOURCE_PACKAGE} left no tree with vcsim/ in ${srcDir}`, `remove ${VMWARE_CACHE} and run netvet setup --vmware again`);
  return join(srcDir, dir);
}

/** `run` has no working directory; the source and build steps need one. */
function runIn(cwd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<unknown> {
  return run(['env', '-C', cwd, ...argv], { env, timeoutMs: 1_200_000 });
}

/**
 * Installs Debian's Go (and openssl for the lab's certificate), fetches the govmomi source package and builds vcsim and govc (GOPATH mode,
 * as Debian builds Go). Returns false when both were already built. A program is built to a
 * temporary name and renamed, so an interrupted build is never taken for a finished one.
 */
export async function buildVmware(progress: (line: string) => void): Promise<boolean> {
  await installPackages(progress, VMWARE_PACKAGES);
  if (vmwareBuilt()) return false;
  if (process.getuid?.() !== 0) throw new NetvetError('building vcsim and govc needs root (a cache in /var/cache)', 'run as root: npx netvet setup --vmware');
  const srcDir = join(VMWARE_CACHE, 'src');
  const binDir = join(VMWARE_CACHE, 'bin');
  for (const d of [srcDir, binDir]) mkdirSync(d, { recursive: true });
  const source = await fetchSource(srcDir, join(VMWARE_CACHE, 'apt'), progress);
  const gopath = join(VMWARE_CACHE, 'gopath');
  const importPath = join(gopath, 'src', 'github.com', 'vmware');
  mkdirSync(importPath, { recursive: true });
  const link = join(importPath, 'govmomi');
  rmSync(link, { force: true });
  symlinkSync(source, link);
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOFLAGS: '',
    GOPATH: `${gopath}:/usr/share/gocode`,
    GOCACHE: join(VMWARE_CACHE, 'gocache'),
    HOME: VMWARE_CACHE,
  };
  for (const [program, out] of [
    ['vcsim', VCSIM],
    ['govc', GOVC],
  ] as const) {
    progress(`building ${program} with Debian's Go`);
    await runIn(link, ['go', 'build', '-o', `${out}.partial`, `./${program}`], env);
    renameSync(`${out}.partial`, out);
  }
  return true;
}
