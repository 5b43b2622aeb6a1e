#!/usr/bin/env node
// Reads bits of a Bitstring Status List with Node.js's own zlib and Buffer,
// independently of Laurel's Go decoder.
//
// Usage: node statuslist.mjs ENCODED_LIST INDEX...
//
// ENCODED_LIST is the encodedList of a BitstringStatusListCredential: "u",
// then base64url without padding of the GZIP'd bits, index 0 being the
// most significant bit of the first byte. Prints one JSON line:
// {"length": <number of bits>, "bits": {"<index>": 0 or 1, …}}.
import { gunzipSync } from "node:zlib";

const [encoded, ...indexes] = process.argv.slice(2);
if (!encoded || !encoded.startsWith("u") || /[+/=]/.test(encoded)) {
  console.error("usage: node statuslist.mjs ENCODED_LIST INDEX... (encodedList must be u + base64url without padding)");
  process.exit(2);
}

const bytes = gunzipSync(Buffer.from(encoded.slice(1), "base64url"));
const bits = {};
for (const index of indexes.map(Number)) {
  bits[index] = (bytes[index >> 3] >> (7 - (index & 7))) & 1;
}
console.log(JSON.stringify({ length: bytes.length * 8, bits }));
