# Error pages and the messages forms show next to a field.

error-title-not-found = Page not found
error-title-forbidden = This form could not be accepted
error-title-conflict = Not possible right now
error-title-rate-limited = Too many attempts
error-title-overloaded = Please try again in a moment
error-title-unavailable = Temporarily unavailable
error-title-internal = Sorry, something went wrong
error-title-problem = There is a problem

error-not-found = We could not find that page. It may have been moved or removed.
error-login-required = Log in to continue.
error-validation = Some fields need correcting.
error-too-large = What you sent is too large.
error-overloaded = We are very busy right now. Please try again in a moment.
error-unavailable = The service is briefly unavailable. Please try again in a minute.
error-internal = Something went wrong on our side. Please try again in a moment.
error-busy = We are very busy right now. Wait a moment, then try again.
error-csrf = This form has expired or did not come from this site. Go back, reload the page and try again.
error-sign-form-expired = This form had expired. Check your details and submit it again.
error-sign-form-refused = This form could not be accepted. Check your details and submit it again.
error-rate-limited = { $what ->
    [signatures] Too many signatures have come from your network in a short time.
    [login-network] There have been too many login attempts from your network.
    [login-account] There have been too many login attempts for this account.
    [account-email] Too many emails have been asked for this address, or from your network, in a short time.
   *[requests] Too many requests have come from your network in a short time.
} Wait { $unit ->
    [seconds] { $amount ->
        [one] a second
       *[other] { $amount } seconds
    }
    [minutes] { $amount } minutes
   *[hours] { $amount } hours
}, then try again.
error-rate-limited-kept = { $message } Your details are kept below.
# { $detail } below is the parser's own words, which are English: other
# languages leave it out rather than mix English into their pages.
error-malformed-query = The address has a malformed query: { $detail }
error-form-content-type = Send the form as application/x-www-form-urlencoded.
error-form-unreadable = The form could not be read: { $detail }
error-json-content-type = Send the body as application/json.
error-json-unreadable = The JSON body could not be read: { $detail }
error-body-not-text = The form contains bytes that are not valid text (UTF-8). Nothing was saved: check what you typed or pasted, then send it again.
error-body-unreadable = The body could not be read: { $detail }
error-param-positive = { $name } must be a whole number of 1 or more
error-param-range = { $name } must be a whole number from 1 to { $max }
error-language-invalid = Choose English (en) or Korean (ko)
error-param-state = state must be open or closed
error-param-sort = sort must be signatures or recent
error-petition-closed = This petition is closed and no longer takes signatures.
error-petition-not-yours = Only the organizer of this petition can change it.
error-statistics-not-yours = Only the organizer of this petition can see its statistics.
error-export-not-yours = Only the organizer of this petition can download its signatures.
error-updates-not-yours = Only the organizer of this petition can write to its signers.
error-updates-hidden = This petition is hidden by an admin, so it cannot send updates until it is shown again.
error-updates-weekly-limit = This petition has sent { $limit } updates in the last 7 days, the most it may. You can send the next one on { $date }; your text is kept below.
error-admin-only = Only administrators can open this page.
error-login-incorrect = The email address or password is incorrect.

error-name-empty = Enter your name
error-name-too-long = Name must be { $max } characters or fewer
error-name-characters = Your name contains characters that cannot be used
error-name-invisible = Your name contains invisible characters. Type it again without them
error-email-empty = Enter your email address
error-email-too-long = Email address must be 254 characters or fewer
error-email-invalid = Enter an email address in the correct format, like name@example.com
error-email-disposable = Use an email address you will keep: addresses from disposable email services are not accepted for this petition
error-country-empty = Select your country
error-country-invalid = Select a country from the list
error-postcode-characters = Postcode contains characters that cannot be used
error-postcode-too-long = Postcode must be { $max } characters or fewer
error-comment-characters = Comment contains characters that cannot be used
error-comment-too-long = Comment must be { $max } characters or fewer
error-text-characters = The text contains characters that cannot be used
error-text-empty = { $what ->
    [title] Enter a title
    [summary] Enter a summary
    [petition] Enter the text of the petition
    [subject] Enter a subject
    [token] Enter a name for the token
   *[update] Enter the text of the update
}
error-text-too-long = { $what ->
    [title] Title
    [summary] Summary
    [petition] Text of the petition
    [subject] Subject
    [token] Name for the token
   *[update] Text of the update
} must be { $max } characters or fewer
error-target-characters = A target contains characters that cannot be used
error-target-too-long = Each target must be { $max } characters or fewer
error-targets-empty = Enter at least one institution this petition is addressed to
error-targets-too-many = Enter at most { $max } targets
error-goal-empty = Enter a signature goal, like 1000
error-goal-invalid = Enter a signature goal as a whole number between 1 and { $max }
error-closes-on-format = Enter the closing date as YYYY-MM-DD, like 2027-03-31
error-closes-on-past = The closing date must be in the future
error-password-too-short = Password must be at least { $min } characters long
error-password-too-long = Password must be { $max } characters or fewer
error-password-weak = Choose a password that is harder to guess.
error-reason-characters = The reason contains characters that cannot be used.
error-reason-empty = Say why the petition is hidden: its organizer will read it.
error-reason-too-long = The reason must be { $max } characters or fewer; it has { $count }.
error-promote-empty = Enter the email address of the organizer to make an admin.
error-promote-unknown = No organizer has the email address { $email }. They need an account first.
error-promote-unverified = The account with { $email } has not confirmed its email address yet. Only a confirmed account can become an admin.

# Text that is the same in every language (see Message::text).
verbatim = { $text }

error-invalidation-no-criteria = Give at least one of these: an IP address or range, an email domain, a start time or an end time. Without one, every signature would match.
error-invalidation-order = The end must be later than the start: signatures are matched from the start up to, not including, the end
error-invalidation-ip = Enter an IP address, like 203.0.113.7 or 2001:db8::7, or a range in CIDR notation, like 203.0.113.0/24 or 2001:db8::/48
error-invalidation-ipv4-prefix = An IPv4 range ends in /0 to /32, like 203.0.113.0/24
error-invalidation-ipv6-prefix = An IPv6 range ends in /0 to /128, like 2001:db8::/48
error-invalidation-domain = Enter an email domain, like example.com: the part after the @
error-invalidation-time = Enter a date and time in UTC, like 2026-12-01T14:30

# A weak password: zxcvbn's warning and suggestions, said after
# error-password-weak. The English is zxcvbn's own.
password-warning-straight-row = Straight rows of keys are easy to guess.
password-warning-keyboard-pattern = Short keyboard patterns are easy to guess.
password-warning-repeated-character = Repeats like "aaa" are easy to guess.
password-warning-repeated-group = Repeats like "abcabcabc" are only slightly harder to guess than "abc".
password-warning-top-10 = This is a top-10 common password.
password-warning-top-100 = This is a top-100 common password.
password-warning-common = This is a very common password.
password-warning-similar-to-common = This is similar to a commonly used password.
password-warning-sequence = Sequences like abc or 6543 are easy to guess.
password-warning-recent-year = Recent years are easy to guess.
password-warning-single-word = A word by itself is easy to guess.
password-warning-date = Dates are often easy to guess.
password-warning-name-alone = Names and surnames by themselves are easy to guess.
password-warning-common-name = Common names and surnames are easy to guess.
password-suggest-few-words = Use a few words, avoid common phrases.
password-suggest-no-symbols-needed = No need for symbols, digits, or uppercase letters.
password-suggest-another-word = Add another word or two. Uncommon words are better.
password-suggest-capitals-help-little = Capitalization doesn't help very much.
password-suggest-all-capitals = All-uppercase is almost as easy to guess as all-lowercase.
password-suggest-reversed-words = Reversed words aren't much harder to guess.
password-suggest-substitutions = Predictable substitutions like '@' instead of 'a' don't help very much.
password-suggest-longer-pattern = Use a longer keyboard pattern with more turns.
password-suggest-avoid-repeats = Avoid repeated words and characters.
password-suggest-avoid-sequences = Avoid sequences.
password-suggest-avoid-recent-years = Avoid recent years.
password-suggest-avoid-your-years = Avoid years that are associated with you.
password-suggest-avoid-your-dates = Avoid dates and years that are associated with you.

# A request body that arrived too slowly (plain text, not a page).
error-too-slow = The request took too long to arrive. Try again.

# Plain-text answers, not pages: an unknown file under /static/, and an
# oEmbed request for a format other than JSON (oEmbed 1.0 §2.3.4).
error-no-such-file = There is no such file.
error-oembed-format = Only format=json is supported.
error-param-index = { $name } must be a whole number from 0 to 9007199254740992
error-log-query = The query string could not be read
error-log-range = end must not be less than start
error-log-receipt = receipt is not a receipt code: a receipt code has 32 letters (A to Z) and digits (2 to 7)
error-log-leaf-hash = leaf_hash must be 64 hexadecimal characters
error-log-proof-key = Give either receipt (a receipt code) or leaf_hash (64 hexadecimal characters)
error-log-sizes-missing = Give both first and second, the two tree sizes to compare
error-log-sizes = first and second must be tree sizes with 1 ≤ first ≤ second ≤ { $size }
