// Unit tests: ristretto255 codecs, validation of received elements, and 0·P = identity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  G, GENERATOR_HEX, IDENTITY, InvalidPoint, InvalidScalar, ORDER, Point, baseMul, mul, mulPublic,
  pointFromHex, pointToHex, scalarFromHex, scalarToHex,
} from '../../ballot_client/js/index.mjs';

test('the generator and the order are those of PROTOCOL.md §1', () => {
  assert.equal(pointToHex(G), GENERATOR_HEX);
  assert.equal(Point.Fn.ORDER, ORDER);
  assert.equal(pointToHex(baseMul(1n)), GENERATOR_HEX);
});

test('zero times anything, and anything times the identity, is the identity', () => {
  assert.ok(baseMul(0n).is0());
  assert.ok(baseMul(ORDER).is0());
  assert.ok(mul(0n, G).is0());
  assert.ok(mul(5n, IDENTITY).is0());
  assert.ok(mulPublic(0n, G).is0());
  assert.equal(pointToHex(IDENTITY), '0'.repeat(64));
});

test('secret and public multiplication agree, also on fixed bases', () => {
  const s = 0x1234567890abcdefn * 0xfedcba987654321n;
  const P = baseMul(99n);
  assert.ok(mul(s, P).equals(mulPublic(s, P)));
  assert.ok(baseMul(s).equals(mulPublic(s, Point.fromHex(GENERATOR_HEX))));
  assert.ok(baseMul(-1n).equals(G.negate()));
});

test('points: round trip; identity, non-canonical, malformed are refused', () => {
  const P = baseMul(12345n);
  assert.ok(pointFromHex(pointToHex(P)).equals(P));
  const bad = [
    '0'.repeat(64),
    ((2n ** 255n - 19n + 1n).toString(16).padStart(64, '0').match(/../g).reverse().join('')),
    'ff'.repeat(32),
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
    '01' + '00'.repeat(31),
    GENERATOR_HEX.toUpperCase(),
    GENERATOR_HEX.slice(2),
    `${GENERATOR_HEX}00`,
    undefined,
    42,
  ];
  for (const text of bad) assert.throws(() => pointFromHex(text, 'x'), InvalidPoint, String(text));
  try {
    pointFromHex('0'.repeat(64), 'q01/0.alpha');
  } catch (error) {
    assert.equal(error.check, 'point');
    assert.equal(error.subject, 'q01/0.alpha');
  }
});

test('scalars: little-endian round trip; ℓ and above, and malformed hex, are refused', () => {
  for (const s of [0n, 1n, ORDER - 1n, 2n ** 200n + 7n]) assert.equal(scalarFromHex(scalarToHex(s)), s);
  assert.equal(scalarToHex(1n), `01${'00'.repeat(31)}`);
  const orderHex = ORDER.toString(16).padStart(64, '0').match(/../g).reverse().join('');
  for (const bad of [orderHex, 'ff'.repeat(32), 'AA'.repeat(32), '00'.repeat(31), null]) {
    assert.throws(() => scalarFromHex(bad), InvalidScalar);
  }
});
