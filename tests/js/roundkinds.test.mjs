// The kinds of round and the cell's score sheet in the browser (ballot_client/js/roundkinds.mjs)
// must be the Python core's (tally/round_kinds.py, tally/score_sheet.py): the same kind and hash
// for every manifest of tests/vectors/round_kinds.json, the same field named for every refusal,
// and the same numbers for every score sheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeSheet, FormatError, loadManifest } from '../../ballot_client/js/index.mjs';
import {
  kindText, optionText, outcomeText, roundKind,
} from '../../ballot_client/js/kindwords.mjs';

const vectors = JSON.parse(readFileSync(new URL('../vectors/round_kinds.json', import.meta.url), 'utf8'));

test('round_kinds.json: every kind of manifest loads with its kind and hash', () => {
  const kinds = new Set();
  for (const { kind, manifest, manifest_hash: hash } of vectors.manifests) {
    const loaded = loadManifest(structuredClone(manifest));
    assert.equal(loaded.kind, kind);
    assert.equal(roundKind(manifest), kind);
    assert.equal(loaded.hashHex, hash);
    kinds.add(kind);
  }
  assert.deepEqual([...kinds].sort(), ['approval', 'confidence', 'rating', 'runoff', 'self_rating']);
});

test('round_kinds.json: every changed manifest is refused, naming the field Python names', () => {
  assert.ok(vectors.invalid_manifests.length >= 10);
  for (const { of, manifest, field } of vectors.invalid_manifests) {
    assert.throws(() => loadManifest(structuredClone(manifest)), (error) => {
      assert.ok(error instanceof FormatError, `${of}: ${error}`);
      assert.equal(error.field, field, `${of}: ${error.message}`);
      return true;
    });
  }
});

test('round_kinds.json: score sheets computed to the same numbers; bad drafts refused by field', () => {
  for (const { draft, sheet } of vectors.sheets) assert.deepEqual(computeSheet(structuredClone(draft)), sheet);
  for (const { draft, field } of vectors.invalid_drafts) {
    assert.throws(() => computeSheet(structuredClone(draft)), (error) => error instanceof FormatError && error.field === field);
  }
});

test('the words of each kind on a phone: titles, options, outcomes, no code', () => {
  assert.equal(kindText('confidence').title, 'Phiếu lấy phiếu tín nhiệm');
  assert.equal(kindText('approval', 'en').title, 'Yes/no vote');
  assert.equal(kindText('nonsense').title, kindText('rating').title);
  assert.equal(optionText('THAP'), 'Tín nhiệm thấp');
  assert.equal(optionText('YES', 'en'), 'Yes');
  assert.equal(optionText('XS'), null);
  assert.equal(outcomeText('confidence', { flag: 'two_thirds_low' }), 'Tín nhiệm thấp từ 2/3 trở lên');
  assert.equal(outcomeText('approval', { status: 'rejected' }, 'en'), 'Not approved');
  assert.equal(outcomeText('self_rating', { status: 'decided', level: 'TOT' }), 'TOT');
});
