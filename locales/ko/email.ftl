# 이메일: 제목, 텍스트 본문, HTML 본문.

email-hello = 안녕하세요.
email-hello-name = { $name }님, 안녕하세요.
email-the-petition = 청원:
email-button-fallback = 버튼이 작동하지 않으면 이 주소를 복사해 브라우저에 붙여 넣으세요:

email-confirm-subject = 서명을 확인해 주세요: { $title }
email-confirm-thanks = { $title } 청원에 서명해 주셔서 감사합니다.
email-confirm-counts-once = 서명은 확인한 뒤에 집계됩니다.
email-confirm-open-link = 서명은 확인한 뒤에 집계됩니다. 이 링크를 열어 확인해 주세요:
email-confirm-button = 서명 확인하기
email-confirm-link-days = 링크는 7일 동안 유효합니다.
email-confirm-not-you = 이 청원에 서명하지 않으셨거나 마음이 바뀌셨다면 여기에서 서명을 삭제하세요:
email-confirm-not-you-html = 이 청원에 서명하지 않으셨거나 마음이 바뀌셨다면 { $remove }.
email-confirm-remove-link = 서명을 삭제하세요

email-already-subject = 이미 서명하셨습니다: { $title }
email-already-intro = 누군가(아마 본인께서) 이 이메일 주소로 { $title } 청원에 다시 서명하려고 했습니다. 서명은 이미 확인되어 한 번 집계되었으니 더 하실 일은 없습니다.
email-already-share = 청원이 널리 퍼지도록 공유해 주세요:
email-already-withdraw = 서명을 삭제하려면:
email-already-withdraw-html = 서명을 삭제하려면 { $withdraw }.
email-already-withdraw-link = 여기에서 철회하세요

email-update-intro = 서명하신 { $title } 청원의 소식입니다
email-update-why = 이 청원에 서명하면서 소식을 받겠다고 하셨기 때문에 이 이메일을 받으셨습니다.
email-update-stop = 이메일 그만 받기
email-update-stop-open = 이메일을 그만 받으려면 이 링크를 여세요:

email-verify-subject = 이메일 주소를 확인하고 청원을 시작하세요
email-verify-intro = 누군가(아마 본인께서) 이 이메일 주소로 undersigned 청원인 계정을 만들었습니다.
email-verify-open-link = 이 링크를 열어 주소를 확인하고 청원을 시작하세요:
email-verify-button = 이메일 주소 확인하기
email-verify-link-hours = 링크는 24시간 동안 유효합니다.
email-verify-not-you = 본인이 아니라면 이 이메일을 무시하세요. 링크를 열지 않으면 아무 일도 일어나지 않습니다.

email-exists-subject = 이미 undersigned 계정이 있습니다
email-exists-intro = 누군가(아마 본인께서) 이 이메일 주소로 undersigned 청원인 계정을 만들려고 했습니다. 이 주소에는 이미 계정이 있습니다.
email-exists-login = 여기에서 로그인하세요:
email-exists-forgot = 비밀번호를 잊으셨나요? 여기에서 새 비밀번호를 정하세요:
email-exists-links = { $login }하거나, 비밀번호를 잊으셨다면 { $reset }.
email-exists-login-link = 로그인
email-exists-reset-link = 새 비밀번호를 정하세요
email-exists-not-you = 본인이 아니라면 이 이메일을 무시하세요. 계정은 바뀌지 않습니다.

email-reset-subject = undersigned 새 비밀번호 정하기
email-reset-intro = 누군가(아마 본인께서) 이 이메일 주소의 undersigned 계정에 새 비밀번호를 정하겠다고 요청했습니다.
email-reset-open-link = 이 링크를 열어 새 비밀번호를 정하세요:
email-reset-button = 새 비밀번호 정하기
email-reset-link-hour = 링크는 1시간 동안 한 번만 쓸 수 있습니다. 새 비밀번호를 정하면 모든 기기에서 로그아웃됩니다.
email-reset-not-you = 본인이 아니라면 이 이메일을 무시하세요. 비밀번호는 바뀌지 않습니다.

email-goal-subject = 청원이 목표를 달성했습니다: { $title }
email-goal-intro = 축하합니다! { $title } 청원이 목표인 확인된 서명 { $goal }명을 달성했습니다.
email-goal-tell = 서명자에게 알리고, 서명을 어떻게 전달할지 계획해 보세요:
email-goal-where = 서명이 어디에서 왔는지 보기:
email-goal-button = 서명자에게 소식 보내기
email-goal-where-html = { $link }를 살펴보고, 서명을 어떻게 전달할지 계획해 보세요.
email-goal-where-link = 서명이 어디에서 왔는지

email-token-subject = undersigned 계정에 새 API 토큰이 만들어졌습니다
email-token-intro = 청원인 계정에 “{ $name }” API 토큰이 방금 만들어졌습니다. 이 토큰으로 { $date }까지 청원을 만들고 고치며 서명을 읽을 수 있습니다.
email-token-not-you = 직접 만든 토큰이 아니라면 지금 폐기하고 비밀번호를 바꾸세요. 새 비밀번호를 정하면 모든 토큰이 폐기됩니다.
email-token-button = API 토큰 확인하기
