/**
 * toxiproxy's HTTP API (v2): proxies (listen -> upstream) and the toxics on them. Attribute names and
 * units are the server's (toxics/*.go in v2.5.0): milliseconds for latency, jitter and timeouts, KB/s
 * for bandwidth. A toxic on `downstream` acts on what the upstream sends back to the client.
 */
export type ToxicStream = 'upstream' | 'downstream';

export type Toxic =
  /** Every chunk waits latency ± jitter ms. */
  | { type: 'latency'; attributes: { latency: number; jitter?: number } }
  /** Nothing goes through; the connection closes after `timeout` ms (0: held open until the toxic goes). */
  | { type: 'timeout'; attributes: { timeout: number } }
  /** TCP RST after `timeout` ms (0: at once): a connection cut, as a dying host or a firewall would. */
  | { type: 'reset_peer'; attributes: { timeout: number } }
  /** At most `rate` KB/s. */
  | { type: 'bandwidth'; attributes: { rate: number } };

export interface ProxySpec {
  name: string;
  /** host:port toxiproxy listens on. */
  listen: string;
  /** host:port it forwards to. */
  upstream: string;
}

export class ToxiproxyClient {
  constructor(private readonly baseUrl: string) {}

  async createProxy(spec: ProxySpec): Promise<void> {
    await this.call('POST', '/proxies', { ...spec, enabled: true });
  }

  async deleteProxy(name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(name)}`);
  }

  /** A disabled proxy closes every connection and refuses new ones: the host is unreachable ("down"). */
  async setEnabled(name: string, enabled: boolean): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(name)}`, { enabled });
  }

  /** Adds a toxic named `toxicName`; `toxicity` is the share of connections it applies to (1 = all). */
  async addToxic(proxy: string, toxicName: string, toxic: Toxic, options: { stream?: ToxicStream; toxicity?: number } = {}): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, {
      name: toxicName,
      type: toxic.type,
      stream: options.stream ?? 'downstream',
      toxicity: options.toxicity ?? 1,
      attributes: toxic.attributes,
    });
  }

  async removeToxic(proxy: string, toxicName: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxicName)}`);
  }

  /** Names of the toxics on a proxy. */
  async toxics(proxy: string): Promise<string[]> {
    const body = await this.call('GET', `/proxies/${encodeURIComponent(proxy)}/toxics`);
    return Array.isArray(body) ? body.flatMap((toxic: unknown) => (typeof toxic === 'object' && toxic !== null && 'name' in toxic && typeof toxic.name === 'string' ? [toxic.name] : [])) : [];
  }

  /** Every proxy enabled again and every toxic removed (the proxies themselves stay). */
  async reset(): Promise<void> {
    await this.call('POST', '/reset');
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`toxiproxy ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    if (text === '') return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
}
