// Structural tests of the browser core: what it may import and use, so that it keeps running on a
// plain-HTTP LAN page (no WebCrypto `subtle`) through an import map of the three noble packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { ORDER, osRandomScalar, randomBytes } from '../../ballot_client/js/index.mjs';

const DIRECTORY = new URL('../../ballot_client/js/', import.meta.url);
const modules = readdirSync(DIRECTORY).filter((name) => name.endsWith('.mjs'));

test('every module imports only noble packages or sibling .mjs modules', () => {
  assert.ok(modules.length >= 10);
  for (const name of modules) {
    const source = readFileSync(new URL(name, DIRECTORY), 'utf8');
    const specifiers = [...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);
    for (const specifier of specifiers) {
      assert.match(specifier, /^(?:@noble\/(?:curves|hashes|ciphers)\/[\w/-]+\.js|\.\/[\w-]+\.mjs)$/, `${name}: ${specifier}`);
    }
    assert.doesNotMatch(source.replace(/\/\*[\s\S]*?\*\//g, ''), /\bsubtle\b|\bBuffer\b|\bprocess\./, name);
    assert.match(source, /^\/\*\*\n \* \S/, `${name} starts with a doc comment`);
  }
});

test('the production nonce source draws fresh scalars below ℓ from getRandomValues', () => {
  const drawn = new Set();
  for (let i = 0; i < 50; i++) {
    const scalar = osRandomScalar();
    assert.ok(scalar >= 0n && scalar < ORDER);
    drawn.add(scalar);
  }
  assert.equal(drawn.size, 50);
  assert.equal(randomBytes(64).length, 64);
});
