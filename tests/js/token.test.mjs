// Unit tests: tokens in Crockford base-32, normalization, token hash, receipt code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALPHABET, EncodingError, base32Encode, generateToken, normalizeToken, tokenHash, trackerCode,
} from '../../ballot_client/js/index.mjs';

test('a generated token is 26 alphabet characters with zero padding bits', () => {
  for (let i = 0; i < 20; i++) {
    const token = generateToken();
    assert.match(token, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(ALPHABET.indexOf(token[25]) & 3, 0);
    assert.equal(normalizeToken(token), token);
  }
});

test('base-32 is most significant bit first', () => {
  assert.equal(base32Encode(new Uint8Array(16).fill(255)), 'ZZZZZZZZZZZZZZZZZZZZZZZZZW');
  assert.equal(base32Encode(new Uint8Array([0x08])), '10');
});

test('normalization removes spaces and dashes, upper-cases, reads O as 0 and I, L as 1', () => {
  const token = '1000000000000000000000000G';
  assert.equal(normalizeToken('l0oo-OOOO 0000-0000 0000 0000 0g'), token);
  assert.equal(normalizeToken('iOOO000000000000000000000g'), token);
  assert.equal(tokenHash('l000-0000-0000-0000-0000-0000-0g'), tokenHash(token));
  assert.match(tokenHash(token), /^[0-9a-f]{64}$/);
});

test('malformed tokens are refused', () => {
  const good = '000G40R40M30E209185GR38E1W';
  for (const bad of [good.slice(0, -1), `${good}0`, `${good.slice(0, -1)}U`, `${good.slice(0, -1)}1`, 42]) {
    assert.throws(() => normalizeToken(bad), EncodingError, String(bad));
  }
});

test('a tracker code is 16 characters in groups of four', () => {
  assert.equal(trackerCode('ff'.repeat(32)), 'ZZZZ-ZZZZ-ZZZZ-ZZZZ');
  assert.equal(trackerCode('00'.repeat(32)), '0000-0000-0000-0000');
});
