import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The attacking crowd, in a process of its own (as it would be on other machines): `slowBodies`
 * clients that send their headers and then one byte of a 1000-byte body every 2 s (reconnecting when
 * cut off, if `reconnect`), and `streams` clients that open the event stream and keep it open. Each connects from a
 * loopback source address of its own group (Linux answers for all of 127.0.0.0/8).
 */
const SCRIPT = String.raw`
const net = require('node:net');
const { port, slowBodies, streams, slowBodyFrom, streamFrom, seconds, reconnect } = JSON.parse(process.env.FLOOD);
const until = Date.now() + seconds * 1000;
const say = (line) => process.stdout.write(line + '\n');

function slowBody(i) {
  if (Date.now() >= until) return;
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: slowBodyFrom[i % slowBodyFrom.length] });
  let answer = '';
  const trickle = setInterval(() => socket.writable && socket.write('{'), 2000);
  socket.on('connect', () =>
    socket.write('POST /api/v1/tenants HTTP/1.1\r\nHost: origin\r\nAuthorization: Bearer x\r\n' +
      'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n'));
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => {
    clearInterval(trickle);
    say('slow-body-ended ' + JSON.stringify(answer.slice(0, 12)));
    if (reconnect) setTimeout(() => slowBody(i), 100);
  });
}

function stream(i) {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress: streamFrom[i % streamFrom.length] });
  let head = '';
  let told = false;
  socket.on('connect', () =>
    socket.write('GET /api/v1/events/stream HTTP/1.1\r\nHost: origin\r\nAccept: text/event-stream\r\n\r\n'));
  socket.on('data', (chunk) => {
    if (told) return;
    head += chunk.toString('latin1');
    const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
    if (status) {
      told = true;
      say('stream ' + status[1]);
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    if (!told) say('stream 0');
  });
}

for (let i = 0; i < slowBodies; i += 1) slowBody(i);
for (let i = 0; i < streams; i += 1) stream(i);
setTimeout(() => process.exit(0), seconds * 1000 + 2000);
`;

export interface FloodOptions {
  port: number;
  slowBodies: number;
  streams: number;
  /** Loopback source addresses the slow bodies connect from, in turn. */
  slowBodyFrom: string[];
  /** Loopback source addresses the streams connect from, in turn. */
  streamFrom: string[];
  /** How long the crowd keeps at it (the process exits after). */
  seconds: number;
  /** Whether a slow body that was cut off (or refused) connects again and starts over. */
  reconnect: boolean;
}

export interface Flood {
  /** Statuses the streams got (200: open), one per stream as they arrive. */
  streamStatuses: number[];
  /** The first bytes of each answer a slow body got before its connection closed (e.g. `HTTP/1.1 408`). */
  slowBodyEnds: string[];
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startFlood(options: FloodOptions): Flood {
  const child = spawn(process.execPath, ['-e', SCRIPT], {
    env: {
      ...process.env,
      FLOOD: JSON.stringify(options),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const flood: Flood = {
    streamStatuses: [],
    slowBodyEnds: [],
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('stream ')) flood.streamStatuses.push(Number(line.slice(7)));
    else if (line.startsWith('slow-body-ended ')) flood.slowBodyEnds.push(JSON.parse(line.slice(16)) as string);
  });
  return flood;
}
