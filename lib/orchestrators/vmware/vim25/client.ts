import { request } from 'node:https';
import { NetvetError } from '../../../util/errors';
import { asMoref, child, envelope, list, moref, responseBody, text, xsiType, type Moref, type Node, type SoapObject } from './xml';

/** Where a vCenter answers and who logs in to it. */
export interface VcenterLogin {
  /** The SDK endpoint, as govc's GOVC_URL: https://host/sdk. */
  url: string;
  username: string;
  password: string;
  /** PEM certificates the server's certificate must chain to (a self-signed vCenter's own); the system's when absent. */
  ca?: string;
}

/** A vCenter fault (a SOAP fault, or a task's error): its type and vCenter's own message. */
export class VimFault extends NetvetError {
  constructor(
    readonly fault: string,
    readonly vcenterMessage: string,
    what: string,
  ) {
    super(`${what} failed with vCenter fault ${fault}: ${vcenterMessage}`, fixFor(fault));
    this.name = 'VimFault';
  }
}

function fixFor(fault: string): string {
  if (fault === 'InvalidLogin') return 'check the vCenter credentials (the target file names the file that holds them)';
  if (fault === 'NotAuthenticated') return 'the session expired: run again';
  if (fault === 'ManagedObjectNotFound') return 'the object is gone from vCenter (removed behind netvet\'s back?): run netvet cleanup, then again';
  if (fault === 'DuplicateName') return "a leftover of an earlier run holds the name: run 'netvet cleanup'";
  return "see the vCenter's task list and log for the object";
}

/** The managed objects every session starts from (ServiceContent). */
export interface ServiceContent {
  rootFolder: Moref;
  propertyCollector: Moref;
  viewManager: Moref;
  sessionManager: Moref;
  about: { fullName: string; apiVersion: string; instanceUuid: string };
}

const SERVICE_INSTANCE = moref('ServiceInstance', 'ServiceInstance');

/**
 * A vim25 session over HTTPS: the session cookie vCenter sets at login rides on every call.
 * Calls return the parsed `returnval`; SOAP faults throw `VimFault`.
 */
export class Vim25Client {
  private cookie?: string;
  private content?: ServiceContent;

  constructor(private readonly login: VcenterLogin) {}

  /** One call: `method` on `self` with its arguments (in WSDL order). */
  async call(method: string, self: Moref, args: SoapObject = {}): Promise<Node | Node[] | undefined> {
    const { status, body, cookie } = await this.post(envelope(method, self, args));
    if (cookie) this.cookie = cookie;
    const parsed = responseBody(body);
    const faultKey = Object.keys(parsed).find((k) => k === 'Fault' || k.endsWith(':Fault'));
    if (faultKey) {
      const fault = parsed[faultKey];
      const detail = child(fault, 'detail');
      const first = detail && typeof detail === 'object' && !Array.isArray(detail) ? Object.values(detail).find((v) => typeof v === 'object') : undefined;
      throw new VimFault(xsiType(first) ?? 'SOAP fault', text(child(fault, 'faultstring')) ?? '(no message)', method);
    }
    if (status !== 200) throw new NetvetError(`${method} on ${this.login.url} answered HTTP ${status}`, 'check the target file\'s vmware url (it ends in /sdk)');
    return child(parsed[`${method}Response`], 'returnval');
  }

  private post(xml: string): Promise<{ status: number; body: string; cookie?: string }> {
    const url = new URL(this.login.url);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          ca: this.login.ca,
          headers: {
            'content-type': 'text/xml; charset=utf-8',
            soapaction: 'urn:vim25/7.0',
            ...(this.cookie ? { cookie: this.cookie } : {}),
          },
          timeout: 60_000,
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => {
            const session = (res.headers['set-cookie'] ?? []).find((c) => c.startsWith('vmware_soap_session='));
            resolve({ status: res.statusCode ?? 0, body, cookie: session?.split(';')[0] });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
      req.on('error', (error) =>
        reject(new NetvetError(`vCenter at ${this.login.url} does not answer: ${error.message}`, 'check the url and that the vCenter (or the lab\'s vcsim) runs; a self-signed certificate needs its CA in the credentials file')),
      );
      req.end(xml);
    });
  }

  /** The ServiceContent, asked once. */
  async serviceContent(): Promise<ServiceContent> {
    if (this.content) return this.content;
    const sc = await this.call('RetrieveServiceContent', SERVICE_INSTANCE);
    const ref = (key: string) => {
      const found = asMoref(child(sc, key));
      if (!found) throw new NetvetError(`the vCenter's ServiceContent has no ${key}`, 'netvet speaks vim25 to vCenter 6.5 or later');
      return found;
    };
    const about = child(sc, 'about');
    this.content = {
      rootFolder: ref('rootFolder'),
      propertyCollector: ref('propertyCollector'),
      viewManager: ref('viewManager'),
      sessionManager: ref('sessionManager'),
      about: { fullName: text(child(about, 'fullName')) ?? '', apiVersion: text(child(about, 'apiVersion')) ?? '', instanceUuid: text(child(about, 'instanceUuid')) ?? '' },
    };
    return this.content;
  }

  /** Logs in (the session cookie is kept for the calls that follow). */
  async connect(): Promise<ServiceContent> {
    const content = await this.serviceContent();
    await this.call('Login', content.sessionManager, { userName: this.login.username, password: this.login.password });
    return content;
  }

  async logout(): Promise<void> {
    if (!this.cookie || !this.content) return;
    await this.call('Logout', this.content.sessionManager).catch(() => undefined);
    this.cookie = undefined;
  }
}

/** The morefs in a list of `ManagedObjectReference` elements. */
export function morefs(node: Node | Node[] | undefined): Moref[] {
  return list(node).flatMap((n) => {
    const ref = asMoref(n);
    return ref ? [ref] : [];
  });
}
