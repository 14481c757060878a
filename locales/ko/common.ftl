# 레이아웃, 메뉴, 여러 페이지에서 함께 쓰는 말.

skip-to-content = 본문 바로가기
nav-main = 주 메뉴
nav-start-petition = 청원 시작하기
nav-dashboard = 대시보드
nav-languages = 언어
footer-about = undersigned는 세상을 바꾸는 청원을 위한 오픈 소스 소프트웨어입니다.
footer-privacy = 개인정보 처리방침

# 메타 설명: 검색 결과와 링크 미리보기에 나오는 페이지 소개. 따로 없는
# 페이지에는 첫 번째 설명이 쓰입니다.
meta-description = undersigned는 청원을 위한 오픈 소스 소프트웨어입니다. 청원에 서명하고 널리 알리거나, 직접 청원을 시작해 모은 서명을 전달하세요.
meta-description-home = 정부, 의회, 국제기구, 기업에 보내는 청원에 서명하고 널리 알리거나 직접 청원을 시작하세요. 모든 서명은 이메일로 확인하며 한 사람당 한 번만 셉니다.
meta-description-login = 로그인하고 undersigned에서 청원을 운영하세요. 청원을 고치고, 서명 현황을 살펴보고, 서명한 사람들에게 소식을 보낼 수 있습니다.
meta-description-signup = undersigned 청원인 계정을 만들어 청원을 시작하고, 확인된 서명을 모아 전달하세요.
meta-description-forgot = undersigned 청원인 계정의 새 비밀번호를 정할 수 있는 링크를 요청하세요.

opens-in-new-tab = (새 탭에서 열림)
title-error-prefix = 오류:
error-summary-heading = 문제가 있습니다
error-see-petitions = 모든 청원 보기
back-to-petition = 청원으로 돌아가기
see-open-petitions = 진행 중인 청원 보기
quoted = ‘{ $text }’
state-open = 진행 중
state-closed = 마감
hidden-tag = 숨김
hidden-note = 관리자가 이 청원을 공개 목록에서 숨겼습니다. 사유: { $reason }
markdown-hint = 마크다운을 쓸 수 있습니다: **굵게**, *기울임*, [링크](https://example.org), 목록.
field-email = 이메일 주소
field-password = 비밀번호
count-signatures = 서명 { $count }명

share-heading = 이 청원 공유하기
share-native = 공유…
share-copy-label = 복사할 링크
share-copy-button = 링크 복사
share-copied = 링크를 복사했습니다.
share-copy-failed = Ctrl+C(또는 Cmd+C)를 눌러 선택한 링크를 복사하세요.
share-invitation = 청원에 서명해 주세요: { $title }
share-network-email = 이메일

chart-unit-one = 명
chart-unit-many = 명
chart-per-day-title = 날짜별 확인된 서명
chart-per-day-description = { $from }부터 { $to }까지 { $days }일 동안 확인된 서명은 { $total }명입니다(UTC).
chart-per-hour-title = 최근 48시간의 시간별 확인된 서명
chart-per-hour-description = 최근 48시간 동안 확인된 서명은 { $total }명입니다(UTC).
chart-peak = 가장 많았던 때는 { $label }({ $count }명)입니다.
