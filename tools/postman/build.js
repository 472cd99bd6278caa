#!/usr/bin/env node
// Convert an OpenAPI 3 schema (JSON) into the Postman collection and environment of docs/postman/.
//
//   node tools/postman/build.js <schema.json> <output directory>
//
// Run it through `make postman` (tools/postman/generate.py makes the schema first). The conversion is
// openapi-to-postmanv2's; this script only makes the result deterministic and runnable with newman:
//   - ids the converter draws at random are dropped (Postman assigns its own on import);
//   - request bodies and parameters come from the schema's types, not from a random faker;
//   - every request inherits the collection's bearer auth ({{access_token}});
//   - the login request goes first (log-outs last in its folder), sends {{email}}/{{password}} and stores access_token/refresh_token
//     in the environment; the refresh request sends {{refresh_token}} and stores the new pair;
//   - a collection-level test asserts that no request gets a 5xx and that errors use the JSON envelope;
//   - GET /api/auth/me/ asserts a 200, which proves the stored token works;
//   - integer path variables are 1 (not the converter's "<integer>"), so requests reach the views.
'use strict';

const fs = require('fs');
const path = require('path');
const Converter = require('openapi-to-postmanv2');

const COLLECTION_FILE = 'nexus-commerce.postman_collection.json';
const ENVIRONMENT_FILE = 'nexus-commerce.postman_environment.json';
const LOGIN = 'POST /api/auth/token/';
const REFRESH = 'POST /api/auth/token/refresh/';
const ME = 'GET /api/auth/me/';

const CONVERTER_OPTIONS = {
  folderStrategy: 'Tags',
  requestNameSource: 'Fallback',
  parametersResolution: 'Schema',
  schemaFaker: false,
  enableOptionalParameters: false,
  alwaysInheritAuthentication: true,
  includeAuthInfoInExample: false,
  indentCharacter: 'Space',
};

const COLLECTION_TESTS = [
  '// Every request: never a server error, and errors come in the JSON error envelope.',
  'pm.test("no server error (status < 500)", function () {',
  '    pm.expect(pm.response.code).to.be.below(500);',
  '});',
  'if (pm.response.code >= 400 && (pm.response.headers.get("Content-Type") || "").includes("json")) {',
  '    pm.test("errors use the JSON error envelope", function () {',
  '        const body = pm.response.json();',
  '        pm.expect(body).to.have.property("type");',
  '        pm.expect(body.errors).to.be.an("array");',
  '    });',
  '}',
];

const LOGIN_TESTS = [
  '// Log in with {{email}}/{{password}} and keep the token pair for every later request.',
  'pm.test("login succeeded", function () {',
  '    pm.response.to.have.status(200);',
  '});',
  'const tokens = pm.response.json();',
  'pm.environment.set("access_token", tokens.access);',
  'pm.environment.set("refresh_token", tokens.refresh);',
];

const REFRESH_TESTS = [
  '// Refresh with {{refresh_token}}; keep the new access token (and the rotated refresh token, if any).',
  'pm.test("refresh succeeded", function () {',
  '    pm.response.to.have.status(200);',
  '});',
  'const tokens = pm.response.json();',
  'pm.environment.set("access_token", tokens.access);',
  'if (tokens.refresh) { pm.environment.set("refresh_token", tokens.refresh); }',
];

const ME_TESTS = [
  '// The token stored by the login request authenticates.',
  'pm.test("authenticated with the stored access token", function () {',
  '    pm.response.to.have.status(200);',
  '});',
];

function testEvent(lines) {
  return { listen: 'test', script: { type: 'text/javascript', exec: lines } };
}

function rawJson(value) {
  return { mode: 'raw', raw: JSON.stringify(value, null, 2), options: { raw: { language: 'json' } } };
}

// "METHOD /path/" of a converted request, with path variables as {name} like the schema.
function operationKey(request) {
  const segments = (request.url.path || []).map((s) => (s.startsWith(':') ? `{${s.slice(1)}}` : s));
  return `${request.method} /${segments.join('/')}`;
}

// Depth-first walk over request items, with the array holding each.
function walk(items, visit) {
  for (const item of items) {
    if (item.item) walk(item.item, visit);
    else visit(item);
  }
}

function dropIds(value) {
  if (Array.isArray(value)) return value.map(dropIds);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key !== 'id' && key !== '_postman_id') out[key] = dropIds(inner);
    }
    return out;
  }
  return value;
}

// Move the folder holding the login request to the front, ordered: log in, refresh, the current user,
// the rest, and the log-outs last (a log-out of every session must not revoke the tokens mid-run).
function loginFirst(collection) {
  const folderIndex = collection.item.findIndex(
    (f) => f.item && f.item.some((i) => i.request && operationKey(i.request) === LOGIN),
  );
  if (folderIndex < 0) throw new Error(`the schema has no ${LOGIN}: the collection cannot log in`);
  const [folder] = collection.item.splice(folderIndex, 1);
  const rank = (item) => {
    const key = operationKey(item.request);
    const first = [LOGIN, REFRESH, ME].indexOf(key);
    if (first >= 0) return first;
    return key.includes('logout') ? 4 : 3;
  };
  folder.item = folder.item
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
  collection.item.unshift(folder);
}

function postProcess(collection, schema) {
  collection = dropIds(collection);
  collection.auth = { type: 'bearer', bearer: [{ key: 'token', value: '{{access_token}}', type: 'string' }] };
  collection.variable = [];
  collection.event = [testEvent(COLLECTION_TESTS)];
  loginFirst(collection);
  const loginName = collection.item[0].item[0].name;
  collection.info.description = [
    `${schema.info.description || ''}`.trim(),
    '',
    'Generated from the OpenAPI schema by `make postman` (openapi-to-postmanv2); do not edit by hand.',
    `Import the environment next to it (${ENVIRONMENT_FILE}), set email/password, and send "${loginName}"`,
    'first: its test script stores access_token and refresh_token, which every other request sends.',
  ].join('\n').trim();
  const seen = new Set();
  walk(collection.item, (item) => {
    const key = operationKey(item.request);
    seen.add(key);
    item.response = [];
    for (const variable of item.request.url.variable || []) {
      if (['<integer>', '<long>'].includes(variable.value)) variable.value = '1';
    }
    if (key === LOGIN) {
      item.request.auth = { type: 'noauth' };
      item.request.body = rawJson({ email: '{{email}}', password: '{{password}}' });
      item.event = [testEvent(LOGIN_TESTS)];
    } else if (key === REFRESH) {
      item.request.auth = { type: 'noauth' };
      item.request.body = rawJson({ refresh: '{{refresh_token}}' });
      item.event = [testEvent(REFRESH_TESTS)];
    } else if (key === ME) {
      item.event = [testEvent(ME_TESTS)];
    }
  });
  for (const key of [REFRESH, ME]) {
    if (!seen.has(key)) throw new Error(`the schema has no ${key}: update tools/postman/build.js`);
  }
  return collection;
}

function environment(title) {
  const variable = (key, value, type = 'default') => ({ key, value, type, enabled: true });
  return {
    name: `${title} (local)`,
    values: [
      variable('baseUrl', 'http://127.0.0.1:8000'),
      variable('email', 'customer@nexus.example'),
      variable('password', 'customer-Demo-2026', 'secret'),
      variable('access_token', '', 'secret'),
      variable('refresh_token', '', 'secret'),
    ],
    _postman_variable_scope: 'environment',
  };
}

function main() {
  const [schemaPath, outDir] = process.argv.slice(2);
  if (!schemaPath || !outDir) {
    console.error('usage: node tools/postman/build.js <schema.json> <output directory>');
    process.exit(2);
  }
  const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  Converter.convert({ type: 'json', data: schema }, CONVERTER_OPTIONS, (error, result) => {
    if (error || !result.result) {
      console.error(`openapi-to-postmanv2 failed: ${error || result.reason}`);
      process.exit(1);
    }
    const collection = postProcess(result.output[0].data, schema);
    fs.mkdirSync(outDir, { recursive: true });
    const write = (name, data) => fs.writeFileSync(path.join(outDir, name), `${JSON.stringify(data, null, 2)}\n`);
    write(COLLECTION_FILE, collection);
    write(ENVIRONMENT_FILE, environment(collection.info.name));
    console.log(`wrote ${path.join(outDir, COLLECTION_FILE)} and ${ENVIRONMENT_FILE}`);
  });
}

main();
