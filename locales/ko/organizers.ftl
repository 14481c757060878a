# 청원인 계정, 대시보드, 통계, 소식 보내기, 관리.

login-heading = 로그인
login-button = 로그인
login-forgot = 비밀번호를 잊으셨나요?
login-no-account = 아직 계정이 없으신가요? { $signup }.
login-signup-link = 청원인 계정 만들기

signup-heading = 청원인 계정 만들기
signup-name = 이름
signup-email-hint = 이 주소로 확인 링크를 보내 드립니다.
signup-password-hint = 12~128자. 서로 관계없는 단어 몇 개를 이어 쓰면 안전합니다.
signup-button = 계정 만들기
signup-have-account = 이미 계정이 있으신가요? { $login }.
signup-check-inbox = { $email }(으)로 이메일을 보냈습니다. 이메일의 링크를 열어 주소를 확인하면 로그인해서 청원을 시작할 수 있습니다. 링크는 24시간 동안 유효합니다.
signup-again = 다시 가입하기
signup-confirm-heading = 이메일 주소 확인
signup-confirm-intro = 청원인 계정 만들기를 마치려면 가입할 때 정한 비밀번호를 입력해 주세요.
signup-confirm-password = 비밀번호
signup-confirm-button = 내 주소 확인하기
signup-confirm-not-you = 가입하지 않으셨나요? 아무것도 하지 않으시면 됩니다. 계정은 열리지 않으며 링크는 24시간 후 만료됩니다.
signup-confirm-password-missing = 가입할 때 정한 비밀번호를 입력해 주세요.
signup-confirm-password-wrong = 이 계정에 정한 비밀번호가 아닙니다. 확인 후 다시 시도해 주세요.
signup-confirmed-heading = 이메일 주소가 확인되었습니다
signup-confirmed-text = 청원인 계정이 준비되었습니다.
signup-confirmed-login = 로그인해서 청원 시작하기

account-link-invalid-heading = 더 이상 사용할 수 없는 링크입니다
account-link-invalid-text = 링크가 만료되었거나 이미 사용되었습니다.

forgot-title = 비밀번호 찾기
forgot-heading = 비밀번호를 잊으셨나요?
forgot-intro = 계정의 이메일 주소를 입력하세요. 계정이 있는 주소라면 새 비밀번호를 정할 수 있는 링크를 보내 드립니다.
forgot-button = 링크 보내기
forgot-check-inbox = { $email }이(가) 청원인 계정의 주소라면 새 비밀번호를 정할 수 있는 링크를 보냈습니다. 링크는 1시간 동안 유효합니다.

reset-heading = 새 비밀번호 정하기
reset-password = 새 비밀번호
reset-password-hint = 12~128자. 새 비밀번호를 정하면 모든 기기에서 로그아웃됩니다.
reset-button = 새 비밀번호 저장
reset-ask-again = 새 링크 요청하기
reset-done-heading = 비밀번호가 변경되었습니다
reset-done-text = 계정의 모든 세션이 종료되었습니다. 새 비밀번호로 로그인하세요.

dashboard-your-petitions = 내 청원
dashboard-log-out = { $name } 로그아웃
dashboard-admin = 관리
dashboard-api-tokens = API 토큰
dashboard-none = 아직 청원이 없습니다.
dashboard-col-petition = 청원
dashboard-col-signatures = 서명
dashboard-col-goal = 목표
dashboard-col-state = 상태
dashboard-col-started = 시작일
dashboard-col-actions = 작업
dashboard-statistics = 통계
dashboard-for-petition = ({ $title })
dashboard-of-petition = ({ $title })
dashboard-edit = 수정
dashboard-write = 서명자에게 소식 보내기
dashboard-download = 서명 내려받기(CSV)
dashboard-close = 마감하기

export-col-name = 이름
export-col-email = 이메일
export-col-country = 국가
export-col-postcode = 우편번호
export-col-comment = 서명 이유
export-col-source = 유입 경로
export-col-confirmed-at = 확인 시각(UTC)

petition-form-edit-heading = 청원 수정
petition-form-publish = 청원 게시하기
petition-form-save = 변경 사항 저장
petition-form-preview = 본문 미리 보기
petition-form-login-again = 게시하려면 다시 로그인하세요
petition-form-login-new-tab = 새 탭에서 로그인하기
petition-form-session-expired = 로그아웃되어 청원이 아직 게시되지 않았습니다. 작성한 내용은 아래에 남아 있습니다. 새 탭에서 다시 로그인한 다음 이곳으로 돌아와 게시 버튼을 누르세요.
petition-form-title = 제목
petition-form-title-hint = 무엇을 바꾸고 싶으신가요? 150자 이내.
petition-form-targets = 청원 대상
petition-form-targets-hint = 한 줄에 기관 하나씩 적으세요. 예: { $examples }.
petition-form-summary = 요약
petition-form-summary-hint = 목록과 미리 보기에 나오는 한두 문장. 500자 이내.
petition-form-body = 청원 본문
petition-form-body-hint = 왜 중요한지 적어 주세요.
petition-form-goal = 서명 목표
petition-form-closes-on = 마감일
petition-form-closes-on-hint = 서명할 수 있는 마지막 날입니다. 그날이 끝나는 자정(UTC)에 마감됩니다. 비워 두면 원할 때 직접 마감할 수 있습니다.
petition-form-language = 청원 언어

statistics-title = 통계: { $title }
statistics-counted-at = { $date } { $time }(UTC) 기준.
statistics-open = 진행 중인 청원입니다.
statistics-closed = 마감된 청원입니다.
statistics-recount = 이 정도 규모의 청원은 최대 { $seconds }초마다 다시 집계하므로, 이 수치는 실시간 집계보다 최대 { $seconds }초 늦을 수 있습니다.
statistics-reload = 최신 수치를 보려면 페이지를 새로 고치세요.
statistics-public-page = 공개 페이지
statistics-totals = 합계
statistics-confirmed = 확인된 서명
statistics-pending = 이메일 확인 대기 중
statistics-rate = 확인율
statistics-no-signatures = 아직 서명이 없습니다
statistics-rate-hint = 확인된 서명만 집계됩니다. 확인율은 확인된 서명과 대기 중인 서명 중 확인된 서명의 비율입니다. 확인되지 않은 서명은 링크가 만료되는 7일 후에 삭제됩니다.
statistics-per-day = 날짜별 서명
statistics-per-day-caption = 확인된 날짜(UTC)별 확인된 서명. 막대를 가리키면 수가 보입니다.
statistics-per-day-table = 날짜별 서명 표로 보기
statistics-none-yet = 아직 확인된 서명이 없습니다.
statistics-per-day-table-caption = 확인된 서명이 있는 날만 보여 줍니다.
statistics-col-day = 날짜(UTC)
statistics-col-share = 비율
statistics-per-hour = 최근 48시간
statistics-per-hour-total = 최근 48시간 동안 { $count }명이 확인되었습니다.
statistics-per-hour-caption = 시간(UTC)별 확인된 서명. 막대를 가리키면 수가 보입니다.
statistics-per-hour-table = 최근 48시간 표로 보기
statistics-none-48h = 최근 48시간 동안 확인된 서명이 없습니다.
statistics-per-hour-table-caption = 확인된 서명이 있는 시간만 보여 줍니다.
statistics-col-hour = 시간
statistics-by-country = 국가별
statistics-by-country-caption = 국가별 확인된 서명, 많은 순
statistics-col-country = 국가
statistics-more-countries = 국가 { $count }개 더 보기
statistics-other-countries-caption = 나머지 국가의 확인된 서명
statistics-by-source = 공유 경로별
statistics-by-source-hint = 서명자가 따라온 공유 링크의 { $param } 값으로 본 유입 경로입니다. “direct”는 공유 링크 없이 온 경우입니다.
statistics-by-source-caption = 공유 경로별 확인된 서명, 많은 순
statistics-col-source = 경로
statistics-source-direct = direct

updates-title = 서명자에게 보낸 소식: { $title }
updates-heading = 서명자에게 소식 보내기
updates-sent-notice = 소식이 청원 페이지에 게시되었고, 소식을 받겠다고 한 서명자에게 이메일로 보내는 중입니다.
updates-audience = 소식은 청원 페이지에 게시되고, 소식을 받겠다고 한 확인된 서명자 { $audience }명에게 이메일로 전달됩니다. 모든 이메일에는 수신을 중단하는 링크가 있습니다.
updates-allowance = 이번 주에 소식을 { $remaining }번 더 보낼 수 있습니다(7일 동안 최대 3번).
updates-allowance-spent = 최근 7일 동안 허용된 최대 횟수인 3번의 소식을 보냈습니다.
updates-allowance-next = 다음 소식은 { $date }에 보낼 수 있습니다.
updates-preview = 미리 보기
updates-subject = 제목
updates-subject-hint = 이메일 제목이자 소식의 제목입니다. 150자 이내.
updates-body = 소식 내용
updates-publish = 게시하고 이메일로 보내기
updates-history = 보낸 소식
updates-none = 아직 없습니다.
updates-sent = 보낸 날
updates-emails = 이메일
updates-emailed = { $count }명에게 보냄
updates-sending = 보내는 중: 지금까지 { $count }통 대기

admin-done-hidden = 청원을 숨겼습니다. 청원인은 대시보드에서 사유를 볼 수 있습니다.
admin-done-unhidden = 청원이 다시 공개되었습니다.
admin-done-promoted = 해당 청원인이 이제 관리자입니다.
admin-done-closed = 청원이 마감되어 더 이상 서명을 받지 않습니다.
admin-hide-heading = “{ $title }” 숨기기
admin-reason = 사유(청원인에게 보임)
admin-reason-hint = { $max }자 이내.
admin-hide-button = 청원 숨기기
admin-promote-heading = 청원인을 관리자로 지정
admin-promote-email = 청원인의 이메일 주소
admin-promote-button = 관리자로 지정
admin-every-petition = 모든 청원
admin-total = 모두 { $count }개, 최신순.
admin-page = { $page }페이지.
admin-none = 청원이 없습니다.
admin-none-on-page = 이 페이지에는 청원이 없습니다.
admin-col-organizer = 청원인
admin-col-moderation = 관리
admin-hidden-since = { $date }부터: { $reason }
admin-unhide-button = “{ $title }” 다시 공개
admin-reason-for = “{ $title }”을(를) 숨기는 사유
admin-hide-short = 숨기기
admin-abuse-review = 부정 서명 검토
title-in-quotes = “{ $title }”
admin-close-button = “{ $title }” 마감하기
admin-pages = 청원 목록 페이지
admin-newer = 최신 청원
admin-older = 이전 청원

abuse-title = 부정 서명 검토: { $title }
abuse-download = 확인된 서명(CSV)
abuse-intro = 최근 1시간과 최근 24시간 동안의 서명을 { $time }에 집계해, 서명이 온 IP 주소, 이메일 주소의 도메인, 입력한 국가별로 묶었습니다. 확인된 서명과 대기 중인 서명(아직 이메일로 확인하지 않은 서명)은 따로 세고, 무효화된 서명은 빼고 셉니다. 표마다 가장 많은 { $rows }개 행을 보여 줍니다.
abuse-outlier = 이상치
abuse-outlier-rule = 표시는 서명이 { $min }건 이상이면서, 표 전체 서명의 { $share }% 이상을 차지하거나 표의 중앙값 행보다 { $times }배 이상 많은 행에 붙습니다. 이상치는 살펴볼 만하다는 뜻일 뿐 부정의 증거는 아닙니다. 서명이 몰리는 날에는 큰 메일 서비스나 청원이 속한 나라도 이상치가 될 수 있습니다.
abuse-window = { $window ->
    [hour] 최근 1시간
   *[day] 최근 24시간
}
abuse-by = { $dimension ->
    [ip] IP 주소별
    [domain] 이메일 도메인별
   *[country] 국가별
}
abuse-caption = { $window ->
    [hour] 최근 1시간
   *[day] 최근 24시간
} 동안의 { $dimension ->
    [ip] IP 주소별
    [domain] 이메일 도메인별
   *[country] 국가별
} 서명
abuse-col-key = { $dimension ->
    [ip] IP 주소
    [domain] 이메일 도메인
   *[country] 국가
}
abuse-summary-none = { $window ->
    [hour] 최근 1시간
   *[day] 최근 24시간
} 동안 서명이 없습니다.
abuse-summary = { $dimension ->
    [ip] IP 주소
    [domain] 도메인
   *[country] 국가
} { $groups }개에서 서명 { $total }건, { $dimension ->
    [ip] 주소
    [domain] 도메인
   *[country] 국가
}당 중앙값 { $median }건입니다.
abuse-summary-top = 가장 많은 { $rows }개만 보여 줍니다.
abuse-col-confirmed = 확인됨
abuse-col-pending = 대기 중
abuse-col-total = 합계
abuse-col-flag = 표시
abuse-share = { $percent }%
abuse-share-under = 0.1% 미만
abuse-no-address = 기록된 주소 없음
abuse-none = 없음
abuse-invalidate-row = 무효화…
abuse-invalidate-row-what = ({ $label }에서 온 서명)
abuse-invalidate-heading = 서명 무효화
abuse-invalidate-intro = 무효화한 서명은 즉시 집계에서 빠집니다. 서명 수, 통계, 최근 서명자 목록, 내려받는 파일에서 모두 제외됩니다. 아직 확인을 기다리는 서명은 더 이상 확인할 수 없습니다. 서명 기록 자체는 남으며, 무효화할 때마다 처리한 관리자의 이름과 함께 아래에 기록됩니다.
abuse-criteria-legend = 입력한 조건에 모두 맞는 서명
abuse-ip-label = IP 주소 또는 범위
abuse-ip-hint = 203.0.113.7이나 2001:db8::7 같은 주소 하나, 또는 203.0.113.0/24나 2001:db8::/48 같은 CIDR 표기 범위.
abuse-domain-hint = 표에 나온 그대로, example.com처럼 이 도메인과 정확히 같은 것만 해당합니다. 하위 도메인은 포함되지 않습니다.
abuse-times-hint = 시각은 내 시간대가 아닌 UTC 기준이며, 서명한 시각을 가리킵니다.
abuse-since-label = 이 시각 이후 서명(UTC)
abuse-until-label = 이 시각 전 서명(UTC)
abuse-invalidate-button = 조건에 맞는 서명 무효화
abuse-recent-heading = 최근 무효화 기록
abuse-recent-none = 이 청원에서 무효화된 서명이 없습니다.
abuse-recent-caption = 이 청원 서명의 최근 무효화 기록, 최신순
abuse-col-when = 일시
abuse-col-admin = 관리자
abuse-col-criteria = 조건
abuse-col-invalidated = 무효화
abuse-col-of-which-confirmed = 그중 확인된 서명
abuse-former-admin = 삭제된 관리자 계정
abuse-notice-none = { $criteria } 조건에 맞는 서명이 없어 아무것도 무효화하지 않았습니다.
abuse-notice = { $criteria } 조건에 맞는 서명 { $matched }건을 무효화했습니다. 확인된 { $confirmed }건은 이제 서명 수에서 빠졌고, 대기 중이던 { $pending }건은 확인 링크가 더 이상 작동하지 않습니다.
abuse-criteria-ip = IP { $ip }
abuse-criteria-domain = 이메일 도메인 { $domain }
abuse-criteria-since = 서명 시각 { $time } UTC 이후
abuse-criteria-until = 서명 시각 { $time } UTC 전
abuse-criteria-and = { $first } 및 { $next }

tokens-heading = API 토큰
tokens-intro = 토큰이 있으면 스크립트나 캠페인 도구가 나를 대신해 { $api }를 쓸 수 있습니다. 청원을 만들고 수정하며 확인된 서명을 읽을 수 있습니다. { $header } 형식으로 보내세요. 토큰은 비밀로 지키고, 더 이상 필요 없으면 폐기하세요.
tokens-api-link = undersigned API
tokens-revoked-notice = 토큰을 폐기했습니다. 이 토큰을 쓰는 요청은 이제 거부됩니다.
tokens-new-heading = 새 토큰
tokens-new-text = 지금 복사해 두세요. 이번 한 번만 보여 드리며, 저장되는 것은 토큰의 지문뿐입니다.
tokens-token = 토큰
tokens-name = 이름
tokens-name-hint = 나중에 구별할 수 있도록 토큰의 용도를 적으세요. 예: "캠페인 CRM".
tokens-create = 토큰 만들기
tokens-yours = 내 토큰
tokens-none = 아직 토큰이 없습니다.
tokens-created = 만든 날
tokens-last-used = 마지막 사용
tokens-never = 사용 안 함
tokens-revoked-on = { $date }에 폐기됨
tokens-expires = 만료일
tokens-expired = 만료됨
tokens-revoke = 폐기
