import { expect, test } from '../../../fixtures';

/**
 * Port forwarding on floating IP `pf`, from outside (the runner):
 * - TCP/5000 and UDP/7007 reach vm1, TCP/5001 and HTTP/8080 reach vm2 (each reply names who
 *   answered), and the workloads see the client's own address;
 * - ports and protocols not forwarded (TCP/22, TCP/5002, UDP/5000) answer nothing.
 */
test(
  'port forwarding: each forwarded port of a floating IP reaches its workload, other ports nothing',
  { tag: ['@regression', '@nat', '@fip'], annotation: [{ type: 'id', description: 'NV-NAT-003' }, { type: 'requires', description: 'nat:port-forwarding' }] },
  async ({ deploy, send, target }) => {
    const built = await deploy('topologies/nat-port-forwarding.yaml');
    const client = target.externalNetwork!.runnerAddress;
    const address = built.floatingIps.pf.address;

    await test.step(`forwarded ports of ${address} reach vm1 and vm2`, async () => {
      for (const [kind, port, workload] of [['tcp', 5000, 'vm1'], ['udp', 7007, 'vm1'], ['tcp', 5001, 'vm2'], ['http', 8080, 'vm2']] as const) {
        const reply = await send(built, 'runner', 'pf', { kind, port });
        expect(reply, `${kind}/${port}`).toPass();
        expect(reply.reply, `${kind}/${port}: who answered, and the source it saw`).toBe(`${workload} ${client}`);
      }
    });
    await test.step('ports not forwarded answer nothing', async () => {
      const denied = [['tcp', 22], ['tcp', 5002], ['udp', 5000]] as const;
      const results = await Promise.all(denied.map(([kind, port]) => send(built, 'runner', 'pf', { kind, port }, false)));
      results.forEach((result, i) => expect(result, `${denied[i].join('/')}`).not.toPass());
    });
  },
);
