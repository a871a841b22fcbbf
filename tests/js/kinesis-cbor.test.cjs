'use strict';
// Kinesis over CBOR (Content-Type application/x-amz-cbor-1.1), the wire form the AWS SDK for Java v2, and so
// the KCL, speaks to Kinesis by default. The Java SDK does not run here, so requests are made the way it makes
// them (X-Amz-Target as for JSON; indefinite-length maps; blobs as byte strings; timestamps as tag 1 over an
// integer of epoch milliseconds) with the CBOR codec of the AWS SDK for JavaScript (@smithy/core/cbor), which
// also decodes every answer, and SubscribeToShard's event stream is read with @smithy/core's event stream codec.
//
//   KINESIS_ENDPOINT=http://127.0.0.1:4566 node --test tests/js/kinesis-cbor.test.cjs
//
// The server must accept unsigned requests (no access keys configured), as the host does by default.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const http2 = require('node:http2');
const path = require('node:path');
const { createRequire } = require('node:module');

const infra = createRequire(path.resolve(__dirname, '..', '..', 'infra', 'package.json'));
const { cbor, tag } = infra('@smithy/core/cbor');
const { EventStreamCodec } = infra('@smithy/core/event-streams');
const { fromUtf8, toUtf8 } = infra('@smithy/core/serde');

const endpoint = new URL(process.env.KINESIS_ENDPOINT || 'http://127.0.0.1:4566');
const CBOR = 'application/x-amz-cbor-1.1';
const unique = (tagName) => `cbor-${tagName}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** Tag 1 over integer epoch milliseconds: how the Java SDK sends a timestamp (RFC 8949 would say seconds). */
const javaTimestamp = (date) => tag({ tag: 1, value: date.getTime() });

/** Wraps an encoded map in indefinite-length form (0xBF … 0xFF), as the Java SDK's generator writes every map. */
function indefinite(definiteMap) {
  const bytes = Buffer.from(definiteMap);
  const major = bytes[0] >> 5;
  assert.equal(major, 5, 'a map');
  const info = bytes[0] & 0x1f;
  const headLength = info < 24 ? 1 : info === 24 ? 2 : info === 25 ? 3 : info === 26 ? 5 : 9;
  return Buffer.concat([Buffer.from([0xbf]), bytes.subarray(headLength), Buffer.from([0xff])]);
}

/** One CBOR request over HTTP/1.1; resolves to { status, headers, body (decoded), raw }. */
function call(operation, input, { encode = (value) => indefinite(cbor.serialize(value)), contentType = CBOR } = {}) {
  const payload = Buffer.isBuffer(input) ? input : encode(input);
  return new Promise((resolve, reject) => {
    const request = http.request({
      host: endpoint.hostname,
      port: endpoint.port,
      method: 'POST',
      path: '/',
      headers: { 'Content-Type': contentType, 'X-Amz-Target': `Kinesis_20131202.${operation}`, 'Content-Length': payload.length },
      timeout: 10000,
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        try {
          resolve({ status: response.statusCode, headers: response.headers, raw, body: raw.length ? cbor.deserialize(raw) : undefined });
        } catch (e) {
          reject(new Error(`${operation}: the answer is not CBOR (${e.message}): ${raw.toString('utf8', 0, 200)}`));
        }
      });
    });
    request.on('timeout', () => request.destroy(new Error(`${operation} timed out`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** One CBOR request over h2c (prior knowledge), as the Java SDK's async client sends every Kinesis call by default. */
function callHttp2(session, operation, input) {
  const payload = indefinite(cbor.serialize(input));
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': CBOR, 'x-amz-target': `Kinesis_20131202.${operation}`, 'content-length': payload.length });
    const chunks = [];
    let headers;
    stream.setTimeout(10000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.on('response', (h) => { headers = h; });
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      const raw = Buffer.concat(chunks);
      resolve({ status: headers && headers[':status'], headers, body: raw.length ? cbor.deserialize(raw) : undefined });
    });
    stream.on('error', reject);
    stream.end(payload);
  });
}

async function ok(operation, input) {
  const answer = await call(operation, input);
  assert.equal(answer.status, 200, `${operation}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.headers['content-type'], CBOR);
  return answer.body;
}

async function waitActive(name) {
  for (let i = 0; i < 200; i++) {
    const { StreamDescriptionSummary: s } = await ok('DescribeStreamSummary', { StreamName: name });
    if (s.StreamStatus === 'ACTIVE') {
      return s;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} never became ACTIVE`);
}

/** The value of a timestamp member as the Java SDK reads it: an integer of epoch milliseconds, tagged 1 or not. */
function millis(value) {
  const number = value && typeof value === 'object' && value.tag === 1 ? value.value : value;
  assert.ok(Number.isInteger(number), `a timestamp must be an integer of milliseconds (the Java SDK parses it with Long.parseLong), got ${JSON.stringify(value)}`);
  return number;
}

const streams = [];
async function createStream(tagName, shards) {
  const name = unique(tagName);
  streams.push(name);
  const created = await call('CreateStream', { StreamName: name, ShardCount: shards });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await waitActive(name);
  return name;
}

after(async () => {
  for (const name of streams) {
    await call('DeleteStream', { StreamName: name, EnforceConsumerDeletion: true }).catch(() => {});
  }
});

describe('Kinesis over CBOR, as the AWS SDK for Java speaks it', () => {
  let name;
  let createdAt;

  before(async () => {
    createdAt = Date.now();
    name = await createStream('main', 1);
  });

  it('DescribeStreamSummary answers in CBOR with the creation time as integer milliseconds', async () => {
    const { StreamDescriptionSummary: s } = await ok('DescribeStreamSummary', { StreamName: name });
    assert.equal(s.StreamName, name);
    assert.equal(s.OpenShardCount, 1);
    assert.equal(s.RetentionPeriodHours, 24);
    const created = millis(s.StreamCreationTimestamp);
    assert.ok(Math.abs(created - createdAt) < 60000, `created ${created}, asked at ${createdAt}`);
  });

  it('PutRecord and PutRecords take Data as byte strings, and GetRecords gives it back as byte strings, byte for byte', async () => {
    const binary = Buffer.from([0, 1, 2, 0xfe, 0xff, 0x80, 0x22, 0x5c]);
    const single = await ok('PutRecord', { StreamName: name, PartitionKey: 'k', Data: new Uint8Array(binary) });
    assert.match(single.SequenceNumber, /^\d+$/);
    assert.equal(single.ShardId, 'shardId-000000000000');
    const many = await ok('PutRecords', {
      StreamName: name,
      Records: [
        { PartitionKey: 'k', Data: new Uint8Array(Buffer.from('zwei')) },
        { PartitionKey: 'ключ', Data: new Uint8Array(0) },
        { PartitionKey: 'k', Data: new Uint8Array(Buffer.alloc(5000, 7)) },
      ],
    });
    assert.equal(many.FailedRecordCount, 0);
    assert.equal(many.Records.length, 3);

    const { ShardIterator } = await ok('GetShardIterator', { StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' });
    const got = await ok('GetRecords', { ShardIterator, Limit: 100 });
    assert.deepEqual(got.Records.map((r) => Buffer.from(r.Data).toString('hex')), [binary, Buffer.from('zwei'), Buffer.alloc(0), Buffer.alloc(5000, 7)].map((b) => b.toString('hex')));
    assert.ok(got.Records.every((r) => r.Data instanceof Uint8Array), 'Data is a byte string, not text');
    assert.deepEqual(got.Records.map((r) => r.PartitionKey), ['k', 'k', 'ключ', 'k']);
    assert.equal(got.Records[0].SequenceNumber, single.SequenceNumber);
    for (const record of got.Records) {
      assert.ok(Math.abs(millis(record.ApproximateArrivalTimestamp) - Date.now()) < 60000);
    }
    assert.equal(typeof got.MillisBehindLatest, 'number');
    assert.equal(typeof got.NextShardIterator, 'string');
  });

  it('GetShardIterator AT_TIMESTAMP reads a tag-1 timestamp of milliseconds', async () => {
    await ok('PutRecord', { StreamName: name, PartitionKey: 'k', Data: new Uint8Array(Buffer.from('before')) });
    await new Promise((r) => setTimeout(r, 50));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 50));
    await ok('PutRecord', { StreamName: name, PartitionKey: 'k', Data: new Uint8Array(Buffer.from('after')) });
    const { ShardIterator } = await ok('GetShardIterator', { StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_TIMESTAMP', Timestamp: javaTimestamp(between) });
    const got = await ok('GetRecords', { ShardIterator });
    assert.deepEqual(got.Records.map((r) => Buffer.from(r.Data).toString()), ['after']);
  });

  it('ListShards reads a ShardFilter timestamp as milliseconds too', async () => {
    const listed = await ok('ListShards', { StreamName: name, ShardFilter: { Type: 'AT_TIMESTAMP', Timestamp: javaTimestamp(new Date()) } });
    assert.deepEqual(listed.Shards.map((s) => s.ShardId), ['shardId-000000000000']);
    assert.equal(typeof listed.Shards[0].SequenceNumberRange.StartingSequenceNumber, 'string');
  });

  it('operations without output answer an empty CBOR map', async () => {
    const answer = await call('AddTagsToStream', { StreamName: name, Tags: { team: 'video' } });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, {});
    assert.deepEqual((await ok('ListTagsForStream', { StreamName: name })).Tags, [{ Key: 'team', Value: 'video' }]);
  });

  it('errors answer a CBOR body with __type and message, and the type in x-amzn-ErrorType', async () => {
    const missing = await call('DescribeStreamSummary', { StreamName: unique('missing') });
    assert.equal(missing.status, 400);
    assert.equal(missing.headers['content-type'], CBOR);
    assert.equal(missing.headers['x-amzn-errortype'], 'ResourceNotFoundException');
    assert.equal(missing.body.__type, 'ResourceNotFoundException');
    assert.match(missing.body.message, /not found/);

    const tooMany = await call('PutRecords', { StreamName: name, Records: Array.from({ length: 501 }, () => ({ PartitionKey: 'k', Data: new Uint8Array(1) })) });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.body.__type, 'ValidationException');
  });

  it('malformed CBOR is a SerializationException that says what is wrong, never a crash or a hang', async () => {
    const cases = [
      Buffer.from([0xbf, 0x6a, 0x53, 0x74]), // a map cut off inside its first key
      Buffer.from([0xa1, 0x01, 0x02]), // a key that is not text
      Buffer.from([0x9f, 0xff]), // an array, not a map
      Buffer.from([0xbf, 0x6a, ...Buffer.from('StreamName'), 0x7b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), // a string claiming 2^64 bytes
      Buffer.concat([Buffer.from([0xbf, 0x6a]), Buffer.from('StreamName'), Buffer.alloc(100000, 0x9f)]), // arrays nested a hundred thousand deep
      Buffer.from([0xbf, 0xff, 0x00]), // bytes after the map
    ];
    for (const body of cases) {
      const answer = await call('DescribeStreamSummary', body);
      assert.equal(answer.status, 400, body.toString('hex').slice(0, 40));
      assert.equal(answer.body.__type, 'SerializationException');
      assert.match(answer.body.message, /not valid CBOR for Kinesis: .+ \(at byte \d+\)/);
    }
  });

  it('works the same over HTTP/2, several calls at once on one connection', async () => {
    const session = http2.connect(endpoint.origin);
    try {
      const puts = await Promise.all(Array.from({ length: 8 }, (_, i) => callHttp2(session, 'PutRecords', {
        StreamName: name,
        Records: Array.from({ length: 50 }, (_, j) => ({ PartitionKey: `h2-${i}`, Data: new Uint8Array(Buffer.from(`h2 ${i} ${j}`)) })),
      })));
      for (const put of puts) {
        assert.equal(put.status, 200);
        assert.equal(put.headers['content-type'], CBOR);
        assert.equal(put.body.FailedRecordCount, 0);
      }
      // The eight requests commit in any order: read from the lowest number any of them got.
      const first = puts.map((p) => BigInt(p.body.Records[0].SequenceNumber)).reduce((a, b) => (a < b ? a : b));
      const latest = await callHttp2(session, 'GetShardIterator', { StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: first.toString() });
      const got = await callHttp2(session, 'GetRecords', { ShardIterator: latest.body.ShardIterator, Limit: 10000 });
      assert.equal(got.status, 200);
      const texts = got.body.Records.map((r) => Buffer.from(r.Data).toString());
      assert.equal(texts.filter((t) => t.startsWith('h2 ')).length, 400);
      const missing = await callHttp2(session, 'DescribeStreamSummary', { StreamName: unique('missing') });
      assert.equal(missing.status, 400);
      assert.equal(missing.headers['x-amzn-errortype'], 'ResourceNotFoundException');
      assert.equal(missing.body.__type, 'ResourceNotFoundException');
    } finally {
      session.close();
    }
  });

  it('the JSON protocol still answers JSON on the same endpoint', async () => {
    const answer = await new Promise((resolve, reject) => {
      const body = JSON.stringify({ StreamName: name });
      const request = http.request({ host: endpoint.hostname, port: endpoint.port, method: 'POST', path: '/', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'Kinesis_20131202.DescribeStreamSummary' } }, (response) => {
        const chunks = [];
        response.on('data', (c) => chunks.push(c));
        response.on('end', () => resolve({ headers: response.headers, json: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      request.on('error', reject);
      request.end(body);
    });
    assert.equal(answer.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(answer.json.StreamDescriptionSummary.StreamName, name);
    assert.equal(typeof answer.json.StreamDescriptionSummary.StreamCreationTimestamp, 'number');
  });
});

describe('SubscribeToShard over CBOR (HTTP/2)', () => {
  it('pushes events whose payloads are CBOR, with Data as byte strings and timestamps as milliseconds, and ends a closed shard without a continuation', async () => {
    const name = await createStream('efo', 1);
    const { StreamDescriptionSummary: s } = await ok('DescribeStreamSummary', { StreamName: name });
    const registered = await ok('RegisterStreamConsumer', { StreamARN: s.StreamARN, ConsumerName: 'java' });
    assert.ok(Number.isInteger(millis(registered.Consumer.ConsumerCreationTimestamp)));
    for (let i = 0; i < 100; i++) {
      const d = await ok('DescribeStreamConsumer', { ConsumerARN: registered.Consumer.ConsumerARN });
      if (d.ConsumerDescription.ConsumerStatus === 'ACTIVE') {
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await ok('PutRecords', { StreamName: name, Records: [{ PartitionKey: 'k', Data: new Uint8Array([1, 2, 3]) }, { PartitionKey: 'k', Data: new Uint8Array(Buffer.from('two')) }] });
    await ok('SplitShard', { StreamName: name, ShardToSplit: 'shardId-000000000000', NewStartingHashKey: ((1n << 127n)).toString() });
    await waitActive(name);

    // GetRecords to the end of the closed parent: the last answer names the children and has no NextShardIterator.
    let iterator = (await ok('GetShardIterator', { StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
    const polled = [];
    let final;
    for (let calls = 0; iterator && calls < 20; calls++) {
      final = await ok('GetRecords', { ShardIterator: iterator });
      polled.push(...final.Records);
      iterator = final.NextShardIterator;
    }
    assert.equal(iterator, undefined, 'a closed shard read to its end has no NextShardIterator');
    assert.equal(polled.length, 2);
    assert.deepEqual(final.ChildShards.map((c) => c.ShardId).sort(), ['shardId-000000000001', 'shardId-000000000002']);
    assert.deepEqual(final.ChildShards[0].ParentShards, ['shardId-000000000000']);
    assert.match(final.ChildShards[0].HashKeyRange.StartingHashKey, /^\d+$/);

    const session = http2.connect(endpoint.origin);
    const messages = [];
    try {
      const raw = await new Promise((resolve, reject) => {
        const payload = indefinite(cbor.serialize({ ConsumerARN: registered.Consumer.ConsumerARN, ShardId: 'shardId-000000000000', StartingPosition: { Type: 'TRIM_HORIZON' } }));
        const stream = session.request({ ':method': 'POST', ':path': '/', 'content-type': CBOR, 'x-amz-target': 'Kinesis_20131202.SubscribeToShard' });
        const timer = setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), 20000);
        const chunks = [];
        let status;
        stream.on('response', (headers) => { status = headers[':status']; });
        stream.on('data', (chunk) => chunks.push(chunk));
        stream.on('end', () => { clearTimeout(timer); resolve({ status, bytes: Buffer.concat(chunks) }); });
        stream.on('error', (e) => { clearTimeout(timer); reject(e); });
        stream.end(payload);
      });
      assert.equal(raw.status, 200);
      const codec = new EventStreamCodec(toUtf8, fromUtf8);
      for (let at = 0; at < raw.bytes.length;) {
        const length = raw.bytes.readUInt32BE(at);
        messages.push(codec.decode(new Uint8Array(raw.bytes.subarray(at, at + length))));
        at += length;
      }
    } finally {
      session.close();
    }

    const types = messages.map((m) => m.headers[':event-type'].value);
    assert.equal(types[0], 'initial-response');
    assert.deepEqual(cbor.deserialize(messages[0].body), {});
    const events = messages.slice(1).map((m) => {
      assert.equal(m.headers[':event-type'].value, 'SubscribeToShardEvent');
      assert.equal(m.headers[':content-type'].value, CBOR);
      return cbor.deserialize(m.body);
    });
    const records = events.flatMap((e) => e.Records);
    assert.deepEqual(records.map((r) => Buffer.from(r.Data).toString('hex')), ['010203', Buffer.from('two').toString('hex')]);
    for (const record of records) {
      assert.ok(Math.abs(millis(record.ApproximateArrivalTimestamp) - Date.now()) < 60000);
    }
    const last = events[events.length - 1];
    assert.deepEqual(last.ChildShards.map((c) => c.ShardId).sort(), ['shardId-000000000001', 'shardId-000000000002']);
    assert.equal(last.ContinuationSequenceNumber, undefined);
  });
});
