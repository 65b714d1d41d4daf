// The channels of one pooled SSH connection: opening them, reading a command's result, killing it past its timeout.
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, ClientChannel } from 'ssh2';
import { NetvetError } from '../util/errors';
import type { ExecResult } from './shell';
import type { SshTarget } from './ssh';

/** Set in each command's environment, so its processes can be found again. */
export const MARKER = 'NETVET_EXEC';
const SESSION_RETRIES = 6;

export interface Connection {
  client: Client;
  open: boolean;
  lastError?: string;
  /** Marks it dead and forgets it, so the next caller connects anew. */
  drop(): void;
}

export interface Entry {
  target: SshTarget;
  port: number;
  /** `user@host:port`, plus ` via <jump>`: how errors name the place. */
  label: string;
  pinned?: PinnedKey;
  slots: Slots;
  connection?: Promise<Connection>;
}

export interface PinnedKey {
  blob: Buffer;
  type: string;
}

type ChannelCallback = (error: Error | undefined, channel: ClientChannel) => void;

/** A connection that died under us; the pool reconnects once before passing it on. */
export class ConnectionDropped extends NetvetError {}

/**
 * Opens the exec channel. sshd counts a closed session until its next pass over the connection, so a
 * channel opened right after another closed can be refused though there is room: try again briefly
 * (10 ms doubling, 630 ms in all) before calling it a refusal.
 */
export async function openSession(entry: Entry, connection: Connection, command: string): Promise<ClientChannel> {
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
export function openChannel(
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
export function collect(
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
export async function end(connection: Connection | undefined): Promise<void> {
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
export class Slots {
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
