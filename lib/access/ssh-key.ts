// The public half of the runner's SSH key, derived from the private key: no `.pub` file is needed beside it.
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { NetvetError, type ErrorPlace } from '../util/errors';

const { utils } = ssh2;

/** The target file field that names the key, for fixes. */
export const PRIVATE_KEY_FIELD = 'access.ssh.privateKey';

/**
 * The OpenSSH `authorized_keys` line of the private key at `file` (what workloads must accept);
 * a missing, unreadable, passphrase-protected or malformed key is refused with the fix, at `place`
 * (the target file's field when known, else the key file).
 */
export async function authorizedKeyOf(file: string, place: ErrorPlace = { file }): Promise<string> {
  const refuse = (message: string, fix: string) => new NetvetError(message, fix, place);
  const text = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw refuse(`no private key at ${file}`, `set ${PRIVATE_KEY_FIELD} in the target file to the key the runner logs in with`);
    throw refuse(`cannot read the private key ${file} (${error.code ?? error.message})`, `let netvet read it (\`chmod 600 ${file}\` as its owner), or set ${PRIVATE_KEY_FIELD} to a key netvet can read`);
  });
  const key = utils.parseKey(text);
  if (key instanceof Error || !key.isPrivateKey()) {
    const reason = key instanceof Error && /passphrase|encrypted/i.test(key.message) ? 'it is protected by a passphrase' : 'it is not an OpenSSH or PEM private key';
    throw refuse(`cannot use the private key ${file}: ${reason}`, `set ${PRIVATE_KEY_FIELD} to an unencrypted private key (\`ssh-keygen -t ed25519 -N '' -f KEY\` makes one)`);
  }
  return `${key.type} ${key.getPublicSSH().toString('base64')} netvet\n`;
}
