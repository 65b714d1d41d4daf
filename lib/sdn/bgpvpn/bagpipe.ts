/** The OVS bridge bagpipe's IP VPN driver owns on each PE (pre-created: the driver refuses to start without it). */
export const PE_BRIDGE = 'br-mpls';
/** bagpipe-bgp's REST API (attachments and the looking glass), its default port. */
export const PE_API_PORT = 8082;

/** GETs a path of bagpipe-bgp's looking glass (`bgp/peers`, `vpns/instances/<id>`) as JSON. */
export async function lookingGlass<T>(api: string, path: string, timeoutMs = 3000): Promise<T> {
  const response = await fetch(`${api}/looking-glass/${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${api}/looking-glass/${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Each BGP peer of a PE and its session state (`Established` when up). */
export function peerStates(api: string): Promise<Array<{ id: string; state: string }>> {
  return lookingGlass(api, 'bgp/peers');
}
