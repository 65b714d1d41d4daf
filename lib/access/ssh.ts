import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import { NetvetError } from '../util/errors';
import { quoteArgv } from './quote';
import type { ExecOptions, ExecResult, Shell } from './shell';

const { Client, utils } = ssh2;
type Client = InstanceType<typeof Client>;

/** Set in each command's environment, so its processes can be found again. */
const MARKER = 'NETVET_EXEC';
const SESSION_RETRIES = 6;

/** A host reached over SSH, as a target file describes it. */
export interface SshTarget {
  host: string;
  /** 22 when absent. */
  port?: number;
  username: string;
  privateKeyPath: string;
  /** The host's public key as OpenSSH prints it (`ssh-ed25519 AAAA...`); unchecked when absent. */
  hostKey?: string;
  /** Reach `host` through this one (`ssh -J`). */
  jump?: SshTarget;
}

export interface SshPoolOptions {
  /** Channels open at once on one connection; stay under the server's MaxSessions (OpenSSH: 10). */
  maxChannels?: number;
  /** TCP connect, handshake and login together. */
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** For exec calls that give no timeoutMs; the same default as local commands. */
  commandTimeoutMs?: number;
}

interface Connection {
  client: Client;
  open: boolean;
  lastError?: string;
  /** Marks it dead and forgets it, so the next caller connects anew. */
  drop(): void;
}

interface Entry {
  target: SshTarget;
  port: number;
  /** `user@host:port`, plus ` via <jump>`: how errors name the place. */
  label: string;
  pinned?: PinnedKey;
  slots: Slots;
  connection?: Promise<Connection>;
}

interface PinnedKey {
  blob: Buffer;
  type: string;
}

type ChannelCallback = (error: Error | undefined, channel: ClientChannel) => void;

/** A connection that died under us; the pool reconnects once before passing it on. */
class ConnectionDropped extends NetvetError {}

/**
 * SSH connections to hosts, one per target, opened on first use and shared by all its callers; each
 * exec is one channel on it, so a remote command costs a round trip, not a login.
 */
export class SshPool {
  private readonly entries = new Map<string, Entry>();
  private readonly settings: Required<SshPoolOptions>;
  private closed = false;

  constructor(options: SshPoolOptions = {}) {
    this.settings = {
      maxChannels: options.maxChannels ?? 8,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: options.keepaliveIntervalMs ?? 15_000,
      commandTimeoutMs: options.commandTimeoutMs ?? 30_000,
    };
  }

  shell(target: SshTarget): Shell {
    const entry = this.entry(target);
    const port = entry.port === 22 ? '' : `:${entry.port}`;
    return {
      name: `${target.username}@${target.host}${port}`,
      exec: (argv, options) => this.exec(entry, argv, options),
    };
  }

  /** Ends every connection; the pool cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.entries.values()].map((entry) => entry.connection);
    this.entries.clear();
    await Promise.all(pending.map(async (connecting) => end(await connecting?.catch(() => undefined))));
  }

  private entry(target: SshTarget): Entry {
    const key = JSON.stringify(identity(target));
    let entry = this.entries.get(key);
    if (!entry) {
      const port = target.port ?? 22;
      const label = `${target.username}@${target.host}:${port}${target.jump ? ` via ${this.entry(target.jump).label}` : ''}`;
      entry = { target, port, label, pinned: parsePinnedKey(target, label), slots: new Slots(this.settings.maxChannels) };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private async exec(entry: Entry, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new Error(`SshPool is closed; cannot run ${argv[0]} on ${entry.label}`);
    // The marker lets a timeout find and kill the command's processes (see killMarked).
    const marker = randomBytes(8).toString('hex');
    const command = `${MARKER}=${marker} ${quoteArgv(argv)}`;
    await entry.slots.acquire();
    let opened: { channel: ClientChannel; connection: Connection };
    try {
      opened = await this.withConnection(entry, async (connection) => ({
        connection,
        channel: await openSession(entry, connection, command),
      }));
    } catch (error) {
      entry.slots.release();
      throw error;
    }
    // The slot is free only when the server has closed the channel, even after a timeout.
    opened.channel.once('close', () => entry.slots.release());
    const timeoutMs = options.timeoutMs ?? this.settings.commandTimeoutMs;
    return collect(entry, opened.connection, opened.channel, timeoutMs, options.input, marker);
  }

  /** Runs `use` on the target's connection; if that connection turns out dead, once more on a new one. */
  private async withConnection<T>(entry: Entry, use: (connection: Connection) => Promise<T>): Promise<T> {
    try {
      return await use(await this.connection(entry));
    } catch (error) {
      if (!(error instanceof ConnectionDropped) || this.closed) throw error;
      return use(await this.connection(entry));
    }
  }

  /** The live connection, or the one being opened, which concurrent callers share. */
  private connection(entry: Entry): Promise<Connection> {
    if (!entry.connection) {
      const forget = (): void => {
        if (entry.connection === connecting) entry.connection = undefined;
      };
      const connecting = this.connect(entry, forget);
      connecting.catch(forget);
      entry.connection = connecting;
    }
    return entry.connection;
  }

  private async connect(entry: Entry, forget: () => void): Promise<Connection> {
    const { target, label } = entry;
    const privateKey = await readFile(target.privateKeyPath).catch((error: Error) => {
      throw new NetvetError(
        `cannot read the private key for ${label}: ${error.message}`,
        'set privateKeyPath to an existing OpenSSH private key readable by netvet',
        { file: target.privateKeyPath },
      );
    });
    const sock = target.jump ? await this.tunnel(entry, target.jump) : undefined;
    let offered: Buffer | undefined;
    const config: ConnectConfig = {
      host: target.host,
      port: entry.port,
      username: target.username,
      privateKey,
      sock,
      readyTimeout: this.settings.connectTimeoutMs,
      keepaliveInterval: this.settings.keepaliveIntervalMs,
      keepaliveCountMax: 3,
    };
    const { pinned } = entry;
    if (pinned) {
      // Offer only the pinned key's type, or a server with several host keys may show another one.
      config.algorithms = { serverHostKey: hostKeyAlgorithms(pinned.type) as never };
      config.hostVerifier = (key: Buffer) => {
        offered = key;
        return key.equals(pinned.blob);
      };
    }
    const client = new Client();
    try {
      await new Promise<void>((resolve, reject) => {
        const closed = (): void => reject(new Error('the server closed the connection during login'));
        // Kept after a failure: ssh2 may report more errors while the socket winds down.
        client.on('error', reject).on('close', closed);
        client.once('ready', () => {
          client.off('error', reject).off('close', closed);
          resolve();
        });
        client.connect(config);
      });
    } catch (error) {
      client.destroy();
      throw connectError(entry, error, this.settings.connectTimeoutMs, offered);
    }
    // Each exec is a few small request/reply packets: Nagle would hold them for the peer's ACK.
    client.setNoDelay(true);
    const connection: Connection = {
      client,
      open: true,
      drop() {
        connection.open = false;
        forget();
        client.destroy();
      },
    };
    // Errors after login end in 'close'; the message explains the drop to whoever runs next.
    client.on('error', (error: Error) => (connection.lastError = error.message));
    client.on('close', () => connection.drop());
    return connection;
  }

  /** A TCP stream to the target through its jump host (direct-tcpip, as `ssh -J` does). */
  private async tunnel(entry: Entry, jump: SshTarget): Promise<ClientChannel> {
    const jumpEntry = this.entry(jump);
    const { host } = entry.target;
    try {
      return await this.withConnection(jumpEntry, (connection) =>
        openChannel(jumpEntry, connection, (done) => connection.client.forwardOut('127.0.0.1', 0, host, entry.port, done), (reason) =>
          new NetvetError(
            `jump host ${jumpEntry.label} cannot open a TCP connection to ${host}:${entry.port}: ${reason}`,
            `check that ${host}:${entry.port} is reachable from ${jump.host} and that its sshd allows forwarding (AllowTcpForwarding)`,
          ),
        ),
      );
    } catch (error) {
      if (!(error instanceof NetvetError)) throw error;
      throw new NetvetError(`${error.message} (the jump host for ${entry.label})`, error.fix, error.place);
    }
  }
}

/** What makes two targets the same connection. */
function identity(target: SshTarget): unknown[] {
  const { host, port, username, privateKeyPath, hostKey, jump } = target;
  return [username, host, port ?? 22, privateKeyPath, hostKey ?? null, jump ? identity(jump) : null];
}

function parsePinnedKey(target: SshTarget, label: string): PinnedKey | undefined {
  if (target.hostKey === undefined) return undefined;
  const key = utils.parseKey(target.hostKey);
  if (key instanceof Error || key.isPrivateKey()) {
    throw new NetvetError(
      `the hostKey pinned for ${label} is not an OpenSSH public key`,
      `copy the whole line of /etc/ssh/ssh_host_ed25519_key.pub on ${target.host} (\`ssh-ed25519 AAAA...\`)`,
    );
  }
  return { blob: key.getPublicSSH(), type: key.type };
}

function hostKeyAlgorithms(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function connectError(entry: Entry, error: unknown, timeoutMs: number, offered?: Buffer): NetvetError {
  if (error instanceof NetvetError) return error;
  const { label, target, pinned, port } = entry;
  if (pinned && offered && !offered.equals(pinned.blob)) {
    return new NetvetError(
      `host key of ${label} is ${fingerprint(offered)}, but ${fingerprint(pinned.blob)} is pinned`,
      `if ${target.host} was reinstalled, set hostKey to the line in its /etc/ssh/ssh_host_*_key.pub; otherwise someone may be intercepting the connection`,
    );
  }
  const { level, message } = error as Error & { level?: string };
  if (level === 'client-authentication') {
    return new NetvetError(
      `${label} refused the key ${target.privateKeyPath}`,
      `add ${target.privateKeyPath}.pub to ~${target.username}/.ssh/authorized_keys on ${target.host}, or set privateKeyPath to the key that is there`,
    );
  }
  if (level === 'client-timeout') {
    return new NetvetError(
      `no SSH login to ${label} within ${timeoutMs} ms`,
      `check that ${target.host} is up and that nothing drops TCP port ${port} on the way`,
    );
  }
  return new NetvetError(
    `cannot connect to ${label}: ${message}`,
    `check that sshd runs on ${target.host} and listens on port ${port} (\`ss -ltn\` there), and that the target names the right host and port`,
  );
}

/**
 * Opens the exec channel. sshd counts a closed session until its next pass over the connection, so a
 * channel opened right after another closed can be refused though there is room: try again briefly
 * (10 ms doubling, 630 ms in all) before calling it a refusal.
 */
async function openSession(entry: Entry, connection: Connection, command: string): Promise<ClientChannel> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await openChannel(entry, connection, (done) => connection.client.exec(command, done), (reason) =>
        new NetvetError(
          `${entry.label} refused to open a session channel: ${reason}`,
          `set the pool's maxChannels below the server's MaxSessions (sshd_config on ${entry.target.host})`,
        ),
      );
    } catch (error) {
      if (error instanceof ConnectionDropped || attempt === SESSION_RETRIES) throw error;
      await sleep(10 * 2 ** attempt);
    }
  }
}

/**
 * Opens one channel with `start` (exec or forwardOut). A client whose socket already closed throws
 * at once, and one that closes meanwhile fails the request: both mean the connection dropped.
 */
function openChannel(
  entry: Entry,
  connection: Connection,
  start: (done: ChannelCallback) => void,
  refused: (reason: string) => NetvetError,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const dropped = (): void => {
      connection.drop();
      reject(
        new ConnectionDropped(
          `connection to ${entry.label} dropped${connection.lastError ? `: ${connection.lastError}` : ''}`,
          `check that ${entry.target.host} is up and sshd runs there`,
        ),
      );
    };
    try {
      start((error, channel) => {
        if (!error) resolve(channel);
        else if (!connection.open) dropped();
        else reject(refused(error.message));
      });
    } catch {
      dropped();
    }
  });
}

/** Reads the command's output and exit status; past the timeout, kills the command and answers 124. */
function collect(
  entry: Entry,
  connection: Connection,
  channel: ClientChannel,
  timeoutMs: number,
  input: string | undefined,
  marker: string,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString('utf8');
    channel.on('data', (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void killMarked(connection, marker).then(() => {
        channel.close();
        resolve({ code: 124, stdout: text(stdout), stderr: `${text(stderr)}\ntimed out after ${timeoutMs} ms` });
      });
    }, timeoutMs);
    // 'close' repeats the exit status; 'exit' itself may have fired before this listener existed,
    // when the whole exchange arrived in one read.
    channel.on('close', (status?: number | null, signal?: string) => {
      clearTimeout(timer);
      if (timedOut) return;
      if (typeof status === 'number') resolve({ code: status, stdout: text(stdout), stderr: text(stderr) });
      else if (signal) {
        const code = 128 + (constants.signals[signal as NodeJS.Signals] ?? 0);
        resolve({ code, stdout: text(stdout), stderr: text(stderr) });
      } else {
        const why = connection.lastError ? `: ${connection.lastError}` : '';
        reject(
          new NetvetError(
            `connection to ${entry.label} dropped before the command finished${why}`,
            `check whether ${entry.target.host} rebooted or sshd restarted; the next command reconnects`,
          ),
        );
      }
    });
    if (input === undefined) channel.end();
    else channel.end(input);
  });
}

/**
 * Kills every process that still carries the command's marker. sshd refuses the SSH "signal" request
 * for root (its sessions run without privilege separation), and closing the channel leaves the
 * command running, so a second short channel does the kill. It is best effort and bounded: the
 * caller gets 124 either way, and it takes no slot (the default limit leaves spares below MaxSessions).
 */
function killMarked(connection: Connection, marker: string): Promise<void> {
  const script =
    `for f in $(grep -lzsx ${MARKER}=${marker} /proc/[0-9]*/environ); ` +
    'do f=${f#/proc/}; kill -KILL "${f%/environ}" 2>/dev/null; done';
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      connection.client.exec(script, (error, channel) => {
        if (error) return done();
        channel.on('close', done).resume();
        channel.stderr.resume();
        channel.end();
      });
    } catch {
      done();
    }
  });
}

/** Ends one connection politely, and for sure within a second. */
async function end(connection: Connection | undefined): Promise<void> {
  if (!connection?.open) return;
  const { client } = connection;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => client.destroy(), 1_000);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}

/** Counts open channels on a target's connection; callers past the limit wait in order. */
class Slots {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  async acquire(): Promise<void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
