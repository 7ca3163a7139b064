/**
 * QR codes drawn on the page itself, with the `qr` npm package (paulmillr/qr: ISO/IEC 18004,
 * no dependencies, by the author of the noble libraries the crypto core uses), served from
 * node_modules like them. The committee's backup must be drawn on the phone, never sent to the
 * server to be drawn.
 *
 * `qrSvg(text, {label})` → an <svg> element: one path of dark modules, no inline style
 * (CSP-safe), scalable to any size by CSS.
 */

import { encodeQR } from '/vendor/qr/index.js';

const SVG = 'http://www.w3.org/2000/svg';
const QUIET = 4; // modules of quiet zone around the symbol (the standard's minimum)

/** The module matrix (true = dark) of `text` as UTF-8 bytes, error correction `ecc`. */
export function qrModules(text, { ecc = 'low' } = {}) {
  return encodeQR(text, 'raw', { ecc, encoding: 'byte', border: QUIET });
}

/** An <svg> of `text`'s QR code, labelled for screen readers. */
export function qrSvg(text, { label = 'QR', ecc = 'low' } = {}) {
  const modules = qrModules(text, { ecc });
  const size = modules.length;
  let d = '';
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('shape-rendering', 'crispEdges');
  svg.setAttribute('class', 'qr');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  return svg;
}
