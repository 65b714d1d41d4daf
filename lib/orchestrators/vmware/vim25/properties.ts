import { setTimeout as sleep } from 'node:timers/promises';
import { VimFault, type Vim25Client } from './client';
import { asMoref, child, list, text, xsiType, type Moref, type Node, type SoapObject } from './xml';

/** One managed object and the properties asked of it, by property path. */
export interface ObjectContent {
  obj: Moref;
  props: Map<string, Node | Node[]>;
}

function objectContents(returnval: Node | Node[] | undefined): ObjectContent[] {
  return list(child(returnval, 'objects')).flatMap((o) => {
    const obj = asMoref(child(o, 'obj'));
    if (!obj) return [];
    const props = new Map<string, Node | Node[]>();
    for (const p of list(child(o, 'propSet'))) {
      const name = text(child(p, 'name'));
      const val = child(p, 'val');
      if (name && val !== undefined) props.set(name, val);
    }
    return [{ obj, props }];
  });
}

/** A filter spec over every object of `type` under `container` (through a ContainerView `view`). */
export function viewSpec(view: Moref, type: string, paths: readonly string[]): SoapObject {
  return {
    propSet: [{ type, all: false, pathSet: [...paths] }],
    objectSet: [{ obj: view, skip: true, selectSet: [{ $type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false }] }],
  };
}

/** A ContainerView of every object of these types under `container`; destroy it when done. */
export async function createView(client: Vim25Client, container: Moref, types: readonly string[]): Promise<Moref> {
  const { viewManager } = await client.serviceContent();
  const view = asMoref(await client.call('CreateContainerView', viewManager, { container, type: [...types], recursive: true }));
  if (!view) throw new VimFault('InvalidResponse', 'CreateContainerView returned no view', 'CreateContainerView');
  return view;
}

async function retrieveAll(client: Vim25Client, specSet: SoapObject): Promise<ObjectContent[]> {
  const { propertyCollector } = await client.serviceContent();
  let result = await client.call('RetrievePropertiesEx', propertyCollector, { specSet: [specSet], options: {} });
  const found = objectContents(result);
  for (let token = text(child(result, 'token')); token; token = text(child(result, 'token'))) {
    result = await client.call('ContinueRetrievePropertiesEx', propertyCollector, { token });
    found.push(...objectContents(result));
  }
  return found;
}

/** Every object of `type` in the inventory (or under `container`), with `paths`. */
export async function retrieveByType(client: Vim25Client, type: string, paths: readonly string[], container?: Moref): Promise<ObjectContent[]> {
  const view = await createView(client, container ?? (await client.serviceContent()).rootFolder, [type]);
  try {
    return await retrieveAll(client, viewSpec(view, type, paths));
  } finally {
    await client.call('DestroyView', view).catch(() => undefined);
  }
}

/** `paths` of one object. */
export async function retrieveOne(client: Vim25Client, obj: Moref, paths: readonly string[]): Promise<Map<string, Node | Node[]>> {
  const [found] = await retrieveAll(client, { propSet: [{ type: obj.type, all: false, pathSet: [...paths] }], objectSet: [{ obj, skip: false }] });
  return found?.props ?? new Map();
}

/** The object of `type` called `name`, if the inventory has one. */
export async function findByName(client: Vim25Client, type: string, name: string, container?: Moref): Promise<Moref | undefined> {
  return (await retrieveByType(client, type, ['name'], container)).find((o) => text(o.props.get('name') as Node) === name)?.obj;
}

/**
 * Waits for a task and returns its result; a task that fails throws `VimFault` with vCenter's
 * fault type and message, naming `what` the task was for.
 */
export async function awaitTask(client: Vim25Client, task: Node | Node[] | undefined, what: string, timeoutMs = 120_000): Promise<Node | Node[] | undefined> {
  const ref = asMoref(task);
  if (!ref) throw new VimFault('InvalidResponse', 'the call returned no task', what);
  const deadline = Date.now() + timeoutMs;
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    const props = await retrieveOne(client, ref, ['info.state', 'info.error', 'info.result']);
    const state = text(props.get('info.state'));
    if (state === 'success') return props.get('info.result');
    if (state === 'error') {
      const error = props.get('info.error') as Node;
      throw new VimFault(xsiType(child(error, 'fault')) ?? 'TaskError', text(child(error, 'localizedMessage')) ?? '(no message)', what);
    }
    if (Date.now() > deadline) throw new VimFault('Timeout', `task ${ref.value} still ${state ?? 'unknown'} after ${timeoutMs / 1000} s`, what);
    await sleep(pause);
  }
}

/** One change the PropertyCollector reports: an object entering, changing or leaving the filter. */
export interface ObjectUpdate {
  kind: 'enter' | 'modify' | 'leave';
  obj: Moref;
  changes: Map<string, Node | Node[] | undefined>;
}

/**
 * Watches objects through a PropertyCollector of its own (WaitForUpdatesEx): the first batch is
 * every object as it is, later ones what changed. `onUpdates` runs for each batch, in order,
 * and at least every 5 s with none (a heartbeat for retries), until `signal` aborts; the
 * collector is destroyed then.
 */
export async function watch(client: Vim25Client, specs: SoapObject[], onUpdates: (updates: ObjectUpdate[]) => Promise<void>, signal: AbortSignal): Promise<void> {
  const { propertyCollector } = await client.serviceContent();
  const collector = asMoref(await client.call('CreatePropertyCollector', propertyCollector));
  if (!collector) throw new VimFault('InvalidResponse', 'CreatePropertyCollector returned no collector', 'CreatePropertyCollector');
  try {
    for (const spec of specs) await client.call('CreateFilter', collector, { spec, partialUpdates: false });
    let version = '';
    while (!signal.aborted) {
      const set = await client.call('WaitForUpdatesEx', collector, { version, options: { maxWaitSeconds: 5 } });
      if (set === undefined || set === '') {
        await onUpdates([]);
        continue;
      }
      version = text(child(set, 'version')) ?? version;
      const updates = list(child(set, 'filterSet')).flatMap((f) =>
        list(child(f, 'objectSet')).flatMap((o): ObjectUpdate[] => {
          const obj = asMoref(child(o, 'obj'));
          if (!obj) return [];
          const changes = new Map<string, Node | Node[] | undefined>();
          for (const c of list(child(o, 'changeSet'))) {
            const name = text(child(c, 'name'));
            if (name) changes.set(name, text(child(c, 'op')) === 'remove' ? undefined : child(c, 'val'));
          }
          return [{ kind: (text(child(o, 'kind')) ?? 'modify') as ObjectUpdate['kind'], obj, changes }];
        }),
      );
      await onUpdates(updates);
    }
  } finally {
    await client.call('DestroyPropertyCollector', collector).catch(() => undefined);
  }
}
