# What signers see: the list, the petition page, the sign form and the
# pages their email links lead to.

home-title = Petitions
home-search-title = Search: { $query }
home-search-label = Search petitions
home-search-button = Search
home-most-signed = Most signed
home-results = Results for “{ $query }”
home-none = No open petitions yet. { $start }.
home-start-one = Start one
home-no-match = No open petitions match your search.
home-newest = Newest
home-card-count = { $count } signatures of { $goal }

petition-to = To:
petition-signatures-label = Signatures
petition-count-line = { $count } have signed. Let’s get to { $goal }!
petition-progress-label = { $percent }% of the goal
petition-open-until = Open until { $date }.
petition-closed-on = Closed on { $date }.
petition-text-label = Petition text
petition-news-heading = News from the organizer
petition-recent-signers = Recent signers
petition-card-alt = { $title }: { $count } signatures

embed-summary = Put this petition on your site
embed-script-label = Widget, with a sign form (paste into your page)
embed-iframe-label = The same widget as a plain iframe
embed-badge-label = A live badge (Markdown)
embed-frame-title = Petition
embed-badge-alt = Signatures
embed-powered = Petition hosted on { $site }.
embed-powered-site = undersigned

sign-heading = Sign this petition
sign-honeypot = Leave this field empty
sign-name = Full name
sign-email = Email address
sign-email-hint = We will send you a link to confirm your signature.
sign-country = Country
sign-country-choose = Select your country
sign-postcode = Postcode
sign-optional = (optional)
sign-comment = Why are you signing?
sign-comment-hint = (optional, up to 500 characters)
sign-public = Show my name on this petition
sign-updates = Email me news about this petition
sign-consent = By signing, you agree that the organizer of this petition receives your name, email address, country, postcode and comment, as our { $privacy } explains.
sign-consent-link = privacy notice
sign-button = Sign

closed-heading = This petition is closed
closed-thanks = It no longer takes signatures. Thank you to everyone who signed.
closed-not-recorded = It no longer takes signatures, so yours was not recorded.

signed-heading = Check your inbox
signed-intro = We have sent you an email. { $action }; it only counts once confirmed.
signed-intro-action = Click the link in it to confirm your signature
signed-no-email = No email after a few minutes? Check your spam folder. The link works for 7 days.

confirm-title = Confirm your signature
confirm-heading = One more step: confirm your signature
confirm-petition = You signed this petition:
confirm-text = Press the button to confirm that you signed it. Only then does your signature count.
confirm-button = Confirm my signature
confirm-not-you = Did not sign it? Then do nothing: without confirmation the signature is deleted after 7 days.

confirmed-title = Thank you for signing
confirmed-text = Your signature is confirmed and counted.
confirmed-already-title = Already confirmed
confirmed-already-heading = Your signature is already confirmed
confirmed-already-text = It counts once, and it still counts. There is nothing more to do.
confirmed-share = Petitions win when people share them. Send it to a friend who cares.
confirmed-hidden = This petition is not shown to the public at the moment.

link-invalid-heading = This link has expired or is not valid
link-invalid-text = Confirmation links work for 7 days. You can sign again to get a new one.
link-invalid-sign-again = Sign the petition again
link-invalid-find = Find the petition and sign again

withdraw-title = Withdraw your signature
withdraw-heading = Withdraw your signature?
withdraw-text = Your signature will be removed from { $petition } and from its count, with everything you gave when you signed.
withdraw-this-petition = this petition
withdraw-the-petition = the petition
withdraw-button = Withdraw my signature
withdraw-keep = Change nothing
withdrawn-title = Signature withdrawn
withdrawn-heading = Your signature has been withdrawn
withdrawn-text = It no longer counts, and your details have been removed from the petition.
erase-heading = Or keep your signature and erase your details
erase-text = Your signature keeps counting, with only your country. Your name, email address, postcode, comment and network address are erased, and you will get no more email about this petition. This cannot be undone.
erase-button = Erase my details, keep my signature
erased-heading = Your details are erased
erased-text = Your signature still counts, with only your country. Your name, email address, postcode, comment and network address are gone, and you will get no more email about this petition.
erased-withdraw = You can still { $link } with this link.
erased-withdraw-link = withdraw the signature itself

unsubscribe-title = Stop updates about { $title }
unsubscribe-heading = Stop updates about this petition?
unsubscribe-text = You will get no more news by email about { $petition }. Your signature stays, and keeps counting.
unsubscribe-button = Stop these emails
unsubscribe-already-heading = You get no updates about this petition
unsubscribe-already-text = You already asked to stop news by email about { $petition }. Your signature still counts.
unsubscribe-invalid-text = Unsubscribe links work for 180 days. Any newer update email about the petition has a working link at its end.
unsubscribe-invalid-home = Go to the petitions
unsubscribed-heading = You will get no more updates
unsubscribed-text = We will not email you news about { $petition } again. Your signature stays, and keeps counting.

privacy-title = Privacy
privacy-description = What undersigned does with your name, email address and the other details you give when you sign a petition.
privacy-intro = This notice explains what happens to the details you give when you sign a petition here, and what you can do about it.
privacy-keep-heading = What we keep when you sign
privacy-keep-details = Your name, email address, country and, if you give them, your postcode and comment.
privacy-keep-choices = Whether you asked for your name to be shown and for news about the petition.
privacy-keep-source = Which link brought you (for example a share on a social network), and the internet address your browser signed from, to detect fraud.
privacy-who-heading = Who sees it
privacy-who-public = { $who } sees your name and country in the list of recent signers, and only if you ticked “Show my name”. Everyone sees the number of signatures.
privacy-who-public-who = The public
privacy-who-organizer = { $who } can download the confirmed signatures (name, email address, country, postcode, comment, the link that brought you, and when you confirmed) to deliver them to the petition's target.
privacy-who-organizer-who = The petition's organizer
privacy-who-news = { $who } can email you news about the petition, at most three times a week, only if you ticked “Email me news about this petition”.
privacy-who-news-who = The organizer
privacy-how-long-heading = How long
privacy-how-long-pending = A signature that is never confirmed is deleted, with its details, when its confirmation link expires after 7 days.
privacy-how-long-emails = Emails we sent you are kept, without their text, for 7 days.
privacy-how-long-closed = { $days } days after a petition closes, its signers' names, email addresses, postcodes, comments and internet addresses are erased. The count and the countries stay.
privacy-you-heading = What you can do
privacy-you-withdraw = { $what } The confirmation email has a link to withdraw it. Withdrawing deletes your signature and everything you gave with it.
privacy-you-withdraw-what = Withdraw your signature.
privacy-you-erase = { $what } The same link can erase your details and keep your signature, counted with only your country. What stays of your email address is a keyed fingerprint that cannot be read back, so that signing the same petition again does not count you twice.
privacy-you-erase-what = Erase your details.
privacy-you-stop = { $what } Every news email has a link to stop them; your signature keeps counting.
privacy-you-stop-what = Stop news.
badge-label = { $count } of { $goal } signatures

# The share card image, in the petition's own language.
share-card-to = To: { $targets }
share-card-count = { $count }
share-card-of-goal = signatures of { $goal }
# The iframe an oEmbed consumer places.
embed-frame-title-named = Petition: { $title }
# The receipt on the thank-you page, and the page that checks it.
receipt-heading = Your receipt
receipt-explain = Keep this code, shown only this once and known to nobody else, to check at any time that your signature is counted in the petition’s public log.
receipt-check = Check your signature in the public log
verify-title = Check a signature
verify-intro = Paste the receipt code you were shown when you confirmed your signature. The check runs in your browser against the petition’s signed public log, so it does not rest on our word.
verify-label = Receipt code
verify-hint = 32 letters and digits; dashes and spaces do not matter.
verify-button = Check
verify-checking = Checking…
verify-counted = Your signature is counted: it is entry { $index } of the public log, under the head of { $tree_size } entries signed at { $timestamp }.
verify-withdrawn = This signature was added to the log (entry { $index }) and later withdrawn (entry { $revoked_by }). It no longer counts.
verify-pending = Your signature is in the log, but not yet under a signed head. Heads are signed about once a minute; try again shortly.
verify-not-found = No signature in this petition’s log has this receipt. Check that the code is complete and that this is the petition you signed.
verify-invalid-code = That is not a receipt code: a receipt code has 32 letters (A to Z) and digits (2 to 7).
verify-mismatch = The log’s answer does not check out. Please tell us, and keep your receipt.
verify-no-signature-check = This browser cannot check the head’s Ed25519 signature; everything else was checked.
verify-error = The check could not be completed. Try again in a moment.
verify-checked-here = This check ran in your browser.
verify-checked-server = Our server made this check. With JavaScript on, your browser makes it itself.
verify-machine = Anyone can check this petition’s whole log, and that it adds up to the count, with:
verify-head = Latest signed head: { $tree_size } entries ({ $adds } added, { $revokes } withdrawn), signed at { $timestamp }.
verify-no-head = This petition’s log has no signed head yet.
verify-log-heading = The public log
