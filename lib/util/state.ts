/** Where netvet keeps what must outlive a process (labs, run journals, target changes, locks): NETVET_STATE_DIR moves it. */
export function stateRoot(): string {
  return process.env.NETVET_STATE_DIR ?? '/var/lib/netvet';
}
