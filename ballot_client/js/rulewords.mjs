/**
 * The words of the rule engine in the browser: every step of a decision rendered as one
 * sentence, in Vietnamese or English — the twin of tally/rules/wording.py, held to the same
 * words by the shared vectors (tests/vectors/rule_steps.json). The results page, the projector,
 * the chair page and the committee page render decisions from steps with this module only;
 * nothing is ever read back out of a sentence.
 *
 * A step is {code, rule, values} (docs/RULES.md §5). `names` may give
 * {collectives: {key: name}, groups: {group: label}} so that no internal key is shown. The
 * steps of the confidence vote and of yes/no decisions are worded by kindwords.mjs.
 */

import { KIND_RENDER } from './kindwords.mjs';

export const LEVEL_WORDS = {
  vi: {
    XS: 'Hoàn thành xuất sắc nhiệm vụ',
    TOT: 'Hoàn thành tốt nhiệm vụ',
    HT: 'Hoàn thành nhiệm vụ',
    KHT: 'Không hoàn thành nhiệm vụ',
  },
  en: {
    XS: 'Completed tasks excellently',
    TOT: 'Completed tasks well',
    HT: 'Completed tasks',
    KHT: 'Did not complete tasks',
  },
};

const NOT_RATED_WORDS = {
  vi: {
    admitted_under_6_months: 'kết nạp chưa đủ 6 tháng',
    exempted: 'được miễn công tác và sinh hoạt đảng',
    suspended: 'đang bị đình chỉ sinh hoạt đảng',
  },
  en: {
    admitted_under_6_months: 'admitted less than 6 months ago',
    exempted: 'exempted from party work and activity',
    suspended: 'suspended from party activity',
  },
};

const ORDER = ['XS', 'TOT', 'HT', 'KHT'];
const langOf = (lang) => (lang === 'en' ? 'en' : 'vi');

/** The full name of a level code, or '' for anything else. */
export function levelWords(code, lang = 'vi') {
  return code == null ? '' : (LEVEL_WORDS[langOf(lang)][code] ?? '');
}

/** `count/base` in percent with one decimal, rounded half up with integers: "63,3%" (vi). */
export function percentText(count, base, lang = 'vi') {
  if (!(base > 0)) return '—';
  const tenths = Math.floor((count * 2000 + base) / (2 * base));
  return `${Math.floor(tenths / 10)}${lang === 'en' ? '.' : ','}${tenths % 10}%`;
}

/** A quota group as a sentence names it: `default` is the whole cell. */
export function groupWords(group, lang = 'vi', names = null) {
  if (group == null || group === 'default') return lang === 'en' ? 'the cell' : 'chi bộ';
  const label = names?.groups?.[group] ?? String(group);
  return lang === 'en' ? `group «${label}»` : `nhóm «${label}»`;
}

function threshold(value, met = null, lang = 'vi') {
  const half = value !== '2/3';
  if (met === null || met) return half ? '> 1/2' : '≥ 2/3';
  if (half) return lang === 'en' ? 'not > 1/2' : 'không > 1/2';
  return '< 2/3';
}

/** Why a cap holds, with its numbers ("bị kỷ luật trong năm → KHT"). */
export function capReason(step, lang = 'vi', names = null) {
  const v = step.values;
  const en = lang === 'en';
  const kind = step.rule.replace(/^cap\./, '');
  const ceiling = v.ceiling;
  switch (kind) {
    case 'disciplined':
      return en ? `disciplined in the year → ${ceiling}` : `bị kỷ luật trong năm → ${ceiling}`;
    case 'sick_leave':
      return en ? `sick leave ${v.months} months ≥ ${v.minimum} → at most ${ceiling}`
        : `nghỉ ốm ${v.months} tháng ≥ ${v.minimum} tháng → tối đa ${ceiling}`;
    case 'civil_servant_kht':
      return en ? 'civil-service rating KHT → KHT' : 'công chức, viên chức xếp loại KHT → KHT';
    case 'civil_servant':
      return en ? `civil-service rating ${v.rating}, below XS → at most ${ceiling}`
        : `công chức, viên chức xếp loại ${v.rating}, dưới XS → tối đa ${ceiling}`;
    case 'head': {
      const name = names?.collectives?.[v.collective] ?? String(v.collective);
      const level = v.collective_level;
      return en ? `head of «${name}», rated ${level} → not above ${level}`
        : `người đứng đầu tập thể «${name}» xếp loại ${level} → không cao hơn ${level}`;
    }
    case 'score': {
      const score = en ? String(v.score) : String(v.score).replace('.', ',');
      return en ? `score ${score}/100, band from ${v.band} points → at most ${ceiling}`
        : `điểm đánh giá ${score}/100, mức từ ${v.band} điểm → tối đa ${ceiling}`;
    }
    case 'kht_years':
      return en ? `rated KHT in each of the ${v.years} years before → KHT`
        : `${v.years} năm liền trước xếp loại KHT → KHT`;
    default:
      return step.rule;
  }
}

function quorum(v, lang) {
  const rule = threshold(v.threshold);
  if (lang === 'en') {
    const text = `Quorum: ${v.present} of ${v.base} present (needs ${rule} of ${v.base}, `
      + `i.e. at least ${v.required}) → ${v.met ? 'met' : 'not met'}`;
    return v.met ? text : `${text}; the vote is not valid, no level is decided`;
  }
  const text = `Túc số: có mặt ${v.present}/${v.base} (cần ${rule} cơ sở ${v.base}, tức `
    + `≥ ${v.required}) → ${v.met ? 'đủ' : 'không đủ'}`;
  return v.met ? text : `${text}; cuộc bỏ phiếu không hợp lệ, không xác định mức cho ai`;
}

function base(v, lang) {
  const en = lang === 'en';
  if (v.option === 'roll') {
    return en ? `Base: ${v.base} = ${v.official} official members − ${v.excluded} excluded under the Charter`
      : `Cơ sở tính: ${v.base} = ${v.official} đảng viên chính thức − ${v.excluded} được trừ theo Điều lệ`;
  }
  if (v.option === 'present') {
    return en ? `Base: ${v.base} official members present who vote`
      : `Cơ sở tính: ${v.base} đảng viên chính thức có mặt được bỏ phiếu`;
  }
  const missing = v.not_cast ? ` − ${v.not_cast} ${en ? 'no ballot' : 'không bỏ phiếu'}` : '';
  return en ? `Base: ${v.base} ballots that rate this member (= ${v.present} present − ${v.blank} blank${missing})`
    : `Cơ sở tính: ${v.base} phiếu có đánh giá đồng chí này (= ${v.present} có mặt − ${v.blank} để trống${missing})`;
}

function votes(v, lang) {
  const counts = ORDER.map((level) => `${level} ${v[level]}`).join(', ');
  const en = lang === 'en';
  if (v.ballots == null) {
    return en ? `Votes: ${counts}; blank ${v.blank} (of ${v.present} present)`
      : `Phiếu: ${counts}; để trống ${v.blank} (trên ${v.present} có mặt)`;
  }
  const missing = v.not_cast || 0;
  if (en) {
    return `Votes: ${counts}; left blank ('no rating') ${v.blank}; ${v.ballots} ballots from ${v.present} present`
      + (missing ? `; ${missing} cast no ballot` : '');
  }
  return `Phiếu: ${counts}; không đánh giá (để trống) ${v.blank}; ${v.ballots} phiếu thu về trên ${v.present} có mặt`
    + (missing ? `; ${missing} người không bỏ phiếu` : '');
}

function levelTest(v, lang) {
  const en = lang === 'en';
  const level = String(v.level);
  const label = v.cumulative && level !== 'XS'
    ? `${level} ${en ? 'or better' : 'trở lên'} (${ORDER.slice(0, ORDER.indexOf(level) + 1).join('+')})`
    : level;
  const pct = percentText(v.count, v.base, en ? 'en' : 'vi');
  const comparison = threshold(v.threshold, Boolean(v.met), lang);
  if (en) {
    return `${label}: ${v.count}/${v.base} votes (${pct}) ${comparison} of the base ${v.base}`
      + (v.met ? ' → reached' : ` (needs at least ${v.required})`);
  }
  return `${label}: ${v.count}/${v.base} phiếu (${pct}) ${comparison} cơ sở ${v.base}`
    + (v.met ? ' → đạt' : ` (cần ≥ ${v.required})`);
}

function quotaLimit(v, lang) {
  const en = lang === 'en';
  const most = v.max_excellent;
  const good = v.good;
  if (v.reading === 'exclusive') {
    return en ? `at most ${most} so that XS are no more than ${v.share_percent}% of those proposed TOT `
      + `(${good} at TOT or better: ${most} XS, ${good - most} TOT)`
      : `tối đa ${most} sao cho số XS không quá ${v.share_percent}% số đề xuất TOT `
      + `(${good} đạt TOT trở lên: ${most} XS, ${good - most} TOT)`;
  }
  if (v.small_group) {
    return en ? `at most ${most} (fewer than ${v.small_group_below} at TOT or better: ${good})`
      : `tối đa ${most} (dưới ${v.small_group_below} người đạt TOT trở lên: ${good})`;
  }
  return en ? `at most ${most} = ${v.share_percent}% × ${good} rounded down (${good} at TOT or better)`
    : `tối đa ${most} = ${v.share_percent}% × ${good}, làm tròn xuống (${good} đạt TOT trở lên)`;
}

function quota(step, v, lang, names) {
  const n = v.candidates;
  const group = groupWords(v.group, lang, names);
  const mark = step.rule.replace(/^quota\./, '');
  if (lang === 'en') {
    const head = `XS quota of ${group}: ${n} at XS, ${quotaLimit(v, lang)}; ranked ${v.place} of ${n} `
      + `(${v.XS} XS votes, ${v.TOT_or_better} TOT-or-better votes)`;
    const tails = {
      kept: ' → keeps XS',
      over: ' → over the quota: proposed TOT',
      tie: ` → tied at the boundary with ${v.tied_others} others: keeps XS until a further vote `
        + '(the program never breaks a tie)',
    };
    return head + (tails[mark] ?? '');
  }
  const head = `Tỷ lệ XS của ${group}: ${n} đạt XS, ${quotaLimit(v, lang)}; xếp thứ ${v.place}/${n} `
    + `(${v.XS} phiếu XS, ${v.TOT_or_better} phiếu TOT trở lên)`;
  const tails = {
    kept: ' → giữ XS',
    over: ' → vượt tỷ lệ: đề xuất TOT',
    tie: ` → bằng phiếu ở ranh giới với ${v.tied_others} người khác: giữ XS, chờ bỏ phiếu thêm `
      + '(chương trình không phá hoà)',
  };
  return head + (tails[mark] ?? '');
}

function runoff(step, v, lang, names) {
  const n = v.candidates;
  const group = groupWords(v.group, lang, names);
  const mark = step.rule.replace(/^runoff\./, '');
  if (lang === 'en') {
    const head = `Further vote (${group}): quota ${v.max_excellent} XS (${v.good} at TOT or better), `
      + `${v.kept_before} already keep XS → ${v.places} places left for ${n} tied members; `
      + `chosen on ${v.votes} of ${v.ballots} ballots, ranked ${v.place} of ${n}`;
    const tails = {
      kept: ' → keeps XS',
      over: ' → not chosen: proposed TOT',
      tie: ` → still tied at the boundary with ${v.tied_others} others: another further vote `
        + '(the program never breaks a tie)',
    };
    return head + (tails[mark] ?? '');
  }
  const head = `Bỏ phiếu thêm (${group}): tỷ lệ tối đa ${v.max_excellent} XS (${v.good} đạt TOT trở lên), `
    + `${v.kept_before} đã giữ XS → còn ${v.places} chỗ cho ${n} đồng chí bằng phiếu; `
    + `được chọn ${v.votes}/${v.ballots} phiếu, xếp thứ ${v.place}/${n}`;
  const tails = {
    kept: ' → giữ XS',
    over: ' → không được chọn: đề xuất TOT',
    tie: ` → vẫn bằng phiếu ở ranh giới với ${v.tied_others} người khác: bỏ phiếu thêm lần nữa `
      + '(chương trình không phá hoà)',
  };
  return head + (tails[mark] ?? '');
}

function final(v, lang) {
  const en = lang === 'en';
  if (v.level == null) {
    if (v.status === 'pending') {
      return en ? 'Proposed level: none yet (held until the civil-service rating is known)'
        : 'Mức đề xuất: chưa xác định (giữ lại chờ kết quả xếp loại công chức, viên chức)';
    }
    return en ? 'Proposed level: none (unresolved)' : 'Mức đề xuất: chưa xác định';
  }
  return `${en ? 'Proposed level' : 'Mức đề xuất'}: ${v.level} (${levelWords(v.level, lang)})`;
}

const RENDER = {
  quorum,
  base,
  votes,
  level_test: levelTest,
  vote_level: (v, lang) => (lang === 'en'
    ? `Level by the votes: ${v.level} (${levelWords(v.level, lang)}), threshold ${threshold(v.threshold)}`
    : `Mức theo phiếu: ${v.level} (${levelWords(v.level, lang)}), ngưỡng ${threshold(v.threshold)}`),
  unresolved: (v, lang) => (lang === 'en'
    ? 'No level reaches its threshold → unresolved; referred to the party committee above (the program never guesses)'
    : 'Không mức nào đạt ngưỡng → chưa xác định; chuyển cấp ủy cấp trên xem xét (chương trình không suy đoán)'),
  cap_waived: (v, lang) => (lang === 'en'
    ? `Disciplined in the year, but the member found the fault and remedied its consequences → the ${v.ceiling} cap does not apply`
    : `Bị kỷ luật trong năm nhưng đã tự phát hiện và khắc phục xong hậu quả → không áp dụng hạn mức ${v.ceiling}`),
  pending: (v, lang) => (lang === 'en'
    ? `The civil-service rating of this year is not known yet → held, no level proposed (level by the votes ${v.level}); to be rated once it is known`
    : `Chưa có kết quả xếp loại công chức, viên chức năm nay → giữ lại, chưa đề xuất mức (mức theo phiếu ${v.level}); xếp loại khi có kết quả`),
  final,
  not_rated: (v, lang) => {
    const reason = String(v.reason ?? '');
    const words = NOT_RATED_WORDS[langOf(lang)][reason] ?? reason;
    return lang === 'en' ? `Not rated: ${words}` : `Không xếp loại: ${words}`;
  },
};

/** One step as one sentence in `lang` ('vi' or 'en'). */
export function renderStep(step, lang = 'vi', names = null) {
  const language = langOf(lang);
  const v = step.values ?? {};
  if (step.code === 'cap') {
    const reason = capReason(step, language, names);
    if (language === 'en') return `Cap (${reason}): ${v.from !== v.to ? `${v.from} → ${v.to}` : `stays ${v.to}`}`;
    return `Hạn mức (${reason}): ${v.from !== v.to ? `${v.from} → ${v.to}` : `giữ ${v.to}`}`;
  }
  if (step.code === 'cap_pending') {
    const reason = capReason(step, language, names);
    return language === 'en' ? `Note for the committee above: cap (${reason}) not applied, no level yet`
      : `Lưu ý cho cấp trên: hạn mức (${reason}) chưa áp dụng vì chưa có mức`;
  }
  if (step.code === 'quota') return quota(step, v, language, names);
  if (step.code === 'runoff') return runoff(step, v, language, names);
  if (KIND_RENDER[step.code]) return KIND_RENDER[step.code](v, language, step.rule);
  const render = RENDER[step.code];
  return render ? render(v, language) : String(step.rule);
}

/** The steps that explain a change or a missing level: caps, quota, runoff, unresolved, pending. */
export const REASON_CODES = ['cap', 'cap_pending', 'cap_waived', 'quota', 'runoff', 'unresolved', 'pending'];

/** The sentences of a subject's reasons (the steps with a code in REASON_CODES). */
export function reasons(steps, lang = 'vi', names = null) {
  return (steps ?? []).filter((step) => REASON_CODES.includes(step.code))
    .map((step) => renderStep(step, lang, names));
}

const OPTION_WORDS = {
  vi: {
    'base.roll': 'Cơ sở tính tỷ lệ: số đảng viên chính thức của chi bộ trừ số được trừ theo Điều lệ; phiếu vắng và phiếu để trống tính là không đạt cho người đó',
    'base.present': 'Cơ sở tính tỷ lệ: số đảng viên chính thức có mặt được bỏ phiếu; phiếu để trống tính là không đạt cho người đó',
    'base.valid_for_person': 'Cơ sở tính tỷ lệ: số phiếu có đánh giá từng đồng chí (không tính phiếu để trống người đó)',
    'quorum.two_thirds': 'Hội nghị hợp lệ khi có ít nhất hai phần ba số đảng viên chính thức (trừ số được trừ) có mặt',
    'quorum.more_than_half': 'Hội nghị hợp lệ khi có hơn một nửa số đảng viên chính thức (trừ số được trừ) có mặt',
    'cumulative.true': 'Số phiếu mỗi mức tính cộng dồn từ mức cao xuống (gồm cả phiếu các mức cao hơn)',
    'cumulative.false': 'Số phiếu mỗi mức tính riêng, không cộng dồn',
    'threshold.more_than_half': 'quá một nửa',
    'threshold.2/3': 'từ hai phần ba trở lên',
    thresholds: 'Ngưỡng đạt từng mức so với cơ sở tính: {levels}',
    'good.true': 'Tỷ lệ hoàn thành xuất sắc nhiệm vụ: không quá 20% số đạt từ hoàn thành tốt nhiệm vụ trở lên (tính cả số hoàn thành xuất sắc), làm tròn xuống; dưới 5 người thì tối đa 1',
    'good.false': 'Tỷ lệ hoàn thành xuất sắc nhiệm vụ: không quá 20% số được đề xuất hoàn thành tốt nhiệm vụ (không tính số hoàn thành xuất sắc); dưới 5 người thì tối đa 1',
    'blank.true': 'Được để trống (không đánh giá) một đồng chí trên phiếu; để trống không phải là phiếu cho mức nào',
    'blank.false': 'Phiếu phải đánh giá đủ mọi đồng chí có tên, không được để trống',
  },
  en: {
    'base.roll': "Base: the cell's official members minus those excluded under the Charter; missing and blank answers count against the person",
    'base.present': 'Base: the official members present who vote; blank answers count against the person',
    'base.valid_for_person': 'Base: the ballots that rate each member (blank answers about that member left out)',
    'quorum.two_thirds': 'The meeting is valid with at least two thirds of the official members (minus those excluded) present',
    'quorum.more_than_half': 'The meeting is valid with more than half of the official members (minus those excluded) present',
    'cumulative.true': "Each level's votes are counted cumulatively from the highest level down",
    'cumulative.false': "Each level's votes are counted on their own, not cumulatively",
    'threshold.more_than_half': 'more than half',
    'threshold.2/3': 'two thirds or more',
    thresholds: 'Threshold of each level, of the base: {levels}',
    'good.true': "Excellent quota: at most 20% of those at 'good' or better (the excellent included), rounded down; at most 1 where fewer than 5",
    'good.false': "Excellent quota: at most 20% of those finally proposed 'good' (the excellent not included); at most 1 where fewer than 5",
    'blank.true': "A ballot may leave a member blank ('no rating'); a blank is a vote for no level",
    'blank.false': 'A ballot must rate every member named; no blank',
  },
};

/** The meeting's options ({base, quorum, cumulative, thresholds, good_includes_excellent,
 * blank_allowed}) as sentences, without any code. */
export function optionWords(options, lang = 'vi') {
  const words = OPTION_WORDS[langOf(lang)];
  const levels = Object.entries(options.thresholds ?? {})
    .map(([level, value]) => `${level} ${words[`threshold.${value}`]}`).join('; ');
  return [
    words[`base.${options.base}`],
    words[`quorum.${options.quorum}`],
    words[`cumulative.${String(options.cumulative)}`],
    words.thresholds.replace('{levels}', levels),
    words[`good.${String(options.good_includes_excellent)}`],
    words[`blank.${String(options.blank_allowed ?? true)}`],
  ];
}
