import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import { NetvetError } from '../util/errors';
import { quoteArgv } from './quote';
import type { ExecOptions, ExecResult, Shell } from './shell';
import { collect, ConnectionDropped, end, MARKER, openChannel, openSession, Slots, type Connection, type Entry } from './ssh-channel';
import { connectError, hostKeyAlgorithms, parsePinnedKey } from './ssh-host-key';

const { Client } = ssh2;

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
        'set access.ssh.privateKey in the target file to an existing OpenSSH private key readable by netvet',
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
