#!/usr/bin/env node
// Lists the chunks of a PNG file and the Open Badges 3.0 credentials baked
// into it, with nothing but Node.js's Buffer, independently of Laurel's Go
// code. Every chunk's CRC-32 is checked.
//
// Usage: node pngchunks.mjs FILE.png
//
// Prints one JSON line: {"chunks": ["IHDR", …], "credentials": [{"type":
// "iTXt", "compressed": 0, "text": "…"}]}, where credentials lists every
// text chunk with the keyword openbadgecredential. Exits 1 for a damaged
// file and 2 on a usage error.
import { readFileSync } from "node:fs";

const [file] = process.argv.slice(2);
if (!file) {
  console.error("usage: node pngchunks.mjs FILE.png");
  process.exit(2);
}

// CRC-32 with the polynomial 0xEDB88320, as the PNG specification defines it.
const table = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

const data = readFileSync(file);
if (!data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
  console.error(`${file}: not a PNG file`);
  process.exit(1);
}

const chunks = [];
const credentials = [];
for (let pos = 8; pos < data.length; ) {
  const length = data.readUInt32BE(pos);
  const type = data.toString("latin1", pos + 4, pos + 8);
  const body = data.subarray(pos + 8, pos + 8 + length);
  if (crc32(data.subarray(pos + 4, pos + 8 + length)) !== data.readUInt32BE(pos + 8 + length)) {
    console.error(`${file}: chunk ${type} has a wrong CRC`);
    process.exit(1);
  }
  chunks.push(type);
  pos += 12 + length;

  const nul = body.indexOf(0);
  if (["iTXt", "tEXt", "zTXt"].includes(type) && body.toString("latin1", 0, nul) === "openbadgecredential") {
    if (type !== "iTXt") {
      credentials.push({ type, compressed: null, text: null });
      continue;
    }
    // iTXt: keyword NUL, compression flag, method, language NUL, translated keyword NUL, text
    const compressed = body[nul + 1];
    const language = body.indexOf(0, nul + 3);
    const translated = body.indexOf(0, language + 1);
    credentials.push({ type, compressed, text: body.toString("utf8", translated + 1) });
  }
  if (type === "IEND") break;
}
console.log(JSON.stringify({ chunks, credentials }));
