// Unit tests: hex, the `enc` encoding and H/H32/Hs, canonical JSON and strict JSON parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EncodingError, H, H32, Hs, ORDER, bytesToHex, canonicalJson, encodeParts, hexToBytes, parseJson,
} from '../../ballot_client/js/index.mjs';

test('hex round trip and strictness', () => {
  const bytes = new Uint8Array([0, 1, 15, 16, 255]);
  assert.equal(bytesToHex(bytes), '00010f10ff');
  assert.deepEqual(hexToBytes('00010f10ff'), bytes);
  for (const bad of ['ABCD', 'abc', '0x00', 'zz', 12]) assert.throws(() => hexToBytes(bad), EncodingError);
});

test('enc: length-prefixed bytes, UTF-8 text, 8-byte big-endian integers', () => {
  assert.equal(bytesToHex(encodeParts(new Uint8Array([7]))), '0000000107');
  assert.equal(bytesToHex(encodeParts('Đ')), '00000002c490');
  assert.equal(bytesToHex(encodeParts(258)), '000000080000000000000102');
  assert.equal(bytesToHex(encodeParts(2n ** 64n - 1n)), '00000008ffffffffffffffff');
  assert.equal(bytesToHex(encodeParts('')), '00000000');
  for (const bad of [-1, 1.5, 2n ** 64n, -1n, true, null, {}, '\ud800']) {
    assert.throws(() => encodeParts(bad), EncodingError);
  }
});

test('H, H32 and Hs agree with each other and separate tags and parts', () => {
  const full = H('manifest', 'a', 1);
  assert.equal(full.length, 64);
  assert.deepEqual(H32('manifest', 'a', 1), full.slice(0, 32));
  assert.ok(Hs('manifest', 'a', 1) < ORDER);
  assert.notDeepEqual(H('manifest', 'ab'), H('manifest', 'a', 'b'));
  assert.notDeepEqual(H('manifest', 'a'), H('election', 'a'));
  // an integer is hashed as its 8-byte big-endian form, exactly like those 8 bytes
  assert.deepEqual(H('manifest', 1), H('manifest', new Uint8Array([0, 0, 0, 0, 0, 0, 0, 1])));
});

test('canonical JSON: sorted keys, no white space, minimal escapes, UTF-8 as is', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'] }), '{"a":[true,null,"x"],"b":1}');
  assert.equal(canonicalJson({ s: 'Nguyễn "\\\n\u0001\u007f' }), '{"s":"Nguyễn \\"\\\\\\n\\u0001\u007f"}');
  assert.equal(canonicalJson(-0), '0');
  assert.equal(canonicalJson(9007199254740991), '9007199254740991');
});

test('canonical JSON refuses values without a canonical form', () => {
  for (const bad of [1.5, NaN, Infinity, 2 ** 53, { a: undefined }, { 'Đ': 1 }, '\udc00x', new Date(0),
    new Uint8Array(1), () => 1, Symbol('x'), 2n ** 60n]) {
    assert.throws(() => canonicalJson(bad), EncodingError);
  }
});

test('strict JSON parsing: floats, duplicates, unsafe integers, NaN and lone surrogates are refused', () => {
  assert.deepEqual(parseJson(' {"a": [1, -2, "x\\u00e9"], "b": {}} '), { a: [1, -2, 'xé'], b: {} });
  assert.equal(parseJson('{"__proto__": 1}').__proto__, 1); // an own key, not a prototype change
  for (const bad of ['{"a": 1.5}', '{"a": 1e3}', '{"a": 1, "a": 2}', '{"a": 9007199254740992}',
    '{"a": NaN}', '{"a": "\\ud800"}', '[1,]', '{"a":1} x', "{'a': 1}", '01']) {
    assert.throws(() => parseJson(bad), EncodingError, bad);
  }
});
