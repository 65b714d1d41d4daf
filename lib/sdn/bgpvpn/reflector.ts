import type { Shell } from '../../access';
import { NetvetError } from '../../util/errors';

/** gobgp's number for the Established state of a session (its apipb.PeerState.SessionState). */
const ESTABLISHED = 6;

/** Runs the `gobgp` CLI on the reflector's host against its gRPC API (`address:port`) and parses its JSON. */
async function gobgp<T>(shell: Shell, api: string, args: string[]): Promise<T> {
  const [address, port] = api.split(':');
  const result = await shell.exec(['gobgp', '-u', address, '-p', port, ...args, '-j'], { timeoutMs: 10_000 });
  if (result.code !== 0) throw new NetvetError(`gobgp ${args.join(' ')} on ${shell.name} failed: ${(result.stderr || result.stdout).trim()}`, `check that gobgpd runs on ${shell.name} with --api-hosts=${api}`);
  return JSON.parse(result.stdout || 'null') as T;
}

/** The reflector's BGP sessions: each neighbour and whether the session is established. */
export async function reflectorSessions(shell: Shell, api: string): Promise<Array<{ neighbor: string; established: boolean }>> {
  const neighbors = await gobgp<Array<{ state: { neighbor_address: string; session_state?: number } }>>(shell, api, ['neighbor']);
  return neighbors.map((n) => ({ neighbor: n.state.neighbor_address, established: n.state.session_state === ESTABLISHED }));
}

/** A labeled VPN route as the reflector holds it (its Loc-RIB, which it reflects to every client). */
export interface ReflectedRoute {
  prefix: string;
  rd: string;
  label: number;
  nextHop: string;
}

interface RibPath {
  nlri: { prefix: string; labels: number[]; rd: { admin: string; assigned: number } };
  attrs: Array<{ type: number; nexthop?: string }>;
}

/** Every VPNv4 route the reflector holds, bottom label first-class (one label per route here). */
export async function reflectedRoutes(shell: Shell, api: string): Promise<ReflectedRoute[]> {
  const rib = (await gobgp<Record<string, RibPath[]> | null>(shell, api, ['global', 'rib', '-a', 'vpnv4'])) ?? {};
  return Object.values(rib).flat().map((path) => ({
    prefix: path.nlri.prefix,
    rd: `${path.nlri.rd.admin}:${path.nlri.rd.assigned}`,
    label: path.nlri.labels[path.nlri.labels.length - 1],
    nextHop: path.attrs.find((a) => a.type === 14)?.nexthop ?? '',
  }));
}

/** Makes the reflector send a neighbour every route it reflects to it again (gobgp's soft reset out). */
export async function resendRoutes(shell: Shell, api: string, neighbor: string): Promise<void> {
  const [address, port] = api.split(':');
  const result = await shell.exec(['gobgp', '-u', address, '-p', port, 'neighbor', neighbor, 'softresetout'], { timeoutMs: 10_000 });
  if (result.code !== 0) throw new NetvetError(`gobgp neighbor ${neighbor} softresetout on ${shell.name} failed: ${(result.stderr || result.stdout).trim()}`, `check that ${neighbor} is a neighbour of the reflector (gobgp neighbor)`);
}
