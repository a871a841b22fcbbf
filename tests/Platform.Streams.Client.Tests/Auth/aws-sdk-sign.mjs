// Prints requests signed by the real AWS SDK for JavaScript (pinned in infra/package.json) as JSON
// lines, for the .NET verifier to check. Nothing is sent: the request handler captures and stops.
// Usage: node aws-sdk-sign.mjs <infra dir> <endpoint> <access key id> <secret>
import { createRequire } from 'node:module';
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';

const [infra, endpoint, accessKeyId, secretAccessKey] = process.argv.slice(2);
const require = createRequire(path.join(infra, 'package.json'));
const { KinesisClient, PutRecordsCommand, ListShardsCommand } = require('@aws-sdk/client-kinesis');
const { SignatureV4 } = require('@smithy/signature-v4');

const print = (kind, request) => console.log(JSON.stringify({
  kind,
  method: request.method,
  path: request.path,
  query: request.query ?? {},
  headers: request.headers,
  body: Buffer.from(request.body ?? '').toString('base64'),
}));

class Captured extends Error {}
const client = new KinesisClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId, secretAccessKey },
  maxAttempts: 1,
  requestHandler: {
    handle: async (request) => { print('sdk', request); throw new Captured(); },
  },
});

for (const command of [
  new PutRecordsCommand({
    StreamName: 'orders',
    Records: [
      { PartitionKey: 'customer-1', Data: Buffer.from('hello') },
      { PartitionKey: 'ключ', Data: Buffer.from([0, 1, 2, 255]) },
    ],
  }),
  new ListShardsCommand({ StreamName: 'orders' }),
]) {
  try { await client.send(command); } catch (e) { if (!(e instanceof Captured)) throw e; }
}

// A presigned GET, the query form of SigV4.
class Sha256 {
  constructor(secret) { this.hash = secret ? createHmac('sha256', secret) : createHash('sha256'); }
  update(data) { this.hash.update(data); }
  async digest() { return new Uint8Array(this.hash.digest()); }
}
const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey }, region: 'us-east-1', service: 'kinesis', sha256: Sha256 });
const url = new URL(endpoint);
const presigned = await signer.presign({
  method: 'GET',
  protocol: url.protocol,
  hostname: url.hostname,
  port: url.port ? Number(url.port) : undefined,
  path: '/streams/orders',
  query: { view: 'summary' },
  headers: { host: url.host },
}, { expiresIn: 300 });
print('presigned', presigned);
