import { z } from 'zod';

/**
 * What a VM's guest is told about itself, in the VM's extraConfig as cloud-init's VMware
 * datasource reads it (`guestinfo.metadata`, base64, a netplan v2 `network`): hostname, one
 * ethernet per NIC matched by MAC with its addresses and routes, and the keys that may log in.
 * The driver writes it; whatever plays the guest (the lab's vCenter plugin) configures from it.
 */
export const guestMetadata = z
  .object({
    'local-hostname': z.string(),
    network: z.object({
      version: z.literal(2),
      ethernets: z.record(
        z.string(),
        z.object({
          match: z.object({ macaddress: z.string() }),
          'set-name': z.string(),
          addresses: z.array(z.string()),
          mtu: z.number().int(),
          dhcp4: z.boolean(),
          gateway4: z.string().optional(),
          routes: z.array(z.object({ to: z.string(), via: z.string() })).default([]),
        }),
      ),
    }),
    'public-keys': z.array(z.string()),
    /** The guest routes between its NICs (ip_forward). */
    forwarding: z.boolean().default(false),
  })
  .passthrough();

export type GuestMetadata = z.infer<typeof guestMetadata>;

export const METADATA_KEY = 'guestinfo.metadata';
export const METADATA_ENCODING_KEY = 'guestinfo.metadata.encoding';

/** The extraConfig entries that carry the metadata. */
export function metadataOptions(metadata: GuestMetadata): Array<{ key: string; value: string }> {
  return [
    { key: METADATA_KEY, value: Buffer.from(JSON.stringify(metadata)).toString('base64') },
    { key: METADATA_ENCODING_KEY, value: 'base64' },
  ];
}

/** The metadata in a VM's extraConfig (key to value), or undefined when it has none or it does not parse. */
export function readMetadata(extraConfig: ReadonlyMap<string, string>): GuestMetadata | undefined {
  const raw = extraConfig.get(METADATA_KEY);
  if (!raw) return undefined;
  const text = extraConfig.get(METADATA_ENCODING_KEY) === 'base64' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  try {
    const parsed = guestMetadata.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
