# Emails: subjects, text parts and HTML parts.

email-hello = Hello,
email-hello-name = Hello { $name },
email-the-petition = The petition:
email-button-fallback = If the button does not work, copy this address into your browser:

email-confirm-subject = Please confirm your signature: { $title }
email-confirm-thanks = Thank you for signing { $title }.
email-confirm-counts-once = Your signature counts once you confirm it.
email-confirm-open-link = Your signature counts once you confirm it. Open this link to confirm:
email-confirm-button = Confirm my signature
email-confirm-link-days = The link works for 7 days.
email-confirm-not-you = If you did not sign this petition, or have changed your mind, remove your signature here:
email-confirm-not-you-html = If you did not sign this petition, or have changed your mind, { $remove }.
email-confirm-remove-link = remove your signature

email-already-subject = You have already signed: { $title }
email-already-intro = Someone, probably you, tried to sign { $title } again with this email address. Your signature is already confirmed and counted once; there is nothing more to do.
email-already-share = Share the petition to help it grow:
email-already-withdraw = If you want to remove your signature:
email-already-withdraw-html = If you want to remove your signature, { $withdraw }.
email-already-withdraw-link = withdraw it here

email-update-intro = News about { $title }, which you signed
email-update-why = You get this email because you signed this petition and asked for news about it.
email-update-stop = Stop these emails
email-update-stop-open = To stop these emails, open:

email-verify-subject = Confirm your email address to start your petitions
email-verify-intro = Someone, hopefully you, opened an organizer account on undersigned with this email address.
email-verify-open-link = Open this link to confirm it and start your petitions:
email-verify-button = Confirm my email address
email-verify-link-hours = The link works for 24 hours.
email-verify-not-you = If this was not you, ignore this email: nothing happens without the link.

email-exists-subject = You already have an undersigned account
email-exists-intro = Someone, hopefully you, tried to open an organizer account on undersigned with this email address. It already has an account.
email-exists-login = Log in here:
email-exists-forgot = Forgotten your password? Choose a new one here:
email-exists-links = { $login }, or { $reset } if you have forgotten it.
email-exists-login-link = Log in
email-exists-reset-link = choose a new password
email-exists-not-you = If this was not you, ignore this email: your account is unchanged.

email-reset-subject = Choose a new password for undersigned
email-reset-intro = Someone, hopefully you, asked to choose a new password for the undersigned account with this email address.
email-reset-open-link = Open this link to choose it:
email-reset-button = Choose a new password
email-reset-link-hour = The link works for 1 hour, once. Choosing a new password logs the account out everywhere.
email-reset-not-you = If this was not you, ignore this email: your password is unchanged.

email-goal-subject = Your petition reached its goal: { $title }
email-goal-intro = Congratulations: { $title } has reached its goal of { $goal } confirmed signatures.
email-goal-tell = Tell your signers, and plan how you will hand the signatures over:
email-goal-where = See where the signatures come from:
email-goal-button = Write to your signers
email-goal-where-html = See { $link }, and plan how you will hand them over.
email-goal-where-link = where the signatures come from

email-token-subject = A new API token for your undersigned account
email-token-intro = An API token named “{ $name }” was just made for your organizer account. It can create and edit your petitions and read their signatures until { $date }.
email-token-not-you = If you did not make it, revoke it now and change your password: choosing a new password revokes every token.
email-token-button = Review your API tokens
