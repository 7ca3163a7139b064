/**
 * The phases of a meeting, as the server sends them (`phase` of GET /api/status: "setup" before
 * the first round, then the round's phase), and their names in the current language: the one
 * place every page takes them from. A phase the server added later shows as "Phase: name".
 */

import { has, t } from '/static/i18n.js';

export const PHASES = ['setup', 'ceremony', 'ready', 'open', 'closed', 'counted', 'abandoned'];

/** The name of `phase` in the current language. */
export function phaseName(phase) {
  return PHASES.includes(phase) && has(`phase.${phase}`) ? t(`phase.${phase}`) : t('phase.unknown', { phase });
}
