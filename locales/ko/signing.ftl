# 서명하는 사람이 보는 화면: 청원 목록, 청원 페이지, 서명 양식, 이메일 링크로 여는 페이지.

home-title = 청원
home-search-title = 검색: { $query }
home-search-label = 청원 검색
home-search-button = 검색
home-most-signed = 서명이 많은 청원
home-results = ‘{ $query }’ 검색 결과
home-none = 아직 진행 중인 청원이 없습니다. { $start }.
home-start-one = 청원을 시작해 보세요
home-no-match = 검색어와 일치하는 진행 중인 청원이 없습니다.
home-newest = 새 청원
home-card-count = 목표 { $goal }명 중 { $count }명 서명

petition-to = 청원 대상:
petition-signatures-label = 서명
petition-count-line = { $count }명이 서명했습니다. { $goal }명을 향해 함께해 주세요!
petition-progress-label = 목표의 { $percent }%
petition-open-until = { $date }까지 서명할 수 있습니다.
petition-closed-on = { $date }에 마감되었습니다.
petition-text-label = 청원 내용
petition-news-heading = 청원인의 소식
petition-recent-signers = 최근 서명한 사람
petition-card-alt = { $title }: 서명 { $count }명

embed-summary = 내 사이트에 이 청원 넣기
embed-script-label = 서명 양식이 있는 위젯(페이지에 붙여 넣으세요)
embed-iframe-label = 같은 위젯을 일반 iframe으로
embed-badge-label = 실시간 배지(마크다운)
embed-frame-title = 청원
embed-badge-alt = 서명
embed-powered = { $site }에서 진행하는 청원입니다.
embed-powered-site = undersigned

sign-heading = 이 청원에 서명하기
sign-honeypot = 이 칸은 비워 두세요
sign-name = 이름
sign-email = 이메일 주소
sign-email-hint = 서명을 확인할 수 있는 링크를 보내 드립니다.
sign-country = 국가
sign-country-choose = 국가를 선택하세요
sign-postcode = 우편번호
sign-optional = (선택)
sign-comment = 서명하는 이유
sign-comment-hint = (선택, 500자 이내)
sign-public = 이 청원에 내 이름 공개
sign-updates = 이 청원의 소식을 이메일로 받기
sign-consent = 서명하면 { $privacy }에서 설명하는 대로 이 청원의 청원인이 이름, 이메일 주소, 국가, 우편번호, 의견을 받는 데 동의하게 됩니다.
sign-consent-link = 개인정보 처리방침
sign-button = 서명하기

closed-heading = 마감된 청원입니다
closed-thanks = 더 이상 서명을 받지 않습니다. 서명해 주신 모든 분께 감사드립니다.
closed-not-recorded = 더 이상 서명을 받지 않으므로 서명이 기록되지 않았습니다.

signed-heading = 받은편지함을 확인하세요
signed-intro = 이메일을 보내 드렸습니다. { $action }. 확인된 서명만 집계됩니다.
signed-intro-action = 이메일의 링크를 눌러 서명을 확인해 주세요
signed-no-email = 몇 분이 지나도 이메일이 오지 않나요? 스팸함을 확인해 보세요. 링크는 7일 동안 유효합니다.

confirm-title = 서명 확인
confirm-heading = 마지막 단계: 서명을 확인해 주세요
confirm-petition = 서명하신 청원:
confirm-text = 아래 버튼을 눌러 직접 서명했음을 확인해 주세요. 확인해야 서명이 집계됩니다.
confirm-button = 내 서명 확인하기
confirm-not-you = 서명하지 않으셨나요? 아무것도 하지 않으시면 됩니다. 확인되지 않은 서명은 7일 후 삭제됩니다.

confirmed-title = 서명해 주셔서 감사합니다
confirmed-text = 서명이 확인되어 집계되었습니다.
confirmed-already-title = 이미 확인됨
confirmed-already-heading = 이미 확인된 서명입니다
confirmed-already-text = 서명은 한 번만 집계되며, 지금도 집계되고 있습니다. 더 하실 일은 없습니다.
confirmed-share = 청원은 많이 공유될수록 이깁니다. 관심 있을 친구에게 보내 주세요.
confirmed-hidden = 이 청원은 현재 공개되어 있지 않습니다.

link-invalid-heading = 만료되었거나 유효하지 않은 링크입니다
link-invalid-text = 확인 링크는 7일 동안 유효합니다. 다시 서명하면 새 링크를 받을 수 있습니다.
link-invalid-sign-again = 청원에 다시 서명하기
link-invalid-find = 청원을 찾아 다시 서명하기

withdraw-title = 서명 철회
withdraw-heading = 서명을 철회하시겠습니까?
withdraw-text = { $petition }과 그 집계에서 서명이 삭제되며, 서명할 때 입력한 모든 정보도 함께 삭제됩니다.
withdraw-this-petition = 이 청원
withdraw-the-petition = 청원
withdraw-button = 서명 철회하기
withdraw-keep = 아무것도 바꾸지 않기
withdrawn-title = 서명 철회됨
withdrawn-heading = 서명이 철회되었습니다
withdrawn-text = 더 이상 집계되지 않으며, 입력하신 정보도 청원에서 삭제되었습니다.
erase-heading = 또는 서명은 유지하고 내 정보만 지우기
erase-text = 서명은 국가 정보만 남은 채 계속 집계됩니다. 이름, 이메일 주소, 우편번호, 의견, 네트워크 주소는 지워지며, 이 청원에 관한 이메일을 더 이상 받지 않습니다. 되돌릴 수 없습니다.
erase-button = 내 정보 지우고 서명 유지하기
erased-heading = 정보가 지워졌습니다
erased-text = 서명은 국가 정보만 남은 채 계속 집계됩니다. 이름, 이메일 주소, 우편번호, 의견, 네트워크 주소는 지워졌으며, 이 청원에 관한 이메일을 더 이상 받지 않습니다.
erased-withdraw = 이 링크로 여전히 { $link } 수 있습니다.
erased-withdraw-link = 서명 자체를 철회할

unsubscribe-title = { $title } 소식 그만 받기
unsubscribe-heading = 이 청원의 소식을 그만 받으시겠습니까?
unsubscribe-text = { $petition }에 관한 소식을 더 이상 이메일로 받지 않습니다. 서명은 그대로 남아 계속 집계됩니다.
unsubscribe-button = 이메일 그만 받기
unsubscribe-already-heading = 이 청원의 소식을 받지 않고 있습니다
unsubscribe-already-text = 이미 { $petition }에 관한 이메일 소식을 그만 받도록 요청하셨습니다. 서명은 계속 집계됩니다.
unsubscribe-invalid-text = 수신 거부 링크는 180일 동안 유효합니다. 이 청원에 관한 더 최근 소식 이메일 맨 아래에 있는 링크를 이용하세요.
unsubscribe-invalid-home = 청원 목록으로 가기
unsubscribed-heading = 더 이상 소식을 보내 드리지 않습니다
unsubscribed-text = { $petition }에 관한 소식을 다시는 이메일로 보내 드리지 않습니다. 서명은 그대로 남아 계속 집계됩니다.

privacy-title = 개인정보 처리방침
privacy-description = 청원에 서명할 때 입력한 이름, 이메일 주소 등의 정보를 undersigned가 어떻게 다루는지 설명합니다.
privacy-intro = 이 안내는 이곳에서 청원에 서명할 때 입력한 정보가 어떻게 되는지, 그리고 여러분이 무엇을 할 수 있는지 설명합니다.
privacy-keep-heading = 서명할 때 보관하는 정보
privacy-keep-details = 이름, 이메일 주소, 국가, 그리고 입력한 경우 우편번호와 의견.
privacy-keep-choices = 이름 공개와 청원 소식 수신을 선택했는지 여부.
privacy-keep-source = 어떤 링크를 통해 왔는지(예: 소셜 네트워크 공유)와, 부정 서명을 막기 위해 서명할 때 사용한 인터넷 주소.
privacy-who-heading = 누가 보는지
privacy-who-public = { $who }는 ‘이 청원에 내 이름 공개’를 선택한 경우에만 최근 서명한 사람 목록에서 이름과 국가를 봅니다. 서명 수는 누구나 볼 수 있습니다.
privacy-who-public-who = 일반 방문자
privacy-who-organizer = { $who }은 청원 대상에게 전달하기 위해 확인된 서명(이름, 이메일 주소, 국가, 우편번호, 의견, 유입 링크, 확인한 때)을 내려받을 수 있습니다.
privacy-who-organizer-who = 청원인
privacy-who-news = { $who }은 ‘이 청원의 소식을 이메일로 받기’를 선택한 경우에만, 일주일에 최대 세 번 청원 소식을 이메일로 보낼 수 있습니다.
privacy-who-news-who = 청원인
privacy-how-long-heading = 보관 기간
privacy-how-long-pending = 확인되지 않은 서명은 확인 링크가 만료되는 7일 후에 정보와 함께 삭제됩니다.
privacy-how-long-emails = 보내 드린 이메일은 본문 없이 7일 동안 보관합니다.
privacy-how-long-closed = 청원이 마감되고 { $days }일이 지나면 서명자의 이름, 이메일 주소, 우편번호, 의견, 인터넷 주소를 지웁니다. 서명 수와 국가 정보는 남습니다.
privacy-you-heading = 여러분이 할 수 있는 일
privacy-you-withdraw = { $what } 확인 이메일에 서명을 철회하는 링크가 있습니다. 철회하면 서명과 함께 입력한 모든 정보가 삭제됩니다.
privacy-you-withdraw-what = 서명 철회.
privacy-you-erase = { $what } 같은 링크로 서명은 남기고 개인 정보만 지울 수 있으며, 서명은 국가 정보만으로 집계됩니다. 이메일 주소는 되돌려 읽을 수 없는 암호화 지문으로만 남아, 같은 청원에 다시 서명해도 두 번 집계되지 않습니다.
privacy-you-erase-what = 개인 정보 지우기.
privacy-you-stop = { $what } 모든 소식 이메일에 수신을 중단하는 링크가 있으며, 서명은 계속 집계됩니다.
privacy-you-stop-what = 소식 그만 받기.
badge-label = 서명 { $count }명 / 목표 { $goal }명

# 공유 카드 이미지(청원 자체의 언어로 그림).
share-card-to = 청원 대상: { $targets }
share-card-count = { $count }명
share-card-of-goal = 서명 · 목표 { $goal }명
# oEmbed를 쓰는 사이트가 넣는 iframe.
embed-frame-title-named = 청원: { $title }
# 감사 페이지의 영수증과, 영수증을 확인하는 페이지.
receipt-heading = 서명 영수증
receipt-explain = 지금 한 번만 표시되고 다른 누구도 모르는 이 코드를 보관하면, 언제든지 청원의 공개 기록에 내 서명이 집계되었는지 확인할 수 있습니다.
receipt-check = 공개 기록에서 내 서명 확인하기
verify-title = 서명 확인
verify-intro = 서명을 확인할 때 받은 영수증 코드를 붙여 넣으세요. 확인은 브라우저에서 청원의 서명된 공개 기록을 대상으로 이루어지므로, 저희 말을 믿을 필요가 없습니다.
verify-label = 영수증 코드
verify-hint = 영문자와 숫자 32자입니다. 하이픈과 공백은 상관없습니다.
verify-button = 확인
verify-checking = 확인하는 중…
verify-counted = 서명이 집계되었습니다. 공개 기록의 { $index }번 항목이며, { $timestamp }에 서명된 { $tree_size }개 항목의 헤드에 포함되어 있습니다.
verify-withdrawn = 이 서명은 기록에 추가되었다가({ $index }번 항목) 나중에 철회되었습니다({ $revoked_by }번 항목). 더 이상 집계되지 않습니다.
verify-pending = 서명이 기록에 있지만 아직 서명된 헤드에 포함되지 않았습니다. 헤드는 약 1분마다 서명됩니다. 잠시 후 다시 시도하세요.
verify-not-found = 이 청원의 기록에 이 영수증을 가진 서명이 없습니다. 코드가 완전한지, 서명한 청원이 맞는지 확인하세요.
verify-invalid-code = 영수증 코드가 아닙니다. 영수증 코드는 영문자(A~Z)와 숫자(2~7) 32자입니다.
verify-mismatch = 기록의 응답이 맞지 않습니다. 저희에게 알려 주시고, 영수증은 보관해 두세요.
verify-no-signature-check = 이 브라우저는 헤드의 Ed25519 서명을 확인할 수 없습니다. 나머지는 모두 확인했습니다.
verify-error = 확인을 마치지 못했습니다. 잠시 후 다시 시도하세요.
verify-checked-here = 이 확인은 브라우저에서 이루어졌습니다.
verify-checked-server = 이 확인은 저희 서버가 했습니다. JavaScript를 켜면 브라우저가 직접 확인합니다.
verify-machine = 누구나 다음 명령으로 이 청원의 전체 기록과 집계 수가 맞는지 확인할 수 있습니다:
verify-head = 최신 서명 헤드: 항목 { $tree_size }개(추가 { $adds }, 철회 { $revokes }), { $timestamp }에 서명됨.
verify-no-head = 이 청원의 기록에는 아직 서명된 헤드가 없습니다.
verify-log-heading = 공개 기록
