'use strict';
// Shared by the Kinesis API suite, the load generator and the visibility poller: where the AWS SDK
// comes from, how a client is configured from the environment, and small helpers.
//
// Environment (all optional):
//   KINESIS_ENDPOINT        http://127.0.0.1:4566
//   KINESIS_HTTP            "1" → HTTP/1.1 (NodeHttpHandler, what boto3 and the AWS CLI speak);
//                           "2" → the SDK default NodeHttp2Handler (h2c with prior knowledge on http://)
//   KINESIS_REGION          us-east-1
//   KINESIS_ACCESS_KEY_ID / KINESIS_SECRET_ACCESS_KEY, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY,
//                           else a dummy key (servers that do not check signatures accept anything)

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const crypto = require('node:crypto');

// infra/package.json pins the SDK; prefer its node_modules, fall back to NODE_PATH resolution.
const infraModules = path.resolve(__dirname, '..', '..', '..', 'infra', 'node_modules');

function load(name) {
  const pinned = path.join(infraModules, name);
  return fs.existsSync(pinned) ? require(pinned) : require(name);
}

const sdk = load('@aws-sdk/client-kinesis');
const { NodeHttpHandler } = load('@smithy/node-http-handler');

const MAX_HASH_KEY = (1n << 128n) - 1n;

function settingsFromEnv(env = process.env) {
  const httpVersion = env.KINESIS_HTTP === '2' ? '2' : '1';
  return {
    endpoint: env.KINESIS_ENDPOINT || 'http://127.0.0.1:4566',
    httpVersion,
    region: env.KINESIS_REGION || 'us-east-1',
    credentials: {
      accessKeyId: env.KINESIS_ACCESS_KEY_ID || env.AWS_ACCESS_KEY_ID || 'AKIDDUMMYDUMMYDUMMY',
      secretAccessKey: env.KINESIS_SECRET_ACCESS_KEY || env.AWS_SECRET_ACCESS_KEY || 'dummy-secret',
    },
  };
}

/**
 * A KinesisClient for the given settings. HTTP/1.1 uses a keep-alive agent sized for `maxSockets`
 * concurrent requests; HTTP/2 keeps the SDK's own handler and its defaults (a session per request),
 * so we test what users get. `requestTimeoutMs` fails a request that stalls (HTTP/1.1: no complete
 * response in time; HTTP/2: no activity on the stream in time).
 */
function createClient(settings, { maxSockets = 16, maxAttempts = 3, credentials, requestTimeoutMs } = {}) {
  const config = {
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: credentials || settings.credentials,
    maxAttempts,
  };
  if (settings.httpVersion === '1') {
    config.requestHandler = new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets }),
      connectionTimeout: 5000,
      requestTimeout: requestTimeoutMs,
      throwOnRequestTimeout: requestTimeoutMs !== undefined,
    });
  } else if (requestTimeoutMs !== undefined) {
    // The options the SDK's default NodeHttp2Handler is built with, plus the timeout.
    config.requestHandler = { disableConcurrentStreams: true, requestTimeout: requestTimeoutMs };
  }
  return new sdk.KinesisClient(config);
}

/** A stream name unique to this run: letters, digits and dashes, well under the 128-character limit. */
function uniqueName(tag) {
  return `sdk-${tag}-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Calls `probe` until it returns a truthy value, or throws naming `what` after `timeoutMs`. */
async function waitFor(what, probe, { timeoutMs = 30000, intervalMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) {
      return last;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(intervalMs);
  }
}

/** Polls DescribeStreamSummary until the stream is ACTIVE; returns every status seen, in order. */
async function waitForStreamActive(client, streamName, options) {
  const seen = [];
  await waitFor(`stream ${streamName} to become ACTIVE`, async () => {
    const { StreamDescriptionSummary: s } = await client.send(new sdk.DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (seen[seen.length - 1] !== s.StreamStatus) {
      seen.push(s.StreamStatus);
    }
    return s.StreamStatus === 'ACTIVE';
  }, options);
  return seen;
}

/** A partition key's hash key as Kinesis computes it: MD5 of its UTF-8 bytes, read as a big-endian 128-bit integer. */
function hashKeyOf(partitionKey) {
  return BigInt('0x' + crypto.createHash('md5').update(partitionKey, 'utf8').digest('hex'));
}

/** The p-quantile (0..1) of an ascending-sorted array, nearest-rank. */
function percentile(sorted, p) {
  if (sorted.length === 0) {
    return null;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Milliseconds on a clock every process on this machine shares (Unix epoch, sub-millisecond). */
const wallClockMs = () => performance.timeOrigin + performance.now();

module.exports = {
  sdk,
  NodeHttpHandler,
  MAX_HASH_KEY,
  settingsFromEnv,
  createClient,
  uniqueName,
  sleep,
  waitFor,
  waitForStreamActive,
  hashKeyOf,
  percentile,
  wallClockMs,
};
