# Organizer accounts, the dashboard, statistics, updates and administration.

login-heading = Log in
login-button = Log in
login-forgot = Forgotten your password?
login-no-account = No account yet? { $signup }.
login-signup-link = Create an organizer account

signup-heading = Create an organizer account
signup-name = Your name
signup-email-hint = We send a link to this address to confirm it.
signup-password-hint = 12 to 128 characters. A few unrelated words make a strong one.
signup-button = Create account
signup-have-account = Already have an account? { $login }.
signup-check-inbox = We have sent an email to { $email }. Open the link in it to confirm your address; then you can log in and start petitions. The link works for 24 hours.
signup-again = Sign up again
signup-confirm-heading = Confirm your email address
signup-confirm-intro = To finish opening your organizer account, enter the password you chose when you signed up.
signup-confirm-password = Your password
signup-confirm-button = Confirm my address
signup-confirm-not-you = Did not sign up? Then do nothing: the account stays closed, and the link stops working after 24 hours.
signup-confirm-password-missing = Enter the password you chose when you signed up.
signup-confirm-password-wrong = That is not the password chosen for this account. Check it and try again.
signup-confirmed-heading = Your email address is confirmed
signup-confirmed-text = Your organizer account is ready.
signup-confirmed-login = Log in to start a petition

account-link-invalid-heading = This link does not work any more
account-link-invalid-text = It may have expired, or it was already used.

forgot-title = Forgotten password
forgot-heading = Forgotten your password?
forgot-intro = Enter the email address of your account. If it has one, we send it a link to choose a new password.
forgot-button = Send me a link
forgot-check-inbox = If { $email } belongs to an organizer account, we have sent it a link to choose a new password. The link works for 1 hour.

reset-heading = Choose a new password
reset-password = New password
reset-password-hint = 12 to 128 characters. Choosing it logs your account out everywhere.
reset-button = Save my new password
reset-ask-again = Ask for a new link
reset-done-heading = Your password is changed
reset-done-text = Every session of your account has ended. Log in with your new password.

dashboard-your-petitions = Your petitions
dashboard-log-out = Log out { $name }
dashboard-admin = Administration
dashboard-api-tokens = API tokens
dashboard-none = You have no petitions yet.
dashboard-col-petition = Petition
dashboard-col-signatures = Signatures
dashboard-col-goal = Goal
dashboard-col-state = State
dashboard-col-started = Started
dashboard-col-actions = Actions
dashboard-statistics = Statistics
dashboard-for-petition = for { $title }
dashboard-of-petition = of { $title }
dashboard-edit = Edit
dashboard-write = Write to signers
dashboard-download = Download signatures (CSV)
dashboard-close = Close

export-col-name = name
export-col-email = email
export-col-country = country
export-col-postcode = postcode
export-col-comment = comment
export-col-source = source
export-col-confirmed-at = confirmed_at

petition-form-edit-heading = Edit the petition
petition-form-publish = Publish the petition
petition-form-save = Save changes
petition-form-preview = Preview the text
petition-form-login-again = Log in again to publish
petition-form-login-new-tab = Log in in a new tab
petition-form-session-expired = You have been logged out, so the petition was not published yet. Your text is kept below: log in again in a new tab, then come back here and press Publish.
petition-form-title = Title
petition-form-title-hint = What do you want to change? Up to 150 characters.
petition-form-targets = Addressed to
petition-form-targets-hint = One institution per line, for example: { $examples }.
petition-form-summary = Summary
petition-form-summary-hint = One or two sentences shown in lists and previews. Up to 500 characters.
petition-form-body = Text of the petition
petition-form-body-hint = Why it matters.
petition-form-goal = Signature goal
petition-form-closes-on = Closing date
petition-form-closes-on-hint = The last day people can sign: the petition closes when that day ends, at midnight UTC. Leave it empty to close it yourself when you choose.
petition-form-language = Language of the petition

statistics-title = Statistics: { $title }
statistics-counted-at = Counted { $date } at { $time } UTC.
statistics-open = The petition is open.
statistics-closed = The petition is closed.
statistics-recount = A petition this large is recounted at most every { $seconds } seconds, so these figures can be up to { $seconds } seconds behind the live count.
statistics-reload = Reload the page for newer figures.
statistics-public-page = Public page
statistics-totals = Totals
statistics-confirmed = Confirmed signatures
statistics-pending = Waiting for email confirmation
statistics-rate = Confirmation rate
statistics-no-signatures = No signatures yet
statistics-rate-hint = Only confirmed signatures count. The rate is confirmed signatures out of confirmed and waiting ones; a signature that is never confirmed is deleted when its link expires after 7 days.
statistics-per-day = Signatures per day
statistics-per-day-caption = Confirmed signatures by the day they were confirmed (UTC). Point at a bar for its number.
statistics-per-day-table = Signatures per day as a table
statistics-none-yet = No confirmed signatures yet.
statistics-per-day-table-caption = Days with confirmed signatures; days without any are left out.
statistics-col-day = Day (UTC)
statistics-col-share = Share
statistics-per-hour = The last 48 hours
statistics-per-hour-total = { $count } confirmed in the last 48 hours.
statistics-per-hour-caption = Confirmed signatures per hour (UTC). Point at a bar for its number.
statistics-per-hour-table = The last 48 hours as a table
statistics-none-48h = No confirmed signatures in the last 48 hours.
statistics-per-hour-table-caption = Hours with confirmed signatures; hours without any are left out.
statistics-col-hour = Hour
statistics-by-country = By country
statistics-by-country-caption = Confirmed signatures by country, most first
statistics-col-country = Country
statistics-more-countries = { $count } more countries
statistics-other-countries-caption = Confirmed signatures from the remaining countries
statistics-by-source = By share source
statistics-by-source-hint = Where signers came from, as named by the { $param } of the share link they followed. “direct” means no share link.
statistics-by-source-caption = Confirmed signatures by share source, most first
statistics-col-source = Source
statistics-source-direct = direct

updates-title = Updates to signers: { $title }
updates-heading = Write to your signers
updates-sent-notice = Your update is published on the petition page, and is being emailed to the signers who asked for news.
updates-audience = An update appears on the petition page and is emailed to the { $audience } confirmed { $count ->
    [one] signer
   *[other] signers
} who asked for news. Each email has a link to stop them.
updates-allowance = You can send { $remaining } more { $remaining ->
    [one] update
   *[other] updates
} this week (at most 3 in any 7 days).
updates-allowance-spent = You have sent 3 updates in the last 7 days, the most allowed.
updates-allowance-next = The next can go out on { $date }.
updates-preview = Preview
updates-subject = Subject
updates-subject-hint = The email's subject and the update's heading. Up to 150 characters.
updates-body = Your update
updates-publish = Publish and email the update
updates-history = Sent updates
updates-none = None yet.
updates-sent = Sent
updates-emails = Emails
updates-emailed = Emailed to { $count }
updates-sending = Sending: { $count } queued so far

admin-done-hidden = The petition is hidden. Its organizer sees your reason on their dashboard.
admin-done-unhidden = The petition is public again.
admin-done-promoted = That organizer is now an admin.
admin-done-closed = The petition is closed to new signatures.
admin-hide-heading = Hide “{ $title }”
admin-reason = Reason, shown to its organizer
admin-reason-hint = Up to { $max } characters.
admin-hide-button = Hide the petition
admin-promote-heading = Make an organizer an admin
admin-promote-email = Organizer’s email address
admin-promote-button = Make admin
admin-every-petition = Every petition
admin-total = { $count } in all, newest first.
admin-page = Page { $page }.
admin-none = There are no petitions.
admin-none-on-page = There are no petitions on this page.
admin-col-organizer = Organizer
admin-col-moderation = Moderation
admin-hidden-since = since { $date }: { $reason }
admin-unhide-button = Show “{ $title }” again
admin-reason-for = Reason for hiding “{ $title }”
admin-hide-short = Hide
admin-abuse-review = Abuse review
title-in-quotes = “{ $title }”
admin-close-button = Close “{ $title }”
admin-pages = Pages of petitions
admin-newer = Newer petitions
admin-older = Older petitions

abuse-title = Abuse review: { $title }
abuse-download = Confirmed signatures (CSV)
abuse-intro = Signatures made in the last hour and the last 24 hours, counted at { $time }, grouped by the IP address they came from, the domain of their email address and the country given. Confirmed signatures and pending ones (not yet confirmed by email) are counted apart; invalidated ones are left out. Each table shows its { $rows } biggest rows.
abuse-outlier = Outlier
abuse-outlier-rule = marks a row with at least { $min } signatures that has either { $share } % or more of all the signatures in its table, or { $times } times as many as the median row of its table. An outlier is worth a look, not proof of fraud: a large mail provider, or the petition's own country, can be one on a busy day.
abuse-window = { $window ->
    [hour] The last hour
   *[day] The last 24 hours
}
abuse-by = { $dimension ->
    [ip] By IP address
    [domain] By email domain
   *[country] By country
}
abuse-caption = Signatures by { $dimension ->
    [ip] IP address
    [domain] email domain
   *[country] country
} in { $window ->
    [hour] the last hour
   *[day] the last 24 hours
}
abuse-col-key = { $dimension ->
    [ip] IP address
    [domain] Email domain
   *[country] Country
}
abuse-summary-none = No signatures in { $window ->
    [hour] the last hour
   *[day] the last 24 hours
}.
abuse-summary = { $total ->
    [one] { $total } signature
   *[other] { $total } signatures
} from { $groups } { $dimension ->
    [ip] { $groups ->
        [one] address
       *[other] addresses
    }
    [domain] { $groups ->
        [one] domain
       *[other] domains
    }
   *[country] { $groups ->
        [one] country
       *[other] countries
    }
}, a median of { $median } per { $dimension ->
    [ip] address
    [domain] domain
   *[country] country
}.
abuse-summary-top = The { $rows } biggest are shown.
abuse-col-confirmed = Confirmed
abuse-col-pending = Pending
abuse-col-total = Total
abuse-col-flag = Flag
abuse-share = { $percent } %
abuse-share-under = under 0.1 %
abuse-no-address = No address recorded
abuse-none = None
abuse-invalidate-row = Invalidate…
abuse-invalidate-row-what = signatures from { $label }
abuse-invalidate-heading = Invalidate signatures
abuse-invalidate-intro = Invalidated signatures stop counting at once: they leave the count, the statistics, the list of recent signers and the download. Those still waiting for confirmation can no longer be confirmed. The rows are kept, and each invalidation is recorded below with your name.
abuse-criteria-legend = Signatures that match all of what you give
abuse-ip-label = IP address or range
abuse-ip-hint = One address, like 203.0.113.7 or 2001:db8::7, or a range in CIDR notation, like 203.0.113.0/24 or 2001:db8::/48.
abuse-domain-hint = Exactly this domain, as in the tables, like example.com; subdomains are not included.
abuse-times-hint = Times are in UTC, not your own time zone, and refer to when the signature was made.
abuse-since-label = Signed at or after (UTC)
abuse-until-label = Signed before (UTC)
abuse-invalidate-button = Invalidate matching signatures
abuse-recent-heading = Recent invalidations
abuse-recent-none = No signatures of this petition have been invalidated.
abuse-recent-caption = The latest invalidations of this petition's signatures, newest first
abuse-col-when = When
abuse-col-admin = Admin
abuse-col-criteria = Criteria
abuse-col-invalidated = Invalidated
abuse-col-of-which-confirmed = Of which confirmed
abuse-former-admin = A former admin
abuse-notice-none = No signatures matched { $criteria }, so none were invalidated.
abuse-notice = Invalidated { $matched ->
    [one] { $matched } signature
   *[other] { $matched } signatures
} matching { $criteria }: { $confirmed } confirmed, now taken off the count, and { $pending } pending, whose confirmation links no longer work.
abuse-criteria-ip = IP { $ip }
abuse-criteria-domain = email domain { $domain }
abuse-criteria-since = signed at or after { $time } UTC
abuse-criteria-until = signed before { $time } UTC
abuse-criteria-and = { $first } and { $next }

tokens-heading = API tokens
tokens-intro = A token lets a script or a campaign tool use the { $api } as you: it can create and edit your petitions and read their confirmed signatures. Send it as { $header }. Keep it secret, and revoke it when it is no longer needed.
tokens-api-link = undersigned API
tokens-revoked-notice = The token is revoked. Requests that use it are now refused.
tokens-new-heading = Your new token
tokens-new-text = Copy it now: it is shown only this once, and only a fingerprint of it is kept.
tokens-token = Token
tokens-name = Name
tokens-name-hint = What the token is for, so you can tell it apart later, like "Campaign CRM".
tokens-create = Create a token
tokens-yours = Your tokens
tokens-none = You have no tokens yet.
tokens-created = Created
tokens-last-used = Last used
tokens-never = Never
tokens-revoked-on = Revoked on { $date }
tokens-expires = Expires
tokens-expired = Expired
tokens-revoke = Revoke
