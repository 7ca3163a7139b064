/**
 * The words of the public pages (phone ballot, projector, landing, receipt check), in Vietnamese
 * (the default) and English.
 *
 * `t(key, vars)` looks a key up in the current language ("{n}" placeholders are filled from
 * `vars`); `applyI18n(root)` fills every element marked `data-i18n="key"` (text) or
 * `data-i18n-<attribute>="key"` (aria-label, placeholder, title, alt); `mountLanguageSwitch(el)`
 * renders the visible VI / EN switch. The choice is remembered in localStorage and the `lang`
 * attribute of the page follows it, so screen readers pronounce the right language.
 */

import { COMMITTEE_WORDS } from '/static/words-committee.js';

const STORAGE_KEY = 'phieukin.lang';
export const LANGUAGES = ['vi', 'en'];

const WORDS = {
  vi: {
    'app.name': 'Phiếu Kín',
    'app.tagline': 'Bỏ phiếu kín bằng điện thoại, có thể kiểm chứng',
    'lang.switch': 'Ngôn ngữ',
    'lang.vi': 'Tiếng Việt',
    'lang.en': 'English',

    'level.XS': 'Hoàn thành xuất sắc nhiệm vụ',
    'level.TOT': 'Hoàn thành tốt nhiệm vụ',
    'level.HT': 'Hoàn thành nhiệm vụ',
    'level.KHT': 'Không hoàn thành nhiệm vụ',
    'level.blank': 'Không đánh giá',
    'level.blank.long': 'Không đánh giá (để trống)',

    'phase.setup': 'Đang chuẩn bị hội nghị',
    'phase.ceremony': 'Ban kiểm phiếu đang tạo khóa',
    'phase.ready': 'Sắp bỏ phiếu',
    'phase.open': 'Đang bỏ phiếu',
    'phase.closed': 'Đã kết thúc bỏ phiếu',
    'phase.counting': 'Đang kiểm phiếu',
    'phase.decrypted': 'Đã có kết quả kiểm phiếu',
    'phase.unknown': 'Giai đoạn: {phase}',
    'phase.abandoned': 'Lễ tạo khóa đã bị hủy',
    'fingerprint.election': 'Dấu vân tay cuộc bầu',
    'projector.committee': 'Ban kiểm phiếu — mã khóa của từng thành viên',
    'projector.alarm': 'CẢNH BÁO: đường dẫn của thành viên này đã được mở trên một thiết bị khác',
    'projector.member.waiting': 'chưa nhận đường dẫn',
    'projector.member.claimed': 'đã nhận đường dẫn',
    'projector.member.announced': 'đã tạo khóa',
    'projector.member.confirmed': 'đã xác nhận mã khóa',

    'served.code': 'Mã phiên bản phần mềm: {code}',
    'served.help': 'Dấu vân tay của mọi trang và mã chương trình máy chủ này phục vụ; so với kết quả «phieukin check-served» trên máy của đồng chí.',

    'vote.title': 'Phiếu đánh giá, xếp loại đảng viên',
    'vote.loading': 'Đang tải phiếu bầu…',
    'vote.round': 'Vòng bỏ phiếu {r}',
    'vote.intro': 'Với mỗi đảng viên, chọn một mức xếp loại. Phiếu được mã hóa ngay trên điện thoại của đồng chí trước khi gửi: máy chủ và người điều hành không biết đồng chí đã chọn gì.',
    'vote.intro.secret': 'Phiếu được mã hóa ngay trên điện thoại của đồng chí trước khi gửi: máy chủ và người điều hành không biết đồng chí đã chọn gì.',
    'vote.progress': 'Đã chọn {n}/{total}',
    'vote.question.number': '{i}/{total}',
    'vote.question.none': 'Chưa chọn',
    'vote.question.chosen': 'Đã chọn: {choice}',
    'vote.blank.confirm': 'Không đánh giá đồng chí {name}? Phiếu để trống không cho đồng chí mức nào và tính là không đạt cho đồng chí.',
    'vote.blank.yes': 'Xác nhận không đánh giá',
    'vote.blank.no': 'Chọn lại',
    'vote.runoff.limit': 'Chọn tối đa {max} đồng chí (có thể không chọn ai).',
    'vote.runoff.none': 'Không chọn ai',
    'vote.selected': 'Đã chọn',
    'vote.toReview': 'Xem lại phiếu',
    'vote.missing': 'Còn {n} đảng viên chưa được chọn mức. Đã chuyển đến người đầu tiên còn thiếu.',
    'vote.review.title': 'Xem lại phiếu trước khi gửi',
    'vote.review.help': 'Kiểm tra lại từng lựa chọn. Sau khi gửi, phiếu không thể sửa được nữa.',
    'vote.review.edit': 'Sửa',
    'vote.review.editFor': 'Sửa lựa chọn cho {name}',
    'vote.back': 'Quay lại sửa',
    'vote.submit': 'Mã hóa phiếu',
    'vote.sealed.title': 'Phiếu đã được mã hóa',
    'vote.sealed.codeLabel': 'Mã theo dõi của phiếu này',
    'vote.sealed.help': 'Bấm «Bỏ phiếu» để gửi. Muốn chắc điện thoại mã hóa đúng lựa chọn của mình, bấm «Kiểm tra mã hóa»: phiếu này được mở ra cho đồng chí xem và không được tính, rồi điện thoại mã hóa lại để đồng chí bỏ phiếu.',
    'vote.cast': 'Bỏ phiếu',
    'vote.audit': 'Kiểm tra mã hóa',
    'vote.audited.title': 'Phiếu kiểm tra (không được tính)',
    'vote.audited.help': 'Điện thoại cho biết phiếu mang mã trên đã mã hóa các lựa chọn dưới đây. Hãy ghi lại mã: sau hội nghị, trên một máy tính không thuộc hội nghị, lệnh «phieukin verify record.zip --tracker MÃ» phải cho đúng các lựa chọn này.',
    'vote.reseal': 'Mã hóa lại để bỏ phiếu',
    'vote.audit.failed': 'CẢNH BÁO: điện thoại này KHÔNG mã hóa đúng lựa chọn của đồng chí (mã {code}). Đừng bỏ phiếu trên thiết bị này; báo ngay cho Ban kiểm phiếu.',
    'vote.busy': 'Máy chủ đang bận; tự gửi lại sau {s} giây…',
    'vote.encrypting': 'Đang mã hóa phiếu: {n}/{total}',
    'vote.sending': 'Đang gửi phiếu đã mã hóa…',
    'vote.notSent': 'Phiếu đã được mã hóa nhưng chưa được nhận.',
    'vote.working.title': 'Đang xử lý phiếu',
    'vote.working.help': 'Xin đừng đóng trang này.',
    'vote.receipt.title': 'Phiếu của đồng chí đã được nhận',
    'vote.receipt.codeLabel': 'Mã theo dõi phiếu',
    'vote.receipt.explain': 'Mã này chứng minh phiếu của đồng chí đã vào hòm phiếu và sẽ được kiểm. Mã không cho biết đồng chí đã chọn gì — không ai, kể cả đồng chí, có thể dùng mã để xem nội dung phiếu.',
    'vote.receipt.keep': 'Hãy ghi lại hoặc chụp màn hình mã này. Sau hội nghị, đồng chí có thể kiểm tra mã có trong biên bản và hồ sơ kiểm phiếu.',
    'vote.receipt.check': 'Kiểm tra mã theo dõi',
    'vote.receipt.copy': 'Sao chép mã',
    'vote.receipt.copied': 'Đã sao chép mã.',
    'vote.receipt.again': 'Phiếu này đã được nhận trước đó; đây là cùng một mã theo dõi.',
    'vote.retry': 'Gửi lại',
    'vote.retry.help': 'Phiếu đã mã hóa vẫn được giữ trên điện thoại này. Bấm «Gửi lại» để gửi đúng phiếu đó: gửi lại nhiều lần cũng chỉ được tính một phiếu.',
    'vote.restart': 'Mã hóa lại và gửi',
    'vote.reload': 'Kiểm tra lại',
    'vote.reference': 'Mã tham chiếu: {ref}',

    'entry.title': 'Nhập mã phiếu',
    'entry.help': 'Mã phiếu gồm 26 ký tự in dưới mã QR trên thẻ phiếu. Có thể nhập chữ thường, có hoặc không có dấu gạch ngang.',
    'entry.label': 'Mã phiếu',
    'entry.open': 'Mở phiếu bầu',
    'entry.invalid': 'Mã phiếu chưa đúng: cần 26 ký tự (chữ và số). Hãy kiểm tra lại từng ký tự trên thẻ.',

    'state.notOpen.title': 'Chưa mở bỏ phiếu',
    'state.notOpen.body': 'Chủ trì chưa mở bỏ phiếu. Trang này sẽ tự mở phiếu bầu khi bắt đầu bỏ phiếu; đồng chí cũng có thể bấm «Kiểm tra lại».',
    'state.closed.title': 'Đã kết thúc bỏ phiếu',
    'state.closed.body': 'Việc bỏ phiếu của vòng này đã kết thúc, không nhận thêm phiếu.',
    'state.spent.title': 'Mã phiếu đã được dùng',
    'state.spent.body': 'Mã phiếu này đã được dùng để bỏ phiếu. Mỗi mã chỉ bỏ phiếu được một lần. Nếu đồng chí chưa bỏ phiếu, hãy báo ngay cho chủ trì hoặc Ban kiểm phiếu.',
    'state.cancelled.title': 'Mã phiếu đã bị hủy',
    'state.cancelled.body': 'Mã phiếu này đã bị chủ trì hủy và không dùng được. Hãy xin một thẻ phiếu khác.',
    'state.unknown.title': 'Mã phiếu không đúng',
    'state.unknown.body': 'Không tìm thấy mã phiếu này trong vòng bỏ phiếu. Hãy kiểm tra lại mã trên thẻ hoặc quét lại mã QR.',
    'state.noRound.title': 'Chưa có vòng bỏ phiếu',
    'state.noRound.body': 'Hội nghị chưa bắt đầu vòng bỏ phiếu nào.',
    'state.tryToken': 'Nhập mã khác',

    'error.network': 'Mất kết nối với máy chủ. Hãy kiểm tra Wi-Fi của phòng họp rồi thử lại.',
    'error.token_used': 'Mã phiếu này đã được dùng để bỏ phiếu. Mỗi mã chỉ bỏ phiếu được một lần.',
    'error.token_unknown': 'Mã phiếu không đúng hoặc không thuộc vòng bỏ phiếu này.',
    'error.token_cancelled': 'Mã phiếu này đã bị hủy.',
    'error.token_mismatch': 'Phiếu không khớp với mã phiếu. Hãy mã hóa lại.',
    'error.invalid_ballot': 'Máy chủ từ chối phiếu vì phiếu không hợp lệ. Hãy báo cho Ban kiểm phiếu kèm mã tham chiếu, rồi thử mã hóa lại.',
    'error.voting_not_open': 'Chưa mở bỏ phiếu. Phiếu chưa được gửi.',
    'error.voting_closed': 'Đã kết thúc bỏ phiếu. Phiếu không được nhận.',
    'error.rate_limited': 'Thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại.',
    'error.bad_signature': 'Máy chủ không nhận chữ ký của mã phiếu trên phiếu này. Hãy mã hóa lại; nếu vẫn lỗi, báo Ban kiểm phiếu kèm mã tham chiếu.',
    'error.audited_ballot': 'Phiếu mã hóa này đã được mở ra để kiểm tra nên không thể bỏ. Hãy mã hóa lại.',
    'error.busy': 'Máy chủ đang bận kiểm tra nhiều phiếu. Phiếu vẫn được giữ trên điện thoại; bấm «Gửi lại» sau ít giây.',
    'error.token_in_clear': 'Trang bỏ phiếu đã cũ. Hãy tải lại trang.',
    'error.server': 'Máy chủ gặp lỗi. Có thể gửi lại phiếu an toàn.',
    'error.overloaded': 'Máy chủ đang phải kiểm tra quá nhiều phiếu cùng lúc nên phiếu chưa được nhận; hãy gửi lại sau vài giây (an toàn, không bị tính hai lần).',
    'error.busy': 'Máy chủ đang bận: một chương trình khác đang giữ cơ sở dữ liệu. Phiếu chưa được nhận; hãy gửi lại sau vài giây (an toàn, không bị tính hai lần).',
    'error.disk_full': 'Ổ đĩa của máy chủ đã đầy nên phiếu chưa được nhận. Hãy báo chủ tọa; khi đã giải phóng chỗ trống, gửi lại chính phiếu này (an toàn, không bị tính hai lần).',
    'error.store_damaged': 'Cơ sở dữ liệu của máy chủ bị hỏng nên phiếu chưa được nhận. Hãy báo chủ tọa kèm mã tham chiếu và giữ trang này để gửi lại sau.',
    'error.store_unwritable': 'Máy chủ không ghi được dữ liệu nên phiếu chưa được nhận. Hãy báo chủ tọa kèm mã tham chiếu và giữ trang này để gửi lại sau.',
    'error.load': 'Không tải được phiếu bầu từ máy chủ.',
    'error.crypto': 'Không mã hóa được phiếu trên điện thoại này: {detail}',
    'error.badElection': 'Dữ liệu khóa bầu cử từ máy chủ không hợp lệ, không thể bỏ phiếu an toàn. Hãy báo cho Ban kiểm phiếu.',

    'projector.turnout': 'Số phiếu đã nhận',
    'projector.turnoutOf': '{ballots} / {tokens}',
    'projector.turnoutAria': 'Đã nhận {ballots} trên {tokens} phiếu đã phát',
    'projector.ballots': 'phiếu đã nhận',
    'projector.tokens': 'phiếu đã phát',
    'projector.join': 'Quét mã QR trên thẻ phiếu, hoặc mở',
    'projector.secret': 'Kết quả chỉ được công bố sau khi kết thúc bỏ phiếu và Ban kiểm phiếu giải mã.',
    'projector.live': 'Đang cập nhật trực tiếp',
    'projector.reconnecting': 'Mất kết nối, đang kết nối lại…',
    'projector.round': 'Vòng {r}',

    'home.what': 'Phiếu Kín thay phiếu giấy trong hội nghị đánh giá, xếp loại đảng viên: mỗi đảng viên bỏ phiếu kín trên điện thoại, phiếu được mã hóa ngay trên máy, chỉ Ban kiểm phiếu cùng nhau mới giải mã được kết quả chung, và ai cũng kiểm chứng được việc kiểm phiếu.',
    'home.voter': 'Bỏ phiếu',
    'home.voterHelp': 'Quét mã QR trên thẻ phiếu bằng camera điện thoại, hoặc nhập mã phiếu dưới đây.',
    'home.others': 'Các trang khác',
    'home.projector': 'Màn hình chiếu',
    'home.projectorHelp': 'Giai đoạn và số phiếu đã nhận, để chiếu lên màn hình lớn.',
    'home.committee': 'Ban kiểm phiếu',
    'home.committeeHelp': 'Thành viên Ban kiểm phiếu mở bằng đường dẫn riêng của mình.',
    'home.chair': 'Chủ trì hội nghị',
    'home.chairHelp': 'Chuẩn bị hội nghị, điểm danh, phát phiếu, mở và kết thúc bỏ phiếu.',
    'home.tracker': 'Kiểm tra mã theo dõi phiếu',
    'home.trackerHelp': 'Kiểm tra phiếu của mình đã có trong hòm phiếu.',
    'home.offline': 'Hệ thống chạy trên máy tính của hội nghị, trong mạng Wi-Fi của phòng họp, không cần Internet.',

    'tracker.title': 'Kiểm tra mã theo dõi phiếu',
    'tracker.help': 'Nhập mã theo dõi (16 ký tự, ví dụ 7K2D-…) hiện trên màn hình sau khi gửi phiếu.',
    'tracker.label': 'Mã theo dõi',
    'tracker.round': 'Vòng bỏ phiếu',
    'tracker.check': 'Kiểm tra',
    'tracker.checking': 'Đang kiểm tra…',
    'tracker.found': 'Có. Phiếu với mã {code} đã có trong hòm phiếu của vòng {r} và sẽ được kiểm.',
    'tracker.notFound': 'Không tìm thấy phiếu có mã {code} trong vòng {r}. Hãy kiểm tra lại từng ký tự; nếu vẫn không thấy, hãy báo cho Ban kiểm phiếu.',
    'tracker.full': 'Mã đầy đủ trong hồ sơ:',
    'tracker.invalid': 'Mã theo dõi cần 16 ký tự (chữ và số).',
    'tracker.audited': 'Phiếu {code} (vòng {r}) là phiếu kiểm tra: không được tính. Nó đã mã hóa các lựa chọn sau — so với lựa chọn của đồng chí:',
    'tracker.auditBad': 'Phiếu kiểm tra {code} (vòng {r}) KHÔNG mở ra đúng các lựa chọn nó ghi. Hãy báo ngay cho Ban kiểm phiếu.',
    'nav.home': 'Trang chủ',
  },
  en: {
    'app.name': 'Phiếu Kín',
    'app.tagline': 'Verifiable secret ballot by phone',
    'lang.switch': 'Language',
    'lang.vi': 'Tiếng Việt',
    'lang.en': 'English',

    'level.XS': 'Completed duties excellently',
    'level.TOT': 'Completed duties well',
    'level.HT': 'Completed duties',
    'level.KHT': 'Did not complete duties',
    'level.blank': 'No rating',
    'level.blank.long': 'No rating (left blank)',

    'phase.setup': 'Preparing the meeting',
    'phase.ceremony': 'The counting committee is making the key',
    'phase.ready': 'Voting opens soon',
    'phase.open': 'Voting is open',
    'phase.closed': 'Voting has closed',
    'phase.counting': 'Counting',
    'phase.decrypted': 'The count is done',
    'served.code': 'Software fingerprint: {code}',
    'served.help': 'The fingerprint of every page and script this server serves; compare it with "phieukin check-served" on your own computer.',
    'phase.unknown': 'Phase: {phase}',
    'phase.abandoned': 'The key ceremony was abandoned',
    'fingerprint.election': 'Election fingerprint',
    'projector.committee': 'Counting committee — each member\'s key fingerprint',
    'projector.alarm': 'WARNING: this member\'s link was opened on another device',
    'projector.member.waiting': 'link not yet claimed',
    'projector.member.claimed': 'link claimed',
    'projector.member.announced': 'key made',
    'projector.member.confirmed': 'key fingerprint confirmed',

    'vote.title': 'Party member rating ballot',
    'vote.loading': 'Loading the ballot…',
    'vote.round': 'Round {r}',
    'vote.intro': 'For each member, choose one level. Your ballot is encrypted on your phone before it is sent: neither the server nor its operator can see what you chose.',
    'vote.intro.secret': 'Your ballot is encrypted on your phone before it is sent: neither the server nor its operator can see what you chose.',
    'vote.progress': '{n}/{total} chosen',
    'vote.question.number': '{i}/{total}',
    'vote.question.none': 'Not chosen yet',
    'vote.question.chosen': 'Chosen: {choice}',
    'vote.blank.confirm': 'Leave {name} without a rating? A blank gives no level and counts against the member.',
    'vote.blank.yes': 'Yes, no rating',
    'vote.blank.no': 'Choose again',
    'vote.runoff.limit': 'Choose up to {max} (or none).',
    'vote.runoff.none': 'Choose nobody',
    'vote.selected': 'Chosen',
    'vote.toReview': 'Review ballot',
    'vote.missing': '{n} members have no level yet. Moved to the first one missing.',
    'vote.review.title': 'Review your ballot before sending',
    'vote.review.help': 'Check each choice. Once sent, the ballot cannot be changed.',
    'vote.review.edit': 'Change',
    'vote.review.editFor': 'Change the choice for {name}',
    'vote.back': 'Back to edit',
    'vote.submit': 'Encrypt the ballot',
    'vote.sealed.title': 'Your ballot is encrypted',
    'vote.sealed.codeLabel': 'Tracker code of this ballot',
    'vote.sealed.help': 'Press "Cast" to send it. To make sure the phone encrypted your choices, press "Audit": this ballot is opened for you to see and is not counted, then the phone encrypts again for you to cast.',
    'vote.cast': 'Cast',
    'vote.audit': 'Audit',
    'vote.audited.title': 'Audited ballot (not counted)',
    'vote.audited.help': 'The phone says the ballot with the code above encrypted the choices below. Write the code down: after the meeting, on a computer that is not the meeting\'s, "phieukin verify record.zip --tracker CODE" must show these same choices.',
    'vote.reseal': 'Encrypt again to cast',
    'vote.audit.failed': 'WARNING: this phone did NOT encrypt your choices (code {code}). Do not vote on this device; tell the counting committee now.',
    'vote.busy': 'The server is busy; sending again in {s} seconds…',
    'vote.encrypting': 'Encrypting the ballot: {n}/{total}',
    'vote.sending': 'Sending the encrypted ballot…',
    'vote.notSent': 'The ballot is encrypted but has not been received yet.',
    'vote.working.title': 'Processing your ballot',
    'vote.working.help': 'Please do not close this page.',
    'vote.receipt.title': 'Your ballot has been received',
    'vote.receipt.codeLabel': 'Ballot tracker code',
    'vote.receipt.explain': 'This code proves your ballot is in the ballot box and will be counted. It does not reveal how you voted — nobody, not even you, can use it to see the ballot\'s content.',
    'vote.receipt.keep': 'Write this code down or take a screenshot. After the meeting you can check that it is in the counting record.',
    'vote.receipt.check': 'Check a tracker code',
    'vote.receipt.copy': 'Copy code',
    'vote.receipt.copied': 'Code copied.',
    'vote.receipt.again': 'This ballot had already been received; this is the same tracker code.',
    'vote.retry': 'Send again',
    'vote.retry.help': 'The encrypted ballot is kept on this phone. "Send again" sends exactly the same ballot: sending it several times still counts once.',
    'vote.restart': 'Encrypt again and send',
    'vote.reload': 'Check again',
    'vote.reference': 'Reference: {ref}',

    'entry.title': 'Enter your voting code',
    'entry.help': 'The voting code is the 26 characters printed under the QR code on your card. Lower case and dashes are fine.',
    'entry.label': 'Voting code',
    'entry.open': 'Open the ballot',
    'entry.invalid': 'This code is not right: it needs 26 letters and digits. Check each character on the card.',

    'state.notOpen.title': 'Voting is not open yet',
    'state.notOpen.body': 'The chair has not opened voting yet. This page opens the ballot by itself when voting starts; you can also press "Check again".',
    'state.closed.title': 'Voting has closed',
    'state.closed.body': 'Voting in this round has ended; no more ballots are accepted.',
    'state.spent.title': 'This code has been used',
    'state.spent.body': 'This voting code has already been used. Each code votes once. If you have not voted, tell the chair or the counting committee now.',
    'state.cancelled.title': 'This code was cancelled',
    'state.cancelled.body': 'The chair cancelled this voting code. Please ask for another card.',
    'state.unknown.title': 'Unknown voting code',
    'state.unknown.body': 'This code is not in this voting round. Check the code on the card or scan the QR code again.',
    'state.noRound.title': 'No voting round yet',
    'state.noRound.body': 'The meeting has not started a voting round.',
    'state.tryToken': 'Enter another code',

    'error.network': 'Lost the connection to the server. Check the meeting room Wi-Fi and try again.',
    'error.token_used': 'This voting code has already been used. Each code votes once.',
    'error.token_unknown': 'This voting code is wrong or not for this round.',
    'error.token_cancelled': 'This voting code was cancelled.',
    'error.token_mismatch': 'The ballot does not match the voting code. Encrypt it again.',
    'error.invalid_ballot': 'The server rejected the ballot as invalid. Tell the counting committee the reference, then try encrypting again.',
    'error.voting_not_open': 'Voting is not open yet. The ballot was not sent.',
    'error.voting_closed': 'Voting has closed. The ballot was not accepted.',
    'error.rate_limited': 'Too many attempts. Please wait a minute and try again.',
    'error.bad_signature': 'The server did not accept the token\'s signature on this ballot. Encrypt again; if it fails again, tell the counting committee the reference.',
    'error.audited_ballot': 'This encryption was opened for an audit, so it cannot be cast. Encrypt again.',
    'error.busy': 'The server is busy checking many ballots. The ballot is kept on this phone; press "Send again" in a few seconds.',
    'error.token_in_clear': 'This voting page is out of date. Reload the page.',
    'error.server': 'The server had an error. It is safe to send the ballot again.',
    'error.overloaded': 'The server has too many ballots to check at once, so the ballot was not received; send it again in a few seconds (safe: it is never counted twice).',
    'error.busy': 'The server is busy: another program holds its database. The ballot was not received; send it again in a few seconds (safe: it is never counted twice).',
    'error.disk_full': 'The server\'s disk is full, so the ballot was not received. Tell the chair; once space is freed, send this same ballot again (safe: it is never counted twice).',
    'error.store_damaged': 'The server\'s database is damaged, so the ballot was not received. Tell the chair the reference and keep this page to send it again later.',
    'error.store_unwritable': 'The server cannot write its data, so the ballot was not received. Tell the chair the reference and keep this page to send it again later.',
    'error.load': 'Could not load the ballot from the server.',
    'error.crypto': 'This phone could not encrypt the ballot: {detail}',
    'error.badElection': 'The election key from the server is invalid, so voting is not safe. Tell the counting committee.',

    'projector.turnout': 'Ballots received',
    'projector.turnoutOf': '{ballots} / {tokens}',
    'projector.turnoutAria': '{ballots} of {tokens} issued ballots received',
    'projector.ballots': 'ballots received',
    'projector.tokens': 'codes issued',
    'projector.join': 'Scan the QR code on your card, or open',
    'projector.secret': 'Results are shown only after voting closes and the counting committee decrypts them.',
    'projector.live': 'Live',
    'projector.reconnecting': 'Connection lost, reconnecting…',
    'projector.round': 'Round {r}',

    'home.what': 'Phiếu Kín replaces paper ballots in the annual rating of party members: each member votes secretly on their phone, the ballot is encrypted on the phone, only the counting committee together can decrypt the overall result, and anyone can verify the count.',
    'home.voter': 'Vote',
    'home.voterHelp': 'Scan the QR code on your card with the phone camera, or type the voting code below.',
    'home.others': 'Other pages',
    'home.projector': 'Projector screen',
    'home.projectorHelp': 'Phase and ballots received, for the big screen.',
    'home.committee': 'Counting committee',
    'home.committeeHelp': 'Committee members open it with their own personal link.',
    'home.chair': 'Chair',
    'home.chairHelp': 'Set up the meeting, attendance, voting codes, open and close voting.',
    'home.tracker': 'Check a ballot tracker code',
    'home.trackerHelp': 'Check that your ballot is in the ballot box.',
    'home.offline': 'The system runs on the meeting\'s laptop over the room\'s Wi-Fi; no Internet is needed.',

    'tracker.title': 'Check a ballot tracker code',
    'tracker.help': 'Type the tracker code (16 characters, e.g. 7K2D-…) shown after you sent your ballot.',
    'tracker.label': 'Tracker code',
    'tracker.round': 'Voting round',
    'tracker.check': 'Check',
    'tracker.checking': 'Checking…',
    'tracker.found': 'Yes. A ballot with code {code} is in the ballot box of round {r} and will be counted.',
    'tracker.notFound': 'No ballot with code {code} in round {r}. Check each character; if it is still missing, tell the counting committee.',
    'tracker.full': 'Full tracker in the record:',
    'tracker.invalid': 'A tracker code has 16 letters and digits.',
    'tracker.audited': 'Ballot {code} (round {r}) is an audited ballot: never counted. It encrypted these choices — compare them with yours:',
    'tracker.auditBad': 'Audited ballot {code} (round {r}) does NOT open to the choices it claims. Tell the counting committee now.',
    'nav.home': 'Home',
  },
};

for (const lang of LANGUAGES) Object.assign(WORDS[lang], COMMITTEE_WORDS[lang]);

const listeners = new Set();

function stored() {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY);
  } catch {
    return null; // storage can be disabled (private mode, some in-app browsers)
  }
}

let current = LANGUAGES.includes(stored()) ? stored() : 'vi';

/** The current language code, "vi" or "en". */
export function getLang() {
  return current;
}

/**
 * The text for `key` in the current language, with "{name}" filled from `vars`.
 * Falls back to Vietnamese, then to the key itself (so a missing word is visible, not blank).
 * @param {string} key
 * @param {Record<string, string|number>} [vars]
 */
export function t(key, vars = {}) {
  const text = WORDS[current][key] ?? WORDS.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** Whether the dictionary knows `key` (e.g. a level code from a manifest). */
export function has(key) {
  return key in WORDS.vi;
}

/** The words for an option of a manifest: a known level, or the option's own name. */
export function optionWords(option) {
  return has(`level.${option}`) ? t(`level.${option}`) : option;
}

/**
 * Fill `root`'s marked elements in the current language.
 * @param {ParentNode} [root]
 */
export function applyI18n(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const attribute of ['aria-label', 'placeholder', 'title', 'alt']) {
    const data = `data-i18n-${attribute}`;
    for (const element of root.querySelectorAll(`[${data}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(data)));
    }
  }
}

/**
 * Switch language: remembered, `lang` attribute set, marked elements refilled, listeners told.
 * @param {string} lang
 */
export function setLang(lang) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* not remembered, still switched */
  }
  document.documentElement.lang = lang;
  applyI18n();
  for (const listener of listeners) listener(lang);
}

/** Call `listener(lang)` after every language switch (to re-render dynamic text). */
export function onLangChange(listener) {
  listeners.add(listener);
}

/**
 * Render the VI / EN switch into `container`: two real buttons with `aria-pressed`,
 * `data-testid="lang-vi"` and `data-testid="lang-en"`.
 * @param {HTMLElement} container
 */
export function mountLanguageSwitch(container) {
  container.classList.add('lang-switch');
  container.setAttribute('role', 'group');
  container.setAttribute('data-i18n-aria-label', 'lang.switch');
  container.setAttribute('aria-label', t('lang.switch'));
  container.replaceChildren();
  const buttons = LANGUAGES.map((lang) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.lang = lang;
    button.dataset.testid = `lang-${lang}`;
    button.textContent = lang === 'vi' ? 'Tiếng Việt' : 'English';
    button.addEventListener('click', () => setLang(lang));
    container.append(button);
    return button;
  });
  const sync = () => {
    for (const button of buttons) button.setAttribute('aria-pressed', String(button.lang === current));
  };
  sync();
  onLangChange(sync);
}

/** Set the page's `lang` and fill its marked text; call once at start-up. */
export function initI18n() {
  document.documentElement.lang = current;
  applyI18n();
}
