# 오류 페이지와 양식의 입력란 옆에 나오는 메시지.

error-title-not-found = 페이지를 찾을 수 없습니다
error-title-forbidden = 이 양식을 받을 수 없습니다
error-title-conflict = 지금은 할 수 없습니다
error-title-rate-limited = 시도가 너무 많습니다
error-title-overloaded = 잠시 후 다시 시도해 주세요
error-title-unavailable = 일시적으로 이용할 수 없습니다
error-title-internal = 죄송합니다. 문제가 생겼습니다
error-title-problem = 문제가 있습니다

error-not-found = 페이지를 찾을 수 없습니다. 옮겨졌거나 삭제되었을 수 있습니다.
error-login-required = 계속하려면 로그인하세요.
error-validation = 고쳐야 할 입력란이 있습니다.
error-too-large = 보낸 내용이 너무 큽니다.
error-overloaded = 지금은 요청이 너무 많습니다. 잠시 후 다시 시도해 주세요.
error-unavailable = 서비스를 잠시 이용할 수 없습니다. 1분 후에 다시 시도해 주세요.
error-internal = 저희 쪽에 문제가 생겼습니다. 잠시 후 다시 시도해 주세요.
error-busy = 지금은 요청이 너무 많습니다. 잠시 기다린 다음 다시 시도해 주세요.
error-csrf = 양식이 만료되었거나 이 사이트에서 온 양식이 아닙니다. 이전 페이지로 돌아가 새로 고친 다음 다시 시도하세요.
error-sign-form-expired = 양식이 만료되었습니다. 입력한 내용을 확인하고 다시 제출해 주세요.
error-sign-form-refused = 이 양식을 받을 수 없습니다. 입력한 내용을 확인하고 다시 제출해 주세요.
error-rate-limited = { $what ->
    [signatures] 짧은 시간에 같은 네트워크에서 너무 많은 서명이 들어왔습니다.
    [login-network] 같은 네트워크에서 로그인 시도가 너무 많았습니다.
    [login-account] 이 계정에 로그인 시도가 너무 많았습니다.
    [account-email] 짧은 시간에 이 주소로, 또는 같은 네트워크에서 너무 많은 이메일을 요청했습니다.
   *[requests] 짧은 시간에 같은 네트워크에서 너무 많은 요청이 들어왔습니다.
} { $unit ->
    [seconds] { $amount }초
    [minutes] { $amount }분
   *[hours] { $amount }시간
} 후에 다시 시도해 주세요.
error-rate-limited-kept = { $message } 입력한 내용은 아래에 남아 있습니다.
error-malformed-query = 주소의 쿼리 형식이 잘못되었습니다. 주소를 확인한 다음 다시 시도해 주세요.
error-form-content-type = 양식을 application/x-www-form-urlencoded 형식으로 보내 주세요.
error-form-unreadable = 양식을 읽을 수 없습니다. 페이지를 새로 고친 다음 다시 보내 주세요.
error-json-content-type = 본문을 application/json 형식으로 보내 주세요.
error-json-unreadable = JSON 본문을 읽을 수 없습니다. 형식을 확인한 다음 다시 보내 주세요.
error-body-not-text = 양식에 올바른 텍스트(UTF-8)가 아닌 바이트가 있습니다. 아무것도 저장되지 않았습니다. 입력하거나 붙여 넣은 내용을 확인한 다음 다시 보내 주세요.
error-body-unreadable = 본문을 읽을 수 없습니다. 다시 보내 주세요.
error-param-positive = { $name } 값은 1 이상의 정수여야 합니다
error-param-range = { $name } 값은 1부터 { $max } 사이의 정수여야 합니다
error-language-invalid = 영어(en) 또는 한국어(ko)를 선택하세요
error-param-state = state 값은 open 또는 closed여야 합니다
error-param-sort = sort 값은 signatures 또는 recent여야 합니다
error-petition-closed = 마감된 청원이라 더 이상 서명을 받지 않습니다.
error-petition-not-yours = 이 청원의 청원인만 수정할 수 있습니다.
error-statistics-not-yours = 이 청원의 청원인만 통계를 볼 수 있습니다.
error-export-not-yours = 이 청원의 청원인만 서명을 내려받을 수 있습니다.
error-updates-not-yours = 이 청원의 청원인만 서명자에게 소식을 보낼 수 있습니다.
error-updates-hidden = 관리자가 숨긴 청원이라 다시 공개될 때까지 소식을 보낼 수 없습니다.
error-updates-weekly-limit = 이 청원은 최근 7일 동안 허용된 최대 횟수인 { $limit }번의 소식을 보냈습니다. 다음 소식은 { $date }에 보낼 수 있으며, 작성한 내용은 아래에 남아 있습니다.
error-admin-only = 관리자만 이 페이지를 열 수 있습니다.
error-login-incorrect = 이메일 주소 또는 비밀번호가 올바르지 않습니다.

error-name-empty = 이름을 입력하세요
error-name-too-long = 이름은 { $max }자 이내로 입력하세요
error-name-characters = 이름에 쓸 수 없는 문자가 있습니다
error-name-invisible = 이름에 보이지 않는 문자가 있습니다. 그런 문자 없이 다시 입력하세요
error-email-empty = 이메일 주소를 입력하세요
error-email-too-long = 이메일 주소는 254자 이내로 입력하세요
error-email-invalid = name@example.com과 같은 올바른 형식으로 이메일 주소를 입력하세요
error-email-disposable = 계속 쓰실 이메일 주소를 입력하세요. 이 청원에는 일회용 이메일 서비스의 주소를 쓸 수 없습니다
error-country-empty = 국가를 선택하세요
error-country-invalid = 목록에서 국가를 선택하세요
error-postcode-characters = 우편번호에 쓸 수 없는 문자가 있습니다
error-postcode-too-long = 우편번호는 { $max }자 이내로 입력하세요
error-comment-characters = 의견에 쓸 수 없는 문자가 있습니다
error-comment-too-long = 의견은 { $max }자 이내로 입력하세요
error-text-characters = 내용에 쓸 수 없는 문자가 있습니다
error-text-empty = { $what ->
    [title] 제목을 입력하세요
    [summary] 요약을 입력하세요
    [petition] 청원 본문을 입력하세요
    [subject] 제목을 입력하세요
    [token] 토큰 이름을 입력하세요
   *[update] 소식 내용을 입력하세요
}
error-text-too-long = { $what ->
    [title] 제목은
    [summary] 요약은
    [petition] 청원 본문은
    [subject] 제목은
    [token] 토큰 이름은
   *[update] 소식 내용은
} { $max }자 이내로 입력하세요
error-target-characters = 청원 대상에 쓸 수 없는 문자가 있습니다
error-target-too-long = 청원 대상은 각각 { $max }자 이내로 입력하세요
error-targets-empty = 이 청원을 받을 기관을 하나 이상 입력하세요
error-targets-too-many = 청원 대상은 { $max }개까지 입력할 수 있습니다
error-goal-empty = 서명 목표를 입력하세요(예: 1000)
error-goal-invalid = 서명 목표는 1부터 { $max } 사이의 정수로 입력하세요
error-closes-on-format = 마감일은 2027-03-31처럼 YYYY-MM-DD 형식으로 입력하세요
error-closes-on-past = 마감일은 오늘 이후여야 합니다
error-password-too-short = 비밀번호는 { $min }자 이상이어야 합니다
error-password-too-long = 비밀번호는 { $max }자 이내로 입력하세요
error-password-weak = 추측하기 더 어려운 비밀번호를 정하세요.
error-reason-characters = 사유에 쓸 수 없는 문자가 있습니다.
error-reason-empty = 청원을 숨기는 사유를 적어 주세요. 청원인이 읽게 됩니다.
error-reason-too-long = 사유는 { $max }자 이내로 입력하세요. 지금 { $count }자입니다.
error-promote-empty = 관리자로 지정할 청원인의 이메일 주소를 입력하세요.
error-promote-unknown = { $email } 주소를 쓰는 청원인이 없습니다. 먼저 계정을 만들어야 합니다.
error-promote-unverified = { $email } 계정은 아직 이메일 주소를 확인하지 않았습니다. 주소를 확인한 계정만 관리자가 될 수 있습니다.

# Text that is the same in every language (see Message::text).
verbatim = { $text }

error-invalidation-no-criteria = IP 주소나 범위, 이메일 도메인, 시작 시각, 종료 시각 중 하나 이상을 입력하세요. 아무것도 없으면 모든 서명이 해당됩니다.
error-invalidation-order = 종료 시각은 시작 시각보다 뒤여야 합니다. 시작 시각부터 종료 시각 직전까지의 서명이 해당됩니다
error-invalidation-ip = 203.0.113.7이나 2001:db8::7 같은 IP 주소, 또는 203.0.113.0/24나 2001:db8::/48 같은 CIDR 표기 범위를 입력하세요
error-invalidation-ipv4-prefix = IPv4 범위는 203.0.113.0/24처럼 /0부터 /32까지로 끝나야 합니다
error-invalidation-ipv6-prefix = IPv6 범위는 2001:db8::/48처럼 /0부터 /128까지로 끝나야 합니다
error-invalidation-domain = example.com처럼 이메일 주소의 @ 뒷부분인 도메인을 입력하세요
error-invalidation-time = 2026-12-01T14:30처럼 UTC 날짜와 시각을 입력하세요

# 약한 비밀번호: error-password-weak 다음에 붙는 zxcvbn의 경고와 제안.
password-warning-straight-row = 키보드에서 한 줄로 늘어선 키는 추측하기 쉽습니다.
password-warning-keyboard-pattern = 짧은 키보드 패턴은 추측하기 쉽습니다.
password-warning-repeated-character = “aaa”처럼 같은 문자를 되풀이하면 추측하기 쉽습니다.
password-warning-repeated-group = “abcabcabc”처럼 되풀이해도 “abc”보다 별로 어렵지 않습니다.
password-warning-top-10 = 가장 흔한 비밀번호 10개 중 하나입니다.
password-warning-top-100 = 가장 흔한 비밀번호 100개 중 하나입니다.
password-warning-common = 아주 흔한 비밀번호입니다.
password-warning-similar-to-common = 흔히 쓰는 비밀번호와 비슷합니다.
password-warning-sequence = abc나 6543처럼 이어지는 문자는 추측하기 쉽습니다.
password-warning-recent-year = 최근 연도는 추측하기 쉽습니다.
password-warning-single-word = 단어 하나만으로는 추측하기 쉽습니다.
password-warning-date = 날짜는 추측하기 쉬운 경우가 많습니다.
password-warning-name-alone = 이름이나 성만으로는 추측하기 쉽습니다.
password-warning-common-name = 흔한 이름과 성은 추측하기 쉽습니다.
password-suggest-few-words = 단어 몇 개를 이어 쓰되, 흔한 문구는 피하세요.
password-suggest-no-symbols-needed = 기호나 숫자, 대문자를 꼭 넣지 않아도 됩니다.
password-suggest-another-word = 단어를 한두 개 더 넣으세요. 잘 쓰지 않는 단어일수록 좋습니다.
password-suggest-capitals-help-little = 대문자로 시작해도 별 도움이 되지 않습니다.
password-suggest-all-capitals = 모두 대문자로 써도 모두 소문자로 쓴 것만큼 추측하기 쉽습니다.
password-suggest-reversed-words = 단어를 거꾸로 써도 별로 어려워지지 않습니다.
password-suggest-substitutions = ‘a’ 대신 ‘@’를 쓰는 것처럼 뻔하게 바꿔 쓰는 것은 별 도움이 되지 않습니다.
password-suggest-longer-pattern = 키보드 패턴을 쓰려면 더 길게, 방향을 더 자주 바꾸세요.
password-suggest-avoid-repeats = 같은 단어나 문자를 되풀이하지 마세요.
password-suggest-avoid-sequences = 이어지는 문자나 숫자는 피하세요.
password-suggest-avoid-recent-years = 최근 연도는 피하세요.
password-suggest-avoid-your-years = 나와 관련된 연도는 피하세요.
password-suggest-avoid-your-dates = 나와 관련된 날짜와 연도는 피하세요.

# 너무 느리게 도착한 요청 본문(페이지가 아닌 일반 텍스트).
error-too-slow = 요청이 도착하는 데 너무 오래 걸렸습니다. 다시 시도해 주세요.

# 페이지가 아닌 일반 텍스트 응답: /static/ 아래에 없는 파일, 그리고 JSON이
# 아닌 형식을 요청한 oEmbed 요청(oEmbed 1.0 §2.3.4).
error-no-such-file = 그런 파일이 없습니다.
error-oembed-format = format=json만 지원합니다.
error-param-index = { $name }은(는) 0부터 9007199254740992까지의 정수여야 합니다
error-log-query = 쿼리 문자열을 읽을 수 없습니다
error-log-range = end는 start보다 작을 수 없습니다
error-log-receipt = receipt가 영수증 코드가 아닙니다. 영수증 코드는 영문자(A~Z)와 숫자(2~7) 32자입니다
error-log-leaf-hash = leaf_hash는 16진수 64자여야 합니다
error-log-proof-key = receipt(영수증 코드)나 leaf_hash(16진수 64자) 중 하나를 주세요
error-log-sizes-missing = 비교할 두 트리 크기 first와 second를 모두 주세요
error-log-sizes = first와 second는 1 ≤ first ≤ second ≤ { $size }인 트리 크기여야 합니다
