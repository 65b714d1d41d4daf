import { setTimeout as sleep } from 'node:timers/promises';
import { NetvetError } from '../../util/errors';

/** A Keystone v3 password login and the project it is scoped to. */
export interface Login {
  authUrl: string;
  username: string;
  password: string;
  userDomain: { id?: string; name?: string };
  project: { id: string } | { name: string; domain: { id?: string; name?: string } };
  regionName?: string;
  interface: string;
}

interface CatalogEntry {
  type: string;
  endpoints: Array<{ interface: string; region_id?: string; region?: string; url: string }>;
}

interface Token {
  value: string;
  expiresAt: number;
  catalog: CatalogEntry[];
  projectId: string;
  userId: string;
}

/** An API call that failed, with the service's own words; secrets are masked out of it. */
export class OpenStackError extends NetvetError {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${method} ${path} answered ${status}: ${detail}`, hintFor(status, detail));
    this.name = 'OpenStackError';
  }
}

function hintFor(status: number, detail: string): string {
  if (/quota exceeded/i.test(detail)) return "raise the project's quota ('openstack quota set') or ask for less (a smaller flavor)";
  if (status === 401) return 'check the credentials (clouds.yaml or OS_* variables)';
  if (status === 403) return 'the user lacks the role this call needs (netvet needs an admin to make projects and bind ports)';
  if (status === 409) return "a quota or a resource in use: run 'netvet cleanup' to remove what earlier runs left";
  return 'see the service log on the cloud';
}

/** Every secret a session knows, so logs and reports can mask them. */
const SECRETS = new Set<string>();

/** Text with every password and token netvet holds replaced by `***`. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const secret of SECRETS) if (secret.length >= 6) masked = masked.split(secret).join('***');
  return masked;
}

/** Tokens are renewed this long before they expire, so a long test never carries a dead one. */
const RENEW_BEFORE_MS = 5 * 60_000;
/** How long a 409 (in use, being changed) is retried, as Tempest's cleanups do. */
const CONFLICT_RETRY_MS = 60_000;

export interface RequestOptions {
  /** DELETE and the like: a 404 means the thing is already gone, which is what was asked. */
  notFoundOk?: boolean;
  /** Retries a 409 until this deadline (the resource is still in use or busy). */
  retryConflict?: boolean;
}

/**
 * One authenticated identity: a token scoped to one project, renewed before it expires and once
 * more on a 401, and the service catalog that came with it.
 */
export class Session {
  private token?: Token;

  constructor(private readonly login: Login) {
    SECRETS.add(login.password);
  }

  private async authenticate(): Promise<Token> {
    const l = this.login;
    const scope = 'id' in l.project ? { project: { id: l.project.id } } : { project: { name: l.project.name, domain: l.project.domain } };
    const url = `${l.authUrl.replace(/\/+$/, '').replace(/\/v3$/, '')}/v3/auth/tokens`;
    const body = { auth: { identity: { methods: ['password'], password: { user: { name: l.username, domain: l.userDomain, password: l.password } } }, scope } };
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) }).catch(
      (error: Error) => {
        throw new NetvetError(`Keystone at ${l.authUrl} does not answer: ${error.message}`, 'check auth_url and that Keystone runs');
      },
    );
    const text = await response.text();
    if (!response.ok) throw new OpenStackError(response.status, 'POST', `${url} (login of ${l.username})`, maskSecrets(text).slice(0, 300));
    const token = (JSON.parse(text) as { token: { expires_at: string; catalog?: CatalogEntry[]; project: { id: string }; user: { id: string } } }).token;
    const value = response.headers.get('x-subject-token') ?? '';
    SECRETS.add(value);
    return { value, expiresAt: Date.parse(token.expires_at), catalog: token.catalog ?? [], projectId: token.project.id, userId: token.user.id };
  }

  private async current(): Promise<Token> {
    if (!this.token || this.token.expiresAt - Date.now() < RENEW_BEFORE_MS) this.token = await this.authenticate();
    return this.token;
  }

  async projectId(): Promise<string> {
    return (await this.current()).projectId;
  }

  async userId(): Promise<string> {
    return (await this.current()).userId;
  }

  /** The URL of a service (`identity`, `network`, `compute`) from the catalog, for this login's interface and region. */
  async endpoint(type: string): Promise<string> {
    const { catalog } = await this.current();
    const found = catalog
      .find((c) => c.type === type)
      ?.endpoints.find((e) => e.interface === this.login.interface && (!this.login.regionName || (e.region_id ?? e.region) === this.login.regionName));
    if (!found) throw new NetvetError(`the catalog of ${this.login.authUrl} has no ${this.login.interface} ${type} endpoint`, 'register the service in Keystone, or set interface/region_name for the cloud');
    const url = found.url.replace(/\/+$/, '');
    // Catalogs differ on whether the version is in the URL; the clients' paths carry it.
    if (type === 'identity') return `${url.replace(/\/v3$/, '')}/v3`;
    if (type === 'network') return url.replace(/\/v2\.0$/, '');
    return url;
  }

  /** One call to a service; JSON in and out. */
  async request<T>(service: string, method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const deadline = Date.now() + CONFLICT_RETRY_MS;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const url = `${await this.endpoint(service)}${path}`;
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': (await this.current()).value },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      if (response.ok) return (text ? JSON.parse(text) : {}) as T;
      if (response.status === 404 && options.notFoundOk) return {} as T;
      if (response.status === 401 && !renewed) {
        // Revoked or expired early: log in again, once.
        this.token = undefined;
        renewed = true;
        continue;
      }
      if (response.status === 409 && options.retryConflict && Date.now() < deadline) {
        await sleep(Math.min(200 * 2 ** attempt, 2000));
        continue;
      }
      throw new OpenStackError(response.status, method, path, describeFault(text));
    }
  }
}

/** The message of an OpenStack fault body (`{"NeutronError": {"message": ...}}`, `{"error": {"message": ...}}`), masked. */
function describeFault(text: string): string {
  try {
    const parsed = JSON.parse(text) as Record<string, { message?: string; type?: string }>;
    const fault = Object.values(parsed)[0];
    if (fault?.message) return maskSecrets(`${fault.type ? `${fault.type}: ` : ''}${fault.message}`);
  } catch {
    // not JSON: the text itself
  }
  return maskSecrets(text.slice(0, 300));
}
