import type { HostFault as HostFaultShape, InjectedFault } from './types';

/** One injected fault: what it broke, when, and how to put it back. Undoing twice is harmless. */
export class Fault implements InjectedFault {
  undoneAt?: number;

  constructor(
    readonly description: string,
    readonly at: number,
    private readonly revert: () => Promise<void>,
  ) {}

  get undone(): boolean {
    return this.undoneAt !== undefined;
  }

  async undo(): Promise<void> {
    if (this.undone) return;
    await this.revert();
    this.undoneAt = Date.now();
  }
}

/** A fault on one host (the member that was the leader, the northd that was active). */
export class HostFault extends Fault implements HostFaultShape {
  constructor(
    readonly host: string,
    description: string,
    revert: () => Promise<void>,
  ) {
    super(description, Date.now(), revert);
  }
}
