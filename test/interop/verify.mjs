#!/usr/bin/env node
// Checks OB 3.0 VC-JWT credentials with libraries independent of Laurel's Go
// code: jose verifies the signature, Ajv validates the payload against the
// OB 3.0 JSON Schema, and plain code compares the JWT claims with the
// credential as OB 3.0 requires.
//
// Usage:
//   node verify.mjs SCHEMA.json (--jwks FILE|URL | --did FILE|URL) JWS_FILE...
//
// The key is chosen by the header's kid: from the JWK Set, or from the DID
// document's verificationMethod (publicKeyJwk), which must also be listed in
// assertionMethod. One JSON line is printed per credential. The exit status
// is 0 when every credential passes, 1 when any fails and 2 on a usage error.

import { readFile } from "node:fs/promises";
import { compactVerify, decodeProtectedHeader, importJWK } from "jose";
import Ajv2019 from "ajv/dist/2019.js";
import addFormats from "ajv-formats";

const usage = "usage: node verify.mjs SCHEMA.json (--jwks FILE|URL | --did FILE|URL) JWS_FILE...";

// Private JWK members; a published key must have none of them.
const privateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

function parseArgs(argv) {
  const [schemaPath, flag, source, ...files] = argv;
  if (!schemaPath || !["--jwks", "--did"].includes(flag) || !source || files.length === 0) {
    return null;
  }
  return { schemaPath, kind: flag.slice(2), source, files };
}

// readSource returns the text of a local file or of an http(s) URL.
async function readSource(source) {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) {
      throw new Error(`GET ${source}: HTTP ${res.status}`);
    }
    return res.text();
  }
  return readFile(source, "utf8");
}

// keyFromJWKS returns the JWK whose kid equals kid.
function keyFromJWKS(jwks, kid) {
  if (!Array.isArray(jwks.keys)) {
    throw new Error("JWK Set has no keys array");
  }
  const matches = jwks.keys.filter((k) => k.kid === kid);
  if (matches.length !== 1) {
    throw new Error(`JWK Set has ${matches.length} keys with kid ${kid}, want 1`);
  }
  return matches[0];
}

// keyFromDID returns the publicKeyJwk of the verification method kid, which
// must belong to the document's DID and be listed in assertionMethod.
function keyFromDID(doc, kid) {
  const absolute = (id) => (id.startsWith("#") ? doc.id + id : id);
  if (!kid.startsWith(doc.id + "#")) {
    throw new Error(`kid ${kid} is not a key of ${doc.id}`);
  }
  const method = (doc.verificationMethod ?? []).find((vm) => absolute(vm.id) === kid);
  if (!method) {
    throw new Error(`DID document has no verificationMethod ${kid}`);
  }
  if (method.controller !== doc.id) {
    throw new Error(`verificationMethod ${kid} has controller ${method.controller}, want ${doc.id}`);
  }
  const assertion = (doc.assertionMethod ?? []).map((m) => absolute(typeof m === "string" ? m : m.id));
  if (!assertion.includes(kid)) {
    throw new Error(`${kid} is not listed in assertionMethod`);
  }
  if (!method.publicKeyJwk) {
    throw new Error(`verificationMethod ${kid} has no publicKeyJwk`);
  }
  return method.publicKeyJwk;
}

function checkHeader(header) {
  const names = Object.keys(header).sort();
  if (names.join(",") !== "alg,kid,typ") {
    throw new Error(`header members are [${names}], want exactly alg, kid, typ`);
  }
  if (header.typ !== "JWT") {
    throw new Error(`header typ is ${JSON.stringify(header.typ)}, want "JWT"`);
  }
}

function seconds(dateTime, name) {
  const ms = Date.parse(dateTime);
  if (Number.isNaN(ms)) {
    throw new Error(`${name} ${JSON.stringify(dateTime)} is not a date-time`);
  }
  return Math.floor(ms / 1000);
}

// claimErrors compares the JWT claims with the credential they wrap.
function claimErrors(payload) {
  const errors = [];
  const issuerId = typeof payload.issuer === "string" ? payload.issuer : payload.issuer?.id;
  const expect = (claim, want) => {
    if (payload[claim] !== want) {
      errors.push(`claim ${claim} is ${JSON.stringify(payload[claim])}, want ${JSON.stringify(want)}`);
    }
  };

  expect("iss", issuerId);
  expect("sub", payload.credentialSubject?.id);
  expect("jti", payload.id);
  try {
    expect("nbf", seconds(payload.validFrom, "validFrom"));
    if (payload.validUntil !== undefined) {
      expect("exp", seconds(payload.validUntil, "validUntil"));
    } else if (payload.exp !== undefined) {
      errors.push("claim exp is set but the credential has no validUntil");
    }
  } catch (err) {
    errors.push(err.message);
  }
  if ("vc" in payload) {
    errors.push("payload has a vc claim, which VC Data Model 2.0 credentials must not have");
  }
  return errors;
}

// verifyOne fills result for one JWS file. It throws on the first failure
// that stops the check (bad header, unknown key, bad signature).
async function verifyOne(result, keys, validate) {
  const token = (await readFile(result.file, "utf8")).trim();

  const header = decodeProtectedHeader(token);
  result.alg = header.alg;
  result.kid = header.kid;
  checkHeader(header);

  const jwk = keys.kind === "jwks" ? keyFromJWKS(keys.doc, header.kid) : keyFromDID(keys.doc, header.kid);
  const leaked = privateMembers.filter((m) => m in jwk);
  if (leaked.length > 0) {
    throw new Error(`published key ${header.kid} has private members ${leaked}`);
  }
  if (jwk.alg !== undefined && jwk.alg !== header.alg) {
    throw new Error(`key ${header.kid} is for ${jwk.alg}, header says ${header.alg}`);
  }

  const key = await importJWK(jwk, header.alg);
  const { payload: bytes } = await compactVerify(token, key, { algorithms: [header.alg] });
  const payload = JSON.parse(new TextDecoder().decode(bytes));
  result.id = payload.id;

  if (!validate(payload)) {
    for (const e of validate.errors) {
      result.errors.push(`schema: ${e.instancePath || "/"} ${e.message}`);
    }
  }
  result.errors.push(...claimErrors(payload));
  const issuerId = typeof payload.issuer === "string" ? payload.issuer : payload.issuer?.id;
  if (!header.kid.startsWith(issuerId + "#")) {
    result.errors.push(`kid ${header.kid} is not a key of the issuer ${issuerId}`);
  }

}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!args) {
    console.error(usage);
    return 2;
  }

  const schema = JSON.parse(await readFile(args.schemaPath, "utf8"));
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const keys = { kind: args.kind, doc: JSON.parse(await readSource(args.source)) };

  let failed = 0;
  for (const file of args.files) {
    const result = { file, ok: false, errors: [] };
    try {
      await verifyOne(result, keys, validate);
    } catch (err) {
      result.errors.push(err.message);
    }
    result.ok = result.errors.length === 0;
    if (!result.ok) {
      failed++;
    }
    console.log(JSON.stringify(result));
  }
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main().catch((err) => {
  console.error(`verify.mjs: ${err.message}`);
  return 2;
});
