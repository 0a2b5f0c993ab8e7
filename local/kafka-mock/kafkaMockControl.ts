import { readFile } from 'node:fs/promises';
import net from 'node:net';

/** Contents of the JSON file `triplane-kafka-mock --state-file PATH` writes once it is ready. */
export interface KafkaMockState {
  pid: number;
  /** Comma-separated `host:port` list, usable as Kafka `brokers`/`bootstrap.servers`. */
  bootstrap: string;
  /** `host:port` of the line-based control interface. */
  control: string;
  brokers: number;
  /** Topics the daemon created, with their partition counts. */
  topics: Record<string, number>;
}

const COMMAND_TIMEOUT_MS = 5000;
// The daemon closes connections whose line exceeds 1 KiB; fail fast locally instead.
const MAX_COMMAND_LENGTH = 1000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Reads and validates the daemon's state file.
 *
 * The file only exists while the daemon is up (it is written atomically once
 * the cluster listens and removed on exit), so "missing" means "not running".
 */
export async function readKafkaMockState(stateFile: string): Promise<KafkaMockState> {
  let text: string;
  try {
    text = await readFile(stateFile, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(`kafka-mock state file ${stateFile} does not exist: is triplane-kafka-mock running?`);
    }
    throw new Error(`cannot read kafka-mock state file ${stateFile}: ${(err as Error).message}`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`kafka-mock state file ${stateFile} is not valid JSON: ${(err as Error).message}`);
  }

  const invalid = (what: string): Error => new Error(`kafka-mock state file ${stateFile} is invalid: ${what}`);
  if (!isRecord(parsed)) throw invalid('expected a JSON object');
  const { pid, bootstrap, control, brokers, topics } = parsed;
  if (!isPositiveInt(pid)) throw invalid('"pid" must be a positive integer');
  if (typeof bootstrap !== 'string' || bootstrap.length === 0) throw invalid('"bootstrap" must be a non-empty string');
  if (typeof control !== 'string' || !/^[^:\s]+:\d+$/.test(control)) throw invalid('"control" must be "host:port"');
  if (!isPositiveInt(brokers)) throw invalid('"brokers" must be a positive integer');
  if (!isRecord(topics)) throw invalid('"topics" must be an object');

  const topicCounts: Record<string, number> = {};
  for (const [name, partitions] of Object.entries(topics)) {
    if (!isPositiveInt(partitions)) throw invalid(`partition count of topic "${name}" must be a positive integer`);
    topicCounts[name] = partitions;
  }
  return { pid, bootstrap, control, brokers, topics: topicCounts };
}

function parseHostPort(control: string): { host: string; port: number } {
  const colon = control.lastIndexOf(':');
  const host = control.slice(0, colon);
  const port = Number(control.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`invalid kafka-mock control address "${control}", expected host:port`);
  }
  return { host, port };
}

function checkInt(name: string, value: number): void {
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${value}`);
}

/**
 * Client for the control interface of `triplane-kafka-mock`, the librdkafka
 * mock-cluster daemon in `local/kafka-mock`.
 *
 * Each command opens its own short-lived TCP connection: commands are rare
 * (test setup, fault injection), and this keeps the client free of connection
 * state that could go stale when the daemon restarts.
 *
 * Broker ids are 1..N. Injected faults are cluster-wide and affect every
 * client of the mock, so undo them (`brokerUp`, `clearRequestErrors`,
 * `setRtt(id, 0)`) when a test is done.
 *
 * @example
 * ```ts
 * const state = await readKafkaMockState('.triplane/kafka.json');
 * const mock = new KafkaMockControl(state.control);
 * await mock.pushRequestErrors(0, 7, 3); // next 3 Produce requests: REQUEST_TIMED_OUT
 * await mock.moveLeader('orders', 0, 2);
 * await mock.brokerDown(3);
 * // ... exercise the code under test against state.bootstrap ...
 * await mock.brokerUp(3);
 * await mock.clearRequestErrors(0);
 * ```
 */
export class KafkaMockControl {
  private readonly host: string;
  private readonly port: number;

  /** @param control `host:port` of the control interface, as in {@link KafkaMockState.control}. */
  constructor(control: string) {
    const { host, port } = parseHostPort(control);
    this.host = host;
    this.port = port;
  }

  /**
   * Sends one raw protocol line and resolves with the payload after `ok`
   * (empty string when there is none). Rejects on `err`, on a dropped
   * connection, or after 5 s.
   */
  send(command: string): Promise<string> {
    // One line is one command; an embedded newline would smuggle a second one.
    if (/[\r\n\0]/.test(command)) {
      return Promise.reject(new Error('kafka-mock command must be a single line'));
    }
    if (command.trim().length === 0) {
      // The daemon ignores blank lines, so this would only ever time out.
      return Promise.reject(new Error('kafka-mock command must not be empty'));
    }
    if (command.length > MAX_COMMAND_LENGTH) {
      return Promise.reject(new Error(`kafka-mock command longer than ${MAX_COMMAND_LENGTH} characters`));
    }

    return new Promise<string>((resolve, reject) => {
      const socket = net.createConnection({ host: this.host, port: this.port });
      let buffer = '';
      let settled = false;

      const finish = (err: Error | null, payload?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve(payload ?? '');
      };

      const timer = setTimeout(() => {
        finish(new Error(`kafka-mock command "${command}" timed out after ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);

      socket.setEncoding('utf8');
      socket.on('connect', () => {
        socket.write(`${command}\n`);
      });
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        const newline = buffer.indexOf('\n');
        if (newline === -1) return;
        const line = buffer.slice(0, newline);
        if (line === 'ok' || line.startsWith('ok ')) {
          finish(null, line.slice(3));
        } else if (line.startsWith('err')) {
          finish(new Error(`kafka-mock command "${command}" failed: ${line.slice(4) || 'unknown error'}`));
        } else {
          finish(new Error(`kafka-mock command "${command}": unexpected response "${line}"`));
        }
      });
      socket.on('error', (err) => {
        finish(new Error(`kafka-mock control ${this.host}:${this.port} unreachable: ${err.message}`));
      });
      socket.on('close', () => {
        finish(new Error(`kafka-mock control closed the connection before answering "${command}"`));
      });
    });
  }

  async ping(): Promise<void> {
    const payload = await this.send('ping');
    if (payload !== 'pong') throw new Error(`kafka-mock ping: unexpected payload "${payload}"`);
  }

  /** Comma-separated bootstrap servers of the mock brokers. */
  bootstrap(): Promise<string> {
    return this.send('bootstrap');
  }

  /**
   * Closes the broker's connections and refuses new ones. Partition leadership
   * does not move, so partitions it leads stay unavailable until {@link brokerUp}.
   */
  async brokerDown(id: number): Promise<void> {
    checkInt('broker id', id);
    await this.send(`broker-down ${id}`);
  }

  async brokerUp(id: number): Promise<void> {
    checkInt('broker id', id);
    await this.send(`broker-up ${id}`);
  }

  /** Only topics created by the daemon (CLI `--topic` or {@link createTopic}) can be managed. */
  async moveLeader(topic: string, partition: number, brokerId: number): Promise<void> {
    checkInt('partition', partition);
    checkInt('broker id', brokerId);
    await this.send(`leader ${topic} ${partition} ${brokerId}`);
  }

  /**
   * The next `count` requests with this ApiKey (0 = Produce, 1 = Fetch, ...)
   * fail with the Kafka `errorCode` (e.g. 7 = REQUEST_TIMED_OUT,
   * 6 = NOT_LEADER_OR_FOLLOWER), whichever client sends them.
   */
  async pushRequestErrors(apiKey: number, errorCode: number, count: number): Promise<void> {
    checkInt('apiKey', apiKey);
    checkInt('errorCode', errorCode);
    checkInt('count', count);
    await this.send(`request-errors ${apiKey} ${errorCode} ${count}`);
  }

  async clearRequestErrors(apiKey: number): Promise<void> {
    checkInt('apiKey', apiKey);
    await this.send(`clear-errors ${apiKey}`);
  }

  /** Delays the broker's responses by `ms`; 0 removes the delay. */
  async setRtt(brokerId: number, ms: number): Promise<void> {
    checkInt('broker id', brokerId);
    checkInt('ms', ms);
    await this.send(`rtt ${brokerId} ${ms}`);
  }

  /** The Kafka CreateTopics API is not supported by the mock; this is the way to get a topic with a chosen size. */
  async createTopic(name: string, partitions: number): Promise<void> {
    checkInt('partitions', partitions);
    await this.send(`topic-create ${name} ${partitions}`);
  }

  async topics(): Promise<Record<string, number>> {
    const payload = await this.send('topics');
    const result: Record<string, number> = {};
    if (payload === '') return result;
    for (const entry of payload.split(',')) {
      const colon = entry.lastIndexOf(':');
      const partitions = Number(entry.slice(colon + 1));
      if (colon <= 0 || !Number.isInteger(partitions)) {
        throw new Error(`kafka-mock topics: malformed entry "${entry}"`);
      }
      result[entry.slice(0, colon)] = partitions;
    }
    return result;
  }

  /** Asks the daemon to exit as on SIGTERM; resolves once it has acknowledged. */
  async shutdown(): Promise<void> {
    await this.send('shutdown');
  }
}
