// The pinned host key of an SSH target, and what a failed login says in the network's words.
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import { NetvetError } from '../util/errors';
import type { Entry, PinnedKey } from './ssh-channel';
import type { SshTarget } from './ssh';

const { utils } = ssh2;

/** The target's pinned host key (`hostKey`), parsed once; a line that is no public key is refused with the fix. */
export function parsePinnedKey(target: SshTarget, label: string): PinnedKey | undefined {
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

export function hostKeyAlgorithms(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export function connectError(entry: Entry, error: unknown, timeoutMs: number, offered?: Buffer): NetvetError {
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
      `add its public key (\`ssh-keygen -y -f ${target.privateKeyPath}\`) to ~${target.username}/.ssh/authorized_keys on ${target.host}, or set access.ssh.privateKey in the target file to the key that is there`,
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
