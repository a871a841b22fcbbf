// Cross-checks our event stream codec against the one the AWS SDK for JavaScript v3 really uses.
// Usage: node smithy-eventstream.mjs <infra dir> <decode|encode|subscribe>, a JSON request on stdin,
// a JSON answer on stdout. Packages resolve from infra/node_modules (installed by `npm ci` there).
import { createRequire } from "node:module";
import path from "node:path";
import { Readable } from "node:stream";

const [infraDir, mode] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(infraDir), "package.json"));
const { EventStreamCodec, Int64, getChunkedStream } = require("@smithy/core/event-streams");
const { fromUtf8, toUtf8 } = require("@smithy/core/serde");
const { HttpResponse } = require("@smithy/core/transport");

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const b64 = (bytes) => Buffer.from(bytes).toString("base64");
const unb64 = (text) => new Uint8Array(Buffer.from(text, "base64"));

// Headers travel as [{ name, type, value }] with smithy's type names; longs as decimal strings,
// binaries as base64, timestamps as epoch milliseconds.
function toSmithyHeaders(headers) {
  const out = {};
  for (const { name, type, value } of headers) {
    switch (type) {
      case "long": {
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(value)), false);
        out[name] = { type, value: new Int64(bytes) };
        break;
      }
      case "binary":
        out[name] = { type, value: unb64(value) };
        break;
      case "timestamp":
        out[name] = { type, value: new Date(value) };
        break;
      default:
        out[name] = { type, value };
    }
  }
  return out;
}

function fromSmithyHeaders(headers) {
  return Object.entries(headers).map(([name, { type, value }]) => {
    switch (type) {
      case "long":
        return { name, type, value: BigInt.asIntN(64, new DataView(value.bytes.buffer, value.bytes.byteOffset, 8).getBigUint64(0, false)).toString() };
      case "binary":
        return { name, type, value: b64(value) };
      case "timestamp":
        return { name, type, value: value.getTime() };
      default:
        return { name, type, value };
    }
  });
}

async function* chunks(bytes, size) {
  for (let i = 0; i < bytes.length; i += size) {
    yield bytes.subarray(i, Math.min(i + size, bytes.length));
  }
}

async function decode({ data, chunkSize }) {
  const messages = [];
  for await (const whole of getChunkedStream(chunks(unb64(data), chunkSize))) {
    const { headers, body } = codec.decode(whole);
    messages.push({ headers: fromSmithyHeaders(headers), body: b64(body) });
  }
  return { messages };
}

function encode({ messages }) {
  const encoded = messages.map(({ headers, body }) => codec.encode({ headers: toSmithyHeaders(headers), body: unb64(body) }));
  return { data: b64(Buffer.concat(encoded)) };
}

// Runs the real SubscribeToShardCommand against a canned HTTP response whose body is our bytes.
async function subscribe({ data, chunkSize, statusCode }) {
  const { KinesisClient, SubscribeToShardCommand } = require("@aws-sdk/client-kinesis");
  let sent;
  const client = new KinesisClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:9",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request) => {
        sent = request;
        const body = Readable.from((async function* () { yield* chunks(unb64(data), chunkSize); })());
        return { response: new HttpResponse({ statusCode: statusCode ?? 200, headers: { "content-type": "application/vnd.amazon.eventstream" }, body }) };
      },
    },
  });
  const events = [];
  let error = null;
  let outputKeys = [];
  try {
    const output = await client.send(new SubscribeToShardCommand({
      ConsumerARN: "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1",
      ShardId: "shardId-000000000000",
      StartingPosition: { Type: "TRIM_HORIZON" },
    }));
    outputKeys = Object.keys(output).filter((k) => k !== "$metadata");
    for await (const event of output.EventStream) {
      events.push(event);
    }
  } catch (e) {
    error = { name: e.name, message: e.message, className: e.constructor?.name ?? null, fault: e.$fault ?? null };
  }
  const replacer = (key, value) => (value instanceof Uint8Array ? b64(value) : value);
  return {
    request: { target: sent?.headers["x-amz-target"], contentType: sent?.headers["content-type"] },
    outputKeys,
    events: JSON.parse(JSON.stringify(events, replacer)),
    error,
  };
}

let input = "";
for await (const piece of process.stdin) {
  input += piece;
}
const request = JSON.parse(input);
const handlers = { decode, encode, subscribe };
if (!handlers[mode]) {
  throw new Error(`unknown mode ${mode}`);
}
process.stdout.write(JSON.stringify(await handlers[mode](request)));
