// WaDispatch's gRPC front door from outside .NET: loads client/WaDispatch.Grpc/protos with @grpc/proto-loader and,
// against the silo at argv[2] (host:port, cleartext HTTP/2) with the API key in argv[3], sends one message, streams
// 1,000 messages, creates a campaign and reads it back. Prints one JSON line with what it saw; exits non-zero on failure.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, apiKey, phoneNumberId] = process.argv.slice(2);
const definition = protoLoader.loadSync('wadispatch/v1/dispatcher.proto', {
  includeDirs: [path.resolve(__dirname, '../../../client/WaDispatch.Grpc/protos')],
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});
const { Dispatcher } = grpc.loadPackageDefinition(definition).wadispatch.v1;
const client = new Dispatcher(address, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.add('authorization', `Bearer ${apiKey}`);

const template = (to) => ({ to, template: { name: 'hello_world', language: { code: 'en_US' } } });
const unary = (method, request) => new Promise((resolve, reject) =>
  client[method](request, metadata, (error, reply) => (error ? reject(error) : resolve(reply))));

async function sendOne() {
  const accepted = await unary('SendMessage', { phone_number_id: phoneNumberId, message: template('+16505551000'), idempotency_key: 'node-one' });
  return accepted.message.id;
}

function streamThousand() {
  return new Promise((resolve, reject) => {
    const call = client.SendMessages(metadata);
    const results = [];
    call.on('data', (result) => results.push(result));
    call.on('error', reject);
    call.on('end', () => resolve(results));
    for (let i = 0; i < 1000; i++) {
      call.write({ phone_number_id: phoneNumberId, message: template(`+1650552${String(i).padStart(4, '0')}`), idempotency_key: `node-bulk-${i}` });
    }
    call.end();
  });
}

function createCampaign() {
  return new Promise((resolve, reject) => {
    const call = client.CreateCampaign(metadata, (error, campaign) => (error ? reject(error) : resolve(campaign)));
    call.write({
      header: {
        phone_number_id: phoneNumberId,
        category: 'CATEGORY_UTILITY',
        idempotency_key: 'node-campaign',
        template: {
          name: 'welcome',
          language: { code: 'en_US' },
          components: [{ type: 'COMPONENT_TYPE_BODY', parameters: [{ text: '{{name}}' }] }],
        },
      },
    });
    const rows = [];
    for (let i = 0; i < 25; i++) {
      rows.push({ to: `+1650553${String(i).padStart(4, '0')}`, values: { name: `Node ${i}` } });
    }
    call.write({ rows: { rows } });
    call.end();
  });
}

async function main() {
  const one = await sendOne();
  const results = await streamThousand();
  const created = await createCampaign();
  const read = await unary('GetCampaign', { id: created.id });
  let invalid;
  try {
    await unary('SendMessage', { phone_number_id: phoneNumberId, message: { to: '+16505551001' } });
  } catch (error) {
    invalid = { code: error.code, details: error.details };
  }
  console.log(JSON.stringify({
    one,
    streamed: results.length,
    accepted: results.filter((r) => r.outcome === 'accepted').length,
    inOrder: results.every((r, i) => r.index === i),
    campaign: read.id,
    campaignStatus: read.status,
    recipients: read.counts.recipients,
    invalid,
  }));
  client.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
