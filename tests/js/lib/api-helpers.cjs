'use strict';
// Helpers for kinesis-api.test.cjs: stream set-up and clean-up, shard readers, error assertions.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { sdk, MAX_HASH_KEY, uniqueName, sleep, waitForStreamActive } = require('./kinesis.cjs');

/**
 * Stream operations bound to one client. Every stream made here is remembered in `created` until it
 * is dropped, so a suite's last hook can delete whatever a failed test left behind. Methods are
 * bound, so they may be destructured.
 */
class StreamKit {
  constructor(client) {
    this.client = client;
    this.created = new Set();
    for (const name of Object.getOwnPropertyNames(StreamKit.prototype)) {
      if (name !== 'constructor') {
        this[name] = this[name].bind(this);
      }
    }
  }

  cmd(Command, input) {
    return this.client.send(new Command(input));
  }

  async createStream(tag, shardCount) {
    const name = uniqueName(tag);
    await this.cmd(sdk.CreateStreamCommand, { StreamName: name, ShardCount: shardCount });
    this.created.add(name);
    await waitForStreamActive(this.client, name);
    return name;
  }

  async dropStream(name) {
    this.created.delete(name);
    try {
      await this.cmd(sdk.DeleteStreamCommand, { StreamName: name, EnforceConsumerDeletion: true });
    } catch (e) {
      if (e.name !== 'ResourceNotFoundException') {
        throw e;
      }
    }
  }

  async dropAll() {
    for (const name of [...this.created]) {
      await this.dropStream(name).catch(() => {});
    }
  }

  async withStream(tag, shardCount, body) {
    const name = await this.createStream(tag, shardCount);
    try {
      return await body(name);
    } finally {
      await this.dropStream(name);
    }
  }

  /** Every shard, following ListShards' NextToken. */
  async listAllShards(streamName) {
    const shards = [];
    let page = await this.cmd(sdk.ListShardsCommand, { StreamName: streamName });
    shards.push(...page.Shards);
    while (page.NextToken) {
      page = await this.cmd(sdk.ListShardsCommand, { NextToken: page.NextToken });
      shards.push(...page.Shards);
    }
    return shards;
  }

  async iterator(streamName, shardId, type, extra = {}) {
    const { ShardIterator } = await this.cmd(sdk.GetShardIteratorCommand, { StreamName: streamName, ShardId: shardId, ShardIteratorType: type, ...extra });
    assert.equal(typeof ShardIterator, 'string');
    return ShardIterator;
  }

  /**
   * Follows NextShardIterator from `shardIterator`. Stops when the shard ends (no NextShardIterator),
   * at an empty response at the tip once at least `expected` records arrived, or after `timeoutMs`
   * (AWS may take a moment to make a put visible, so the reader keeps polling until then).
   */
  async readShard(shardIterator, { expected = 0, limit, timeoutMs = 10000 } = {}) {
    const records = [];
    const responses = [];
    const deadline = Date.now() + timeoutMs;
    let next = shardIterator;
    while (next) {
      const response = await this.cmd(sdk.GetRecordsCommand, { ShardIterator: next, Limit: limit });
      responses.push(response);
      records.push(...response.Records);
      next = response.NextShardIterator;
      const atTip = response.Records.length === 0 && !(response.MillisBehindLatest > 0);
      if ((atTip && records.length >= expected) || Date.now() > deadline) {
        break;
      }
      if (response.Records.length === 0) {
        await sleep(20);
      }
    }
    return { records, responses, ended: next === undefined, lastResponse: responses[responses.length - 1] };
  }

  /** Reads a closed shard from TRIM_HORIZON to its end, where NextShardIterator is absent. */
  async readClosedShard(streamName, shardId) {
    const result = await this.readShard(await this.iterator(streamName, shardId, 'TRIM_HORIZON'), { expected: Infinity, timeoutMs: 15000 });
    assert.ok(result.ended, `reading closed ${shardId} to its end never came without a NextShardIterator`);
    return result;
  }

  putText(streamName, data, partitionKey = 'pk', extra = {}) {
    return this.cmd(sdk.PutRecordCommand, { StreamName: streamName, Data: Buffer.from(data), PartitionKey: partitionKey, ...extra });
  }
}

/** Awaits `promise`, which must fail with the named error and HTTP status; returns the error. */
async function expectError(promise, name, status = 400) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${name}, but the call succeeded`);
  assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
  assert.equal(error.$metadata?.httpStatusCode, status, `${name} came with HTTP ${error.$metadata?.httpStatusCode}`);
  return error;
}

const text = (record) => Buffer.from(record.Data).toString('utf8');
const big = (decimal) => BigInt(decimal);
const isOpen = (shard) => shard.SequenceNumberRange.EndingSequenceNumber === undefined;

function shardFor(shards, hashKey) {
  return shards.find((s) => big(s.HashKeyRange.StartingHashKey) <= hashKey && hashKey <= big(s.HashKeyRange.EndingHashKey));
}

/** Open shards' hash-key ranges must tile 0 … 2^128 − 1 without gap or overlap. */
function assertRangesTileTheKeySpace(shards) {
  const ranges = shards
    .map((s) => [big(s.HashKeyRange.StartingHashKey), big(s.HashKeyRange.EndingHashKey)])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  assert.equal(ranges[0][0], 0n);
  for (let i = 1; i < ranges.length; i++) {
    assert.equal(ranges[i][0], ranges[i - 1][1] + 1n, 'hash-key ranges must be contiguous');
  }
  assert.equal(ranges[ranges.length - 1][1], MAX_HASH_KEY);
}

/**
 * kinesalite's iterators are AES-256-CBC over "time/stream/shard/sequence/padding" with a key
 * published in its source; re-dating one makes an expired iterator without waiting 5 minutes.
 * Returns null for any other server's iterator.
 */
function redateKinesaliteIterator(shardIterator, ageMs) {
  const key = Buffer.from('1133a5a833666b49abf28c8ba302930f0b2fb240dccd43cf4dfbc0ca91f17751', 'hex');
  const iv = Buffer.from('7bf139dbabbea2d9995d6fcae1dff7da', 'hex');
  const raw = Buffer.from(shardIterator, 'base64');
  if (raw.length < 24 || raw.subarray(0, 8).toString('hex') !== '0000000000000001') {
    return null;
  }
  let plain;
  try {
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, iv);
    plain = Buffer.concat([decipher.update(raw.subarray(8)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
  const pieces = plain.split('/');
  if (pieces.length !== 5 || !/^\d{14}$/.test(pieces[0])) {
    return null;
  }
  pieces[0] = String(Date.now() - ageMs).padStart(14, '0');
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([raw.subarray(0, 8), cipher.update(pieces.join('/'), 'utf8'), cipher.final()]).toString('base64');
}

module.exports = {
  StreamKit,
  expectError,
  text,
  big,
  isOpen,
  shardFor,
  assertRangesTileTheKeySpace,
  redateKinesaliteIterator,
};
