// Where one relayed message spends its time inside the hub, stage by stage.
//
// A preload for the `switchboard run` processes the end-to-end benchmarks start:
//   NODE_OPTIONS="--import ./bench/tools/hot-path-trace.mjs" npm run bench -- relay-latency
// In a switchboard process (and only there) it times each benchmark message from the socket read
// that brought it (an IRC PRIVMSG or an XMPP groupchat or chat message carrying `bench <run> <seq>`) to the
// first entry into each stage below, to the socket write that sends it on, and to the end of that
// write. Medians per stage (µs), over the last two thirds of the messages (after warm-up), are
// written to /tmp/hot-path-<pid>.json every 2 s and at exit. The wrappers add a few µs per stage:
// read the figures as a breakdown, not as the untraced latency. Development tool: not used by
// `npm test` or `npm run bench` unless preloaded like this.
import net from 'node:net';
import { writeFileSync } from 'node:fs';

const DIST = new URL('../../dist/src/', import.meta.url).href;

/** The stages: file under dist/src, exported class, methods. */
const STAGES = [
  ['networks/irc/inbound.js', 'InboundMapper', ['handle']],
  ['networks/xmpp/inbound.js', 'Inbound', ['handle']],
  ['core/dispatcher.js', 'Dispatcher', ['ingest', 'handle', 'runListeners']],
  ['features/relay/relay.js', 'Relay', ['onMessage', 'mayRelay', 'relayMessage', 'fanOut']],
  ['features/relay/queue.js', 'TargetQueue', ['push', 'work', 'attempt']],
  ['features/relay/deliver.js', 'Deliverer', ['deliver', 'send']],
  ['networks/xmpp/outbound.js', 'Outbound', ['send', 'sendMessage']],
  ['networks/irc/outbound.js', 'Outbound', ['send']],
];

const isHub = process.argv.some((arg) => arg.endsWith('switchboard.js'));

if (isHub) {
  const traced = { 'IRC→XMPP': [], 'XMPP→IRC': [] };
  /** The message being followed: when it was read, which way it goes, the stages reached. */
  let current = null;
  const since = (t) => Number(process.hrtime.bigint() - t) / 1e3;
  const reach = (stage) => {
    if (current !== null && current.stages[stage] === undefined) current.stages[stage] = since(current.readAt);
  };

  const emit = net.Socket.prototype.emit;
  net.Socket.prototype.emit = function (event, data, ...rest) {
    if (event === 'data' && current === null && data !== undefined) {
      const text = typeof data === 'string' ? data : data.toString('latin1');
      if (text.includes(' PRIVMSG #') && text.includes('bench ')) current = { way: 'IRC→XMPP', readAt: process.hrtime.bigint(), stages: {} };
      else if (text.includes('<message') && /type=["'](?:groupchat|chat)["']/.test(text) && text.includes('bench ') && !text.includes('relayed')) {
        current = { way: 'XMPP→IRC', readAt: process.hrtime.bigint(), stages: {} };
      }
    }
    return emit.call(this, event, data, ...rest);
  };

  const write = net.Socket.prototype.write;
  net.Socket.prototype.write = function (chunk, ...rest) {
    if (current !== null) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      const onward = current.way === 'IRC→XMPP' ? text.includes('<message') : text.includes('PRIVMSG');
      if (onward) {
        const message = current;
        current = null;
        message.stages['socket write'] = since(message.readAt);
        const result = write.call(this, chunk, ...rest);
        message.stages['socket write returned'] = since(message.readAt);
        traced[message.way].push(message.stages);
        return result;
      }
    }
    return write.call(this, chunk, ...rest);
  };

  for (const [file, className, methods] of STAGES) {
    const exported = (await import(DIST + file))[className];
    for (const method of methods) {
      const original = exported.prototype[method];
      exported.prototype[method] = function (...args) {
        reach(`${className}.${method}`);
        return original.apply(this, args);
      };
    }
  }

  const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const dump = () => {
    const out = {};
    for (const [way, messages] of Object.entries(traced)) {
      const recorded = messages.slice(Math.floor(messages.length / 3));
      if (recorded.length === 0) continue;
      const stages = [...new Set(recorded.flatMap((m) => Object.keys(m)))];
      const medians = stages.map((stage) => [stage, Math.round(median(recorded.map((m) => m[stage]).filter((v) => v !== undefined)))]);
      out[way] = { messages: recorded.length, medianMicroseconds: Object.fromEntries(medians.sort((a, b) => a[1] - b[1])) };
    }
    writeFileSync(`/tmp/hot-path-${process.pid}.json`, `${JSON.stringify(out, null, 2)}\n`);
  };
  setInterval(dump, 2000).unref();
  process.on('exit', dump);
}
