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

    // ---- committee page (/committee): committee.html, committee.js ----
    'cm.title': 'Ban kiểm phiếu',
    'cm.loading': 'Đang tải…',
    'cm.member': 'Thành viên {i}',
    'cm.memberNamed': 'Thành viên {i} — {name}',
    'cm.meeting': 'Hội nghị',
    'cm.round': 'Vòng bỏ phiếu',
    'cm.roundReusing': '{n} — bỏ phiếu thêm, dùng khóa của vòng {key}',
    'cm.roundKindReusing': '{n} — {kind}, dùng khóa của vòng {key}',
    'cm.phase': 'Giai đoạn',
    'cm.phase.counted': 'Đã kiểm phiếu xong',
    'cm.manifestHash': 'Mã bản kê phiếu',
    'cm.fingerprint': 'Dấu vân tay cuộc bầu',
    'cm.ballots': 'Số phiếu đã nhận',
    'cm.ceremony.title': 'Lễ tạo khóa',
    'cm.ceremony.intro': 'Khóa giải mã được chia cho các thành viên Ban kiểm phiếu: phần của đồng chí được tạo và giữ trên điện thoại này, máy chủ không bao giờ nhận được. Cần đủ số thành viên theo quy định cùng giải mã mới ra kết quả.',
    'cm.step1.title': 'Tạo khóa của đồng chí',
    'cm.step1.help': 'Bấm nút dưới đây để tạo phần khóa của đồng chí trên điện thoại này.',
    'cm.step1.button': 'Tạo khóa trên điện thoại này',
    'cm.step1.working': 'Đang tạo khóa…',
    'cm.step1.done': 'Đã tạo khóa và gửi khóa công khai.',
    'cm.step2.title': 'Kiểm tra khóa của các thành viên, gửi phần khóa',
    'cm.step2.waiting': 'Đang chờ các thành viên khác tạo khóa: {n}/{total}.',
    'cm.step2.sending': 'Đang gửi phần khóa đã mã hóa…',
    'cm.step2.done': 'Khóa của cả {total} thành viên hợp lệ; đã gửi phần khóa cho từng người.',
    'cm.step3.title': 'Nhận và kiểm tra phần khóa, xác nhận',
    'cm.step3.waiting': 'Đang chờ phần khóa gửi cho đồng chí: {n}/{total}.',
    'cm.step3.confirming': 'Đang xác nhận…',
    'cm.step3.done': 'Các phần khóa nhận được đều đúng; đã xác nhận.',
    'cm.status.waitConfirm.title': 'Đang chờ các thành viên khác xác nhận',
    'cm.status.waitConfirm.body': 'Đã xác nhận {n}/{total}. Khóa chung được công bố khi tất cả đã xác nhận. Trong lúc chờ, hãy tạo bản sao lưu khóa.',
    'cm.status.ready.title': 'Lễ tạo khóa đã hoàn tất',
    'cm.status.ready.body': 'Khóa chung đã được công bố. Giữ điện thoại này (hoặc bản sao lưu) đến khi kiểm phiếu: sau khi kết thúc bỏ phiếu, trang này sẽ đề nghị đồng chí giải mã.',
    'cm.status.voting.title': 'Đang bỏ phiếu',
    'cm.status.voting.body': 'Khi chủ trì kết thúc bỏ phiếu, trang này sẽ đề nghị đồng chí giải mã kết quả. Không cần làm gì lúc này.',
    'cm.status.decrypted.title': 'Đã gửi phần giải mã của đồng chí',
    'cm.status.decrypted.body': 'Đang chờ các thành viên khác: cần {t} thành viên giải mã để có kết quả.',
    'cm.status.counted.title': 'Đã kiểm phiếu xong',
    'cm.status.counted.body': 'Đủ thành viên đã giải mã; kết quả được công bố trên màn hình chiếu. Khi chủ trì lập biên bản, trang này sẽ đề nghị đồng chí ký.',
    'cm.status.toSign.title': 'Biên bản kiểm phiếu đã được lập',
    'cm.status.toSign.body': 'Hãy đọc nội dung dưới đây, đối chiếu dấu vân tay với bản in hoặc màn hình chiếu, rồi bấm «Ký biên bản».',
    'cm.status.signed.title': 'Đồng chí đã ký biên bản',
    'cm.status.signed.body': 'Ban kiểm phiếu đã ký {n}/{total}. Chữ ký số của đồng chí đã được ghi vào hồ sơ.',
    'cm.status.minuteRefused.title': 'Điện thoại này không ký biên bản này',
    'cm.status.minuteRefused.body': 'Nội dung nhận được không khớp (xem lý do bên dưới). Hãy báo cho chủ trì hội nghị.',
    'cm.status.unfinished.title': 'Lễ tạo khóa chưa xong trên điện thoại này',
    'cm.status.unfinished.body': 'Điện thoại này không có phần khóa để giải mã. Hãy báo cho chủ trì hội nghị.',
    'cm.status.other.title': 'Giai đoạn: {phase}',
    'cm.status.other.body': '',
    'cm.decrypt.title': 'Giải mã kết quả kiểm phiếu',
    'cm.decrypt.intro': 'Đồng chí được đề nghị giải mã tổng số phiếu của vòng bỏ phiếu sau. Chỉ tổng số được giải mã, không bao giờ giải mã từng phiếu.',
    'cm.decrypt.help': 'Hãy đối chiếu dấu vân tay với màn hình chiếu trước khi bấm «Giải mã».',
    'cm.decrypt.button': 'Giải mã',
    'cm.decrypt.working': 'Đang tính phần giải mã và bằng chứng…',
    'cm.decrypt.sent': 'Đã gửi phần giải mã kèm bằng chứng.',
    'cm.backup.title': 'Sao lưu khóa của đồng chí',
    'cm.backup.intro': 'Nếu điện thoại mất dữ liệu, bản sao lưu cho phép khôi phục khóa để giải mã. Bản sao lưu được mã hóa bằng mật khẩu đồng chí chọn; hãy lưu tệp hoặc chụp mã QR và nhớ mật khẩu.',
    'cm.backup.pass': 'Mật khẩu sao lưu',
    'cm.backup.passHint': 'Ít nhất 8 ký tự. Không ai, kể cả máy chủ, khôi phục được mật khẩu này.',
    'cm.backup.pass2': 'Nhập lại mật khẩu',
    'cm.backup.make': 'Tạo bản sao lưu',
    'cm.backup.working': 'Đang mã hóa bản sao lưu…',
    'cm.backup.tooShort': 'Mật khẩu cần ít nhất 8 ký tự.',
    'cm.backup.mismatch': 'Hai lần nhập mật khẩu không giống nhau.',
    'cm.backup.ready': 'Bản sao lưu đã sẵn sàng',
    'cm.backup.file': 'Lưu tệp sao lưu',
    'cm.backup.qr': 'Hiện mã QR sao lưu',
    'cm.backup.qrHide': 'Ẩn mã QR sao lưu',
    'cm.backup.qrLabel': 'Mã QR của bản sao lưu khóa (đã mã hóa)',
    'cm.backup.qrHelp': 'Chụp mã này bằng thiết bị khác để giữ bản sao lưu. Không có mật khẩu thì không đọc được.',
    'cm.backup.qrTooBig': 'Bản sao lưu quá lớn để hiện thành mã QR; hãy lưu tệp.',
    'cm.restore.title': 'Khôi phục khóa từ bản sao lưu',
    'cm.restore.whyCeremony': 'Đồng chí đã tạo khóa trên một thiết bị khác hoặc điện thoại này đã mất dữ liệu. Hãy khôi phục từ bản sao lưu để tiếp tục.',
    'cm.restore.whyLost': 'Điện thoại này không có khóa của đồng chí. Nếu đồng chí có bản sao lưu, hãy khôi phục để có thể giải mã sau khi kết thúc bỏ phiếu.',
    'cm.restore.whyDecrypt': 'Điện thoại này không có khóa của đồng chí. Hãy khôi phục từ bản sao lưu để giải mã.',
    'cm.restore.whySign': 'Điện thoại này không có khóa của đồng chí. Hãy khôi phục từ bản sao lưu để ký biên bản kiểm phiếu.',
    'cm.restore.file': 'Tệp sao lưu',
    'cm.restore.text': 'Hoặc dán nội dung bản sao lưu (từ mã QR)',
    'cm.restore.button': 'Khôi phục',
    'cm.restore.nothing': 'Hãy chọn tệp sao lưu hoặc dán nội dung bản sao lưu.',
    'cm.restore.wrongPass': 'Sai mật khẩu, hoặc bản sao lưu đã bị thay đổi.',
    'cm.restore.unreadable': 'Không đọc được bản sao lưu này.',
    'cm.restore.other': 'Bản sao lưu này là của thành viên {member}, vòng {round}, không phải của đường dẫn này.',
    'cm.check.decryption': 'không giải mã được',
    'cm.check.commitments': 'không khớp với cam kết công khai',
    'cm.check.scalar': 'giá trị không hợp lệ',
    'cm.check.addressing': 'gửi sai người',
    'cm.check.shape': 'sai định dạng',
    'cm.check.format': 'sai định dạng',
    'cm.check.point': 'sai định dạng',
    'cm.check.encoding': 'sai định dạng',
    'cm.error.badShare': 'Phần khóa của {member} không hợp lệ ({check}). Đã báo cho máy chủ; lễ tạo khóa dừng lại. Hãy báo cho chủ trì hội nghị.',
    'cm.error.badAnnouncement': 'Khóa công khai của {member} không hợp lệ. Hãy báo cho chủ trì hội nghị.',
    'cm.error.notMine': 'Máy chủ ghi một khóa khác với khóa điện thoại này đã tạo cho đồng chí. Hãy báo cho chủ trì hội nghị.',
    'cm.error.shareMismatch': 'Phần khóa ghép lại không khớp với khóa công khai. Hãy báo cho chủ trì hội nghị.',
    'cm.error.wrongKey': 'Khóa trên điện thoại này không khớp với cuộc bầu đã công bố.',
    'cm.error.noCredential': 'Đường dẫn thiếu mã thành viên. Hãy quét lại mã QR riêng của đồng chí.',
    'cm.error.badCredential': 'Mã thành viên không đúng cho vòng bỏ phiếu này. Hãy quét lại mã QR riêng của đồng chí.',
    'cm.error.noRound': 'Không có vòng bỏ phiếu này.',
    'cm.error.network': 'Mất kết nối với máy chủ. Trang sẽ tự thử lại.',
    'cm.error.server': 'Máy chủ từ chối: {message}',
    'cm.error.unexpected': 'Có lỗi không mong đợi.',
    'cm.error.noStorage': 'Trình duyệt này không cho lưu dữ liệu. Hãy dùng trình duyệt khác (không ở chế độ ẩn danh).',
    'cm.error.storedUnreadable': 'Không đọc được khóa đã lưu trên điện thoại này.',
    'cm.minute.title': 'Ký biên bản kiểm phiếu',
    'cm.minute.intro': 'Đồng chí được đề nghị ký số biên bản kiểm phiếu dưới đây bằng khóa ký tạo trong lễ tạo khóa. Điện thoại tự tính lại dấu vân tay từ đúng nội dung này; chữ ký chỉ có giá trị cho nội dung này.',
    'cm.minute.when': 'Thời gian, địa điểm',
    'cm.minute.roll': 'Bỏ phiếu',
    'cm.minute.rollText': '{voters} đảng viên có mặt bỏ phiếu; cơ sở tính tỷ lệ {base}',
    'cm.minute.round': 'Vòng {n}',
    'cm.minute.ballots': '{ballots} phiếu thu về / {voters} người bỏ phiếu. Mức đề xuất của từng người:',
    'cm.minute.votes': 'Số phiếu: {votes}',
    'cm.minute.proposal': 'Đề xuất của chi bộ (tổng hợp các vòng)',
    'cm.minute.tied': 'bằng phiếu ở ranh giới tỷ lệ, chờ bỏ phiếu thêm',
    'cm.minute.pending': 'chờ kết quả xếp loại công chức, viên chức',
    'cm.minute.notRated': 'Không xếp loại',
    'cm.minute.unresolved': 'Chưa xác định — chuyển cấp ủy cấp trên',
    'cm.minute.digest': 'Dấu vân tay biên bản',
    'cm.minute.digestHelp': 'Dấu vân tay này in trên biên bản giấy (kèm mã QR). Nếu khác, đừng ký.',
    'cm.minute.button': 'Ký biên bản',
    'cm.minute.working': 'Đang ký…',
    'cm.minute.sent': 'Đã gửi chữ ký số của đồng chí.',
    'cm.minute.signers': 'Chữ ký số trên biên bản',
    'cm.minute.server': 'Máy chủ',
    'cm.minute.head': 'Thành viên {i} — {name} (Trưởng ban)',
    'cm.minute.memberOf': 'Thành viên {i} — {name}',
    'cm.minute.you': '(đồng chí)',
    'cm.minute.signed': 'đã ký',
    'cm.minute.unsigned': 'chưa ký',
    'cm.minute.badSignature': 'chữ ký không hợp lệ',
    'cm.minute.refusedTitle': 'Không ký: biên bản nhận được không khớp',
    'cm.minute.refused.digest': 'Dấu vân tay máy chủ gửi ({claimed}) khác dấu vân tay điện thoại tự tính từ nội dung biên bản ({computed}). Nội dung có thể đã bị sửa sau khi lập.',
    'cm.minute.refused.key': 'Biên bản ghi cho đồng chí một khóa ký khác với khóa trên điện thoại này.',
    'cm.minute.refused.member': 'Đồng chí không có tên trong Ban kiểm phiếu của biên bản này.',
    'cm.minute.refused.election': 'Dấu vân tay cuộc bầu của vòng này trong biên bản khác với cuộc bầu đồng chí đã giải mã.',
    'cm.minute.refused.format': 'Nội dung nhận được không phải là một biên bản hợp lệ.',
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

    // ---- committee page (/committee): committee.html, committee.js ----
    'cm.title': 'Counting committee',
    'cm.loading': 'Loading…',
    'cm.member': 'Member {i}',
    'cm.memberNamed': 'Member {i} — {name}',
    'cm.meeting': 'Meeting',
    'cm.round': 'Voting round',
    'cm.roundReusing': '{n} — a further round with the keys of round {key}',
    'cm.roundKindReusing': '{n} — {kind}, with the keys of round {key}',
    'cm.phase': 'Phase',
    'cm.phase.counted': 'Counted',
    'cm.manifestHash': 'Ballot definition code',
    'cm.fingerprint': 'Election fingerprint',
    'cm.ballots': 'Ballots received',
    'cm.ceremony.title': 'Key ceremony',
    'cm.ceremony.intro': 'The decryption key is split among the counting committee: your part is made and kept on this phone, and the server never receives it. Only enough members together can decrypt the result.',
    'cm.step1.title': 'Make your key',
    'cm.step1.help': 'Press the button below to make your part of the key on this phone.',
    'cm.step1.button': 'Make my key on this phone',
    'cm.step1.working': 'Making the key…',
    'cm.step1.done': 'Key made; public key sent.',
    'cm.step2.title': 'Check the members\' keys, send the shares',
    'cm.step2.waiting': 'Waiting for the other members to make their keys: {n}/{total}.',
    'cm.step2.sending': 'Sending the encrypted shares…',
    'cm.step2.done': 'All {total} members\' keys are valid; a share was sent to each.',
    'cm.step3.title': 'Receive and check your shares, confirm',
    'cm.step3.waiting': 'Waiting for the shares addressed to you: {n}/{total}.',
    'cm.step3.confirming': 'Confirming…',
    'cm.step3.done': 'Every share received is correct; confirmed.',
    'cm.status.waitConfirm.title': 'Waiting for the other members to confirm',
    'cm.status.waitConfirm.body': '{n}/{total} confirmed. The joint key is published when all have confirmed. Meanwhile, make a backup of your key.',
    'cm.status.ready.title': 'The key ceremony is complete',
    'cm.status.ready.body': 'The joint key is published. Keep this phone (or your backup) until the count: when voting closes, this page will ask you to decrypt.',
    'cm.status.voting.title': 'Voting is open',
    'cm.status.voting.body': 'When the chair closes voting, this page will ask you to decrypt the result. Nothing to do now.',
    'cm.status.decrypted.title': 'Your decryption share was sent',
    'cm.status.decrypted.body': 'Waiting for the other members: {t} members must decrypt for the result.',
    'cm.status.counted.title': 'The count is complete',
    'cm.status.counted.body': 'Enough members have decrypted; the result is shown on the projector. When the chair makes the minute, this page will ask you to sign it.',
    'cm.status.toSign.title': 'The minute of the count is ready',
    'cm.status.toSign.body': 'Read it below, compare the fingerprint with the printed copy or the projector, then press "Sign the minute".',
    'cm.status.signed.title': 'You have signed the minute',
    'cm.status.signed.body': '{n}/{total} committee members have signed. Your digital signature is in the record.',
    'cm.status.minuteRefused.title': 'This phone does not sign this minute',
    'cm.status.minuteRefused.body': 'What was received does not match (the reason is below). Tell the chair.',
    'cm.status.unfinished.title': 'The key ceremony did not finish on this phone',
    'cm.status.unfinished.body': 'This phone has no key share to decrypt with. Tell the chair.',
    'cm.status.other.title': 'Phase: {phase}',
    'cm.status.other.body': '',
    'cm.decrypt.title': 'Decrypt the count',
    'cm.decrypt.intro': 'You are asked to decrypt the totals of the following voting round. Only the totals are decrypted, never a single ballot.',
    'cm.decrypt.help': 'Compare the fingerprint with the projector before pressing "Decrypt".',
    'cm.decrypt.button': 'Decrypt',
    'cm.decrypt.working': 'Computing the decryption share and its proofs…',
    'cm.decrypt.sent': 'Decryption share sent with its proofs.',
    'cm.backup.title': 'Back up your key',
    'cm.backup.intro': 'If this phone loses its data, the backup restores your key so you can decrypt. It is encrypted with a passphrase you choose; save the file or photograph the QR code, and remember the passphrase.',
    'cm.backup.pass': 'Backup passphrase',
    'cm.backup.passHint': 'At least 8 characters. Nobody, not even the server, can recover it.',
    'cm.backup.pass2': 'Repeat the passphrase',
    'cm.backup.make': 'Make the backup',
    'cm.backup.working': 'Encrypting the backup…',
    'cm.backup.tooShort': 'The passphrase needs at least 8 characters.',
    'cm.backup.mismatch': 'The two passphrases differ.',
    'cm.backup.ready': 'The backup is ready',
    'cm.backup.file': 'Save the backup file',
    'cm.backup.qr': 'Show the backup QR code',
    'cm.backup.qrHide': 'Hide the backup QR code',
    'cm.backup.qrLabel': 'QR code of the encrypted key backup',
    'cm.backup.qrHelp': 'Photograph this code with another device to keep the backup. It cannot be read without the passphrase.',
    'cm.backup.qrTooBig': 'The backup is too large for a QR code; save the file.',
    'cm.restore.title': 'Restore your key from a backup',
    'cm.restore.whyCeremony': 'You made your key on another device, or this phone lost its data. Restore from your backup to continue.',
    'cm.restore.whyLost': 'This phone does not hold your key. If you have a backup, restore it so you can decrypt after voting closes.',
    'cm.restore.whyDecrypt': 'This phone does not hold your key. Restore it from your backup to decrypt.',
    'cm.restore.whySign': 'This phone does not hold your key. Restore it from your backup to sign the minute of the count.',
    'cm.restore.file': 'Backup file',
    'cm.restore.text': 'Or paste the backup text (from the QR code)',
    'cm.restore.button': 'Restore',
    'cm.restore.nothing': 'Choose a backup file or paste the backup text.',
    'cm.restore.wrongPass': 'Wrong passphrase, or the backup was changed.',
    'cm.restore.unreadable': 'This backup cannot be read.',
    'cm.restore.other': 'This backup belongs to member {member}, round {round}, not to this link.',
    'cm.check.decryption': 'does not decrypt',
    'cm.check.commitments': 'does not match the public commitments',
    'cm.check.scalar': 'invalid value',
    'cm.check.addressing': 'wrongly addressed',
    'cm.check.shape': 'malformed',
    'cm.check.format': 'malformed',
    'cm.check.point': 'malformed',
    'cm.check.encoding': 'malformed',
    'cm.error.badShare': 'The share from {member} is invalid ({check}). The server was told and the ceremony stops. Tell the chair.',
    'cm.error.badAnnouncement': 'The public key of {member} is invalid. Tell the chair.',
    'cm.error.notMine': 'The server holds a different key for you than the one this phone made. Tell the chair.',
    'cm.error.shareMismatch': 'The combined key share does not match the public key. Tell the chair.',
    'cm.error.wrongKey': 'The key on this phone does not match the published election.',
    'cm.error.noCredential': 'The link has no member code. Scan your own QR code again.',
    'cm.error.badCredential': 'The member code is not valid for this round. Scan your own QR code again.',
    'cm.error.noRound': 'There is no such voting round.',
    'cm.error.network': 'Lost the connection to the server. The page will retry.',
    'cm.error.server': 'The server refused: {message}',
    'cm.error.unexpected': 'Something unexpected went wrong.',
    'cm.error.noStorage': 'This browser does not allow storing data. Use another browser (not in private mode).',
    'cm.error.storedUnreadable': 'The key stored on this phone cannot be read.',
    'cm.minute.title': 'Sign the minute of the count',
    'cm.minute.intro': 'You are asked to sign the minute below with the signing key made in the key ceremony. The phone recomputes the fingerprint from exactly this content; your signature is valid for this content only.',
    'cm.minute.when': 'Time and place',
    'cm.minute.roll': 'Voting',
    'cm.minute.rollText': '{voters} members present and voting; base for the percentages {base}',
    'cm.minute.round': 'Round {n}',
    'cm.minute.ballots': '{ballots} ballots received / {voters} voters. Proposed level of each person:',
    'cm.minute.votes': 'Votes: {votes}',
    'cm.minute.proposal': "The cell's proposal (all rounds)",
    'cm.minute.tied': 'tied at the quota boundary, further vote',
    'cm.minute.pending': 'waiting for the civil-service rating',
    'cm.minute.notRated': 'Not rated',
    'cm.minute.unresolved': 'Unresolved — referred to the committee above',
    'cm.minute.digest': 'Minute fingerprint',
    'cm.minute.digestHelp': 'This fingerprint is printed on the paper minute (with a QR code). If it differs, do not sign.',
    'cm.minute.button': 'Sign the minute',
    'cm.minute.working': 'Signing…',
    'cm.minute.sent': 'Your digital signature was sent.',
    'cm.minute.signers': 'Digital signatures on the minute',
    'cm.minute.server': 'Server',
    'cm.minute.head': 'Member {i} — {name} (head)',
    'cm.minute.memberOf': 'Member {i} — {name}',
    'cm.minute.you': '(you)',
    'cm.minute.signed': 'signed',
    'cm.minute.unsigned': 'not signed',
    'cm.minute.badSignature': 'invalid signature',
    'cm.minute.refusedTitle': 'Not signed: the minute received does not match',
    'cm.minute.refused.digest': 'The fingerprint sent by the server ({claimed}) differs from the one this phone computed from the minute\'s content ({computed}). The content may have been changed after it was made.',
    'cm.minute.refused.key': 'The minute names another signing key for you than the one on this phone.',
    'cm.minute.refused.member': 'You are not on this minute\'s counting committee.',
    'cm.minute.refused.election': 'The minute gives this round another election fingerprint than the one you decrypted.',
    'cm.minute.refused.format': 'What was received is not a valid minute.',
  },
};

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
