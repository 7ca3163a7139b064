/**
 * The words of the other secret ballots of a meeting — the confidence vote, yes/no decisions and
 * the cell's self-rating — in the browser: the twin of tally/rules/kind_wording.py (the steps'
 * sentences, held to the same words by tests/vectors/rule_steps.json) and the words a phone, the
 * projector and the committee page show for each kind (its title, its options, an outcome).
 * rulewords.mjs renders these step codes through KIND_RENDER.
 */

import { percentText } from './rulewords.mjs';

export const CONFIDENCE_WORDS = {
  vi: { CAO: 'tín nhiệm cao', TN: 'tín nhiệm', THAP: 'tín nhiệm thấp' },
  en: { CAO: 'high confidence', TN: 'confidence', THAP: 'low confidence' },
};
export const ANSWER_WORDS = {
  vi: { YES: 'tán thành', NO: 'không tán thành' },
  en: { YES: 'yes', NO: 'no' },
};
export const CONSEQUENCE = {
  vi: {
    over_half_low: 'cán bộ có thể xin thôi giữ chức vụ; nếu không, cấp có thẩm quyền xem xét cho thôi giữ chức vụ',
    two_thirds_low: 'cấp có thẩm quyền xem xét cho thôi giữ chức vụ, không chờ hết nhiệm kỳ hoặc hết thời hạn bổ nhiệm',
  },
  en: {
    over_half_low: 'the official may ask to step down; otherwise the competent authority considers relieving them of the post',
    two_thirds_low: 'the competent authority considers relieving them of the post without waiting for the end of the term or of the appointment',
  },
};

function convenedQuorum(v, lang) {
  if (lang === 'en') {
    const text = `Quorum: ${v.present} of ${v.convened} convened present (needs ≥ 2/3, i.e. at least ${v.required}) → ${v.met ? 'met' : 'not met'}`;
    return v.met ? text : `${text}; the confidence vote is not valid`;
  }
  const text = `Túc số: có mặt ${v.present}/${v.convened} người được triệu tập (cần ≥ 2/3, tức ≥ ${v.required}) → ${v.met ? 'đủ' : 'không đủ'}`;
  return v.met ? text : `${text}; việc lấy phiếu tín nhiệm không có giá trị`;
}

function confidenceVotes(v, lang) {
  const words = CONFIDENCE_WORDS[lang];
  const counts = ['CAO', 'TN', 'THAP'].map((level) => `${words[level]} ${v[level]} (${percentText(v[level], v.base, lang)})`).join(', ');
  if (lang === 'en') {
    const of = v.option === 'ballots' ? `shares of the ${v.base} ballots cast`
      : `shares of the ${v.base} convened (${v.ballots} ballots cast)`;
    return `Votes: ${counts}, blank ${v.blank}; ${of}`;
  }
  const of = v.option === 'ballots' ? `tỷ lệ tính trên ${v.base} phiếu thu về`
    : `tỷ lệ tính trên ${v.base} người được triệu tập (${v.ballots} phiếu thu về)`;
  return `Phiếu: ${counts}, để trống ${v.blank}; ${of}`;
}

function confidenceLow(v, lang) {
  const share = percentText(v.THAP, v.base, lang);
  if (lang === 'en') {
    const head = `Low confidence ${v.THAP} of ${v.base} (${share})`;
    if (v.flag === null) return `${head}, not more than half (more than half is ${v.over_half} or more) → no action on this result`;
    if (v.flag === 'over_half_low') {
      return `${head}: more than half and less than two thirds (${v.over_half} to fewer than ${v.two_thirds}) → ${CONSEQUENCE.en[v.flag]}`;
    }
    return `${head}: two thirds or more (${v.two_thirds} or more) → ${CONSEQUENCE.en[v.flag]}`;
  }
  const head = `Tín nhiệm thấp ${v.THAP}/${v.base} (${share})`;
  if (v.flag === null) return `${head}, không quá 1/2 (quá 1/2 là từ ${v.over_half} phiếu) → không thuộc diện xem xét theo kết quả này`;
  if (v.flag === 'over_half_low') {
    return `${head}: quá 1/2 và dưới 2/3 (từ ${v.over_half} đến dưới ${v.two_thirds} phiếu) → ${CONSEQUENCE.vi[v.flag]}`;
  }
  return `${head}: từ 2/3 trở lên (từ ${v.two_thirds} phiếu) → ${CONSEQUENCE.vi[v.flag]}`;
}

function approvalVotes(v, lang) {
  const missing = v.not_cast || 0;
  if (lang === 'en') {
    const text = `Votes: yes ${v.YES}, no ${v.NO}, blank ${v.blank}${missing ? `; ${missing} cast no ballot` : ''}`;
    if (v.option === 'roll') return `${text}; base ${v.base} = ${v.official} official members − ${v.excluded} excluded under the Charter`;
    if (v.option === 'present') return `${text}; base ${v.base} official members present who vote`;
    return `${text}; base ${v.base} ballots that answer (blank ones left out)`;
  }
  const text = `Phiếu: tán thành ${v.YES}, không tán thành ${v.NO}, để trống ${v.blank}${missing ? `; ${missing} người không bỏ phiếu` : ''}`;
  if (v.option === 'roll') return `${text}; cơ sở tính ${v.base} = ${v.official} đảng viên chính thức − ${v.excluded} được trừ theo Điều lệ`;
  if (v.option === 'present') return `${text}; cơ sở tính ${v.base} đảng viên chính thức có mặt được bỏ phiếu`;
  return `${text}; cơ sở tính ${v.base} phiếu có biểu quyết (không tính phiếu để trống)`;
}

function approval(v, lang, rule) {
  if (rule === 'approval.no_quorum') return lang === 'en' ? 'No quorum → not approved' : 'Không đủ túc số → không thông qua';
  const share = percentText(v.YES, v.base, lang);
  if (lang === 'en') {
    const head = `Yes ${v.YES} of ${v.base} (${share})`;
    return v.met ? `${head} > 1/2 of the base ${v.base} → approved`
      : `${head} not > 1/2 of the base ${v.base} (needs at least ${v.required}) → not approved`;
  }
  const head = `Tán thành ${v.YES}/${v.base} (${share})`;
  return v.met ? `${head} > 1/2 cơ sở ${v.base} → thông qua`
    : `${head} không > 1/2 cơ sở ${v.base} (cần ≥ ${v.required}) → không thông qua`;
}

/** Renderer of each step code of these kinds: (values, lang, rule) → sentence. */
export const KIND_RENDER = {
  convened_quorum: (v, lang) => convenedQuorum(v, lang),
  confidence_votes: (v, lang) => confidenceVotes(v, lang),
  confidence_low: (v, lang) => confidenceLow(v, lang),
  approval_votes: (v, lang) => approvalVotes(v, lang),
  approval,
};

// ---- what each kind of round is called, and its options, on a phone or a screen -------------

const KIND_TEXT = {
  vi: {
    rating: { name: 'đánh giá, xếp loại đảng viên', title: 'Phiếu đánh giá, xếp loại đảng viên', intro: 'Với mỗi đảng viên, chọn một mức xếp loại.', blank: 'Không đánh giá (để trống)' },
    runoff: { name: 'bỏ phiếu thêm', title: 'Phiếu bỏ phiếu thêm', intro: 'Chọn các đồng chí giữ mức Hoàn thành xuất sắc nhiệm vụ, không quá số chỗ còn lại.', blank: 'Không chọn' },
    confidence: {
      name: 'lấy phiếu tín nhiệm',
      title: 'Phiếu lấy phiếu tín nhiệm',
      intro: 'Với mỗi đồng chí, chọn một mức: tín nhiệm cao, tín nhiệm hoặc tín nhiệm thấp.',
      blank: 'Để trống (không chọn mức nào)',
      confirm: 'Để trống đồng chí {name}? Phiếu để trống không chọn mức tín nhiệm nào nhưng vẫn được tính vào số phiếu thu về.',
    },
    self_rating: {
      name: 'chi bộ tự đánh giá, xếp loại',
      title: 'Phiếu tự đánh giá, xếp loại chi bộ',
      intro: 'Đọc bảng điểm tự chấm của chi bộ, biểu quyết tổng điểm, rồi chọn mức xếp loại chi bộ.',
      blank: 'Để trống',
      confirm: 'Để trống «{name}»? Phiếu để trống không tán thành, không chọn mức nào và tính là không đạt.',
    },
    approval: {
      name: 'biểu quyết bằng phiếu kín',
      title: 'Phiếu biểu quyết',
      intro: 'Với mỗi nội dung, chọn tán thành hoặc không tán thành.',
      blank: 'Để trống (không biểu quyết)',
      confirm: 'Để trống nội dung «{name}»? Phiếu để trống không phải là tán thành.',
    },
  },
  en: {
    rating: { name: "members' rating", title: 'Party member rating ballot', intro: 'For each member, choose one level.', blank: 'No rating (left blank)' },
    runoff: { name: 'further vote', title: 'Further vote', intro: 'Choose who keeps the excellent level, up to the places left.', blank: 'None' },
    confidence: {
      name: 'confidence vote',
      title: 'Confidence vote',
      intro: 'For each person, choose one: high confidence, confidence or low confidence.',
      blank: 'Blank (no level chosen)',
      confirm: 'Leave {name} blank? A blank chooses no level of confidence but counts among the ballots cast.',
    },
    self_rating: {
      name: "the cell's self-rating",
      title: "The cell's self-rating",
      intro: "Read the cell's self-assessed score sheet, vote on its total, then choose the cell's level.",
      blank: 'Blank',
      confirm: 'Leave "{name}" blank? A blank is no yes and no level, and counts against.',
    },
    approval: {
      name: 'yes/no vote',
      title: 'Yes/no vote',
      intro: 'For each decision, choose yes or no.',
      blank: 'Blank (no vote)',
      confirm: 'Leave "{name}" blank? A blank is not a yes.',
    },
  },
};
const OPTION_WORDS = {
  vi: { CAO: 'Tín nhiệm cao', TN: 'Tín nhiệm', THAP: 'Tín nhiệm thấp', YES: 'Tán thành', NO: 'Không tán thành' },
  en: { CAO: 'High confidence', TN: 'Confidence', THAP: 'Low confidence', YES: 'Yes', NO: 'No' },
};

const VOTE_ORDER = ['CAO', 'TN', 'THAP', 'YES', 'NO', 'XS', 'TOT', 'HT', 'KHT'];

/** A subject's votes in words, in the options' order whatever the order of the object's keys
 * (a signed minute is canonical JSON, its keys sorted): `Tín nhiệm cao 5 · …`. */
export function votesText(votes, lang = 'vi') {
  const rank = (code) => (VOTE_ORDER.includes(code) ? VOTE_ORDER.indexOf(code) : VOTE_ORDER.length);
  return Object.entries(votes)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([option, count]) => `${optionText(option, lang) ?? option} ${count}`)
    .join(' · ');
}

/** The kind of round a manifest asks for (PROTOCOL.md §4, "Kinds"): `round_kind`, else a
 * runoff when its questions name their options, else a rating. */
export function roundKind(manifest) {
  if (manifest?.round_kind) return manifest.round_kind;
  return (manifest?.questions ?? []).some((q) => Array.isArray(q.option_titles)) ? 'runoff' : 'rating';
}

/** The kind's name (in a sentence), ballot title, introduction, blank answer and blank
 * confirmation ({name}) in `lang`. */
export function kindText(kind, lang = 'vi') {
  const words = KIND_TEXT[lang === 'en' ? 'en' : 'vi'];
  return words[kind] ?? words.rating;
}

/** An option of a confidence or yes/no question in words (null for a level or anything else). */
export function optionText(option, lang = 'vi') {
  return OPTION_WORDS[lang === 'en' ? 'en' : 'vi'][option] ?? null;
}

/** A decimal point count ("93.5") as a reader writes it: "93,5" in Vietnamese. */
export function pointsText(text, lang = 'vi') {
  return lang === 'en' ? String(text) : String(text).replace('.', ',');
}

/** The outcome of one subject of a round of another kind, in a few words. */
export function outcomeText(kind, subject, lang = 'vi') {
  const en = lang === 'en';
  if (kind === 'confidence') {
    if (subject.flag === 'two_thirds_low') return en ? 'Low confidence: two thirds or more' : 'Tín nhiệm thấp từ 2/3 trở lên';
    if (subject.flag === 'over_half_low') return en ? 'Low confidence: more than half' : 'Tín nhiệm thấp quá 1/2';
    return en ? 'Not flagged' : 'Không thuộc diện xem xét';
  }
  if (subject.status === 'approved') return en ? 'Approved' : 'Thông qua';
  if (subject.status === 'rejected') return en ? 'Not approved' : 'Không thông qua';
  return subject.level ?? (en ? 'Unresolved' : 'Chưa xác định');
}
