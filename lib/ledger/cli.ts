import { defaultLedgerUrl, openLedger } from './open';
import type { Ledger } from './types';

/** Opens the ledger a command names (`--ledger`, else NETVET_LEDGER, else the default file), uses it, closes it. */
export async function withLedger<T>(option: string | undefined, use: (ledger: Ledger) => Promise<T>): Promise<T> {
  const [url, origin] = option ? [option, '--ledger'] : process.env.NETVET_LEDGER ? [process.env.NETVET_LEDGER, 'NETVET_LEDGER'] : [defaultLedgerUrl(), 'the default ledger'];
  const ledger = await openLedger(url, origin);
  try {
    return await use(ledger);
  } finally {
    await ledger.close();
  }
}
