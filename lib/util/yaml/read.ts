import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { NetvetError } from '../errors';

/** Topologies, targets and profiles are a few KiB; anything near this is not one, and reading it would only stall. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** How to name the file in errors and what to do when it is missing. */
export interface InputFile {
  /** 'topology', 'target', 'lab profile'. */
  name: string;
  /** The fix when there is no file at the path. */
  missing: string;
}

/**
 * Reads a YAML input file as UTF-8 text, refusing with a located error anything that is not one:
 * a missing or unreadable path, a directory, a FIFO or device (checked before opening, so netvet
 * never blocks on one), a file over MAX_INPUT_BYTES, UTF-16 text, binary data or invalid UTF-8.
 */
export async function readInputFile(file: string, what: InputFile): Promise<string> {
  const refuse = (message: string, fix: string) => new NetvetError(message, fix, { file });
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' || error.code === 'ENOTDIR' ? refuse(`no such ${what.name} file`, what.missing) : unreadable(error, file, what);
  });
  if (info.isDirectory()) throw refuse(`is a directory, not a ${what.name} file`, `name a YAML file inside it${hint(what)}`);
  if (!info.isFile()) throw refuse(`is not a regular file (${kindOf(info)}), so it is not read`, `name a ${what.name} file saved on disk${hint(what)}`);
  if (info.size > MAX_INPUT_BYTES) {
    throw refuse(
      `is ${info.size} bytes (${mib(info.size)}), over the ${MAX_INPUT_BYTES / 1024 / 1024} MiB netvet reads`,
      `check that this is the ${what.name} file you meant (they are a few KiB); split a larger one into several files`,
    );
  }
  // O_NONBLOCK: if the path was swapped for a FIFO after the check, the read fails instead of hanging.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(error, file, what);
  });
  let bytes: Buffer;
  try {
    bytes = await handle.readFile();
  } catch (error) {
    throw unreadable(error as NodeJS.ErrnoException, file, what);
  } finally {
    await handle.close();
  }
  return decode(bytes, file);
}

function unreadable(error: NodeJS.ErrnoException, file: string, what: InputFile): NetvetError {
  if (error.code === 'EACCES' || error.code === 'EPERM') {
    return new NetvetError('permission denied', `let the user running netvet read it (\`chmod a+r ${file}\`), or run netvet as a user that can`, { file });
  }
  return new NetvetError(`cannot read the ${what.name} file (${error.code ?? error.message})`, `check the path${hint(what)}`, { file });
}

function decode(bytes: Buffer, file: string): string {
  const refuse = (message: string, fix: string) => new NetvetError(message, fix, { file, line: 1, column: 1 });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw refuse('the file is UTF-16 text (it starts with a UTF-16 byte order mark)', `save it as UTF-8 (\`iconv -f UTF-16 -t UTF-8 ${file}\`)`);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw placed(bytes, nul, file, 'the file holds binary data (a NUL byte), not YAML text', 'name the YAML file itself, not a binary or compressed one');
  try {
    // A UTF-8 byte order mark is harmless: drop it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw placed(bytes, bad, file, 'the file is not valid UTF-8 text', 'save it as UTF-8');
  }
}

/** An error at the line and column of byte `offset`. */
function placed(bytes: Buffer, offset: number, file: string, message: string, fix: string): NetvetError {
  const before = bytes.subarray(0, offset);
  const line = before.filter((b) => b === 0x0a).length + 1;
  const column = offset - before.lastIndexOf(0x0a);
  return new NetvetError(message, fix, { file, line, column });
}

function firstInvalidUtf8(bytes: Buffer): number {
  // Bisect on prefixes: the longest prefix that decodes (allowing a cut sequence at its end) ends where the bad byte is.
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      good = mid;
    } catch {
      bad = mid;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, good));
    return good;
  } catch {
    // The good prefix ends inside a sequence the next byte breaks: point at that sequence's lead byte.
    let start = good;
    while (start > 0 && (bytes[start - 1] & 0xc0) === 0x80) start--;
    return Math.max(0, start - 1);
  }
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a file';
}

function hint(what: InputFile): string {
  return what.name === 'topology' ? ' (topologies live in topologies/)' : what.name === 'lab profile' ? ' (profiles live in topologies/labs/)' : '';
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
