# The layout, navigation and words shared by many pages.

skip-to-content = Skip to content
nav-main = Main
nav-start-petition = Start a petition
nav-dashboard = Dashboard
nav-languages = Language
footer-about = undersigned is open-source software for petitions that change things.
footer-privacy = Privacy

# Meta descriptions: what search results and link previews say about a
# page. A page without its own says the first.
meta-description = undersigned is open-source software for petitions: sign one and share it, or start your own and deliver the signatures.
meta-description-home = Sign and share petitions to governments, parliaments, international bodies and companies, or start your own. Every signature is confirmed by email and counts once.
meta-description-login = Log in to run your petitions on undersigned: edit them, follow their signatures and write to the people who signed.
meta-description-signup = Create an organizer account on undersigned to start petitions, collect confirmed signatures and deliver them.
meta-description-forgot = Ask for a link to choose a new password for your undersigned organizer account.

opens-in-new-tab = (opens in a new tab)
title-error-prefix = Error:
error-summary-heading = There is a problem
error-see-petitions = See all petitions
back-to-petition = Back to the petition
see-open-petitions = See open petitions
quoted = "{ $text }"
state-open = Open
state-closed = Closed
hidden-tag = Hidden
hidden-note = An administrator has hidden this petition from the public. Reason: { $reason }
markdown-hint = You can use Markdown: **bold**, *italic*, [links](https://example.org), lists.
field-email = Email address
field-password = Password
count-signatures = { $count ->
    [one] { $count } signature
   *[other] { $count } signatures
}

share-heading = Share this petition
share-native = Share…
share-copy-label = Link to copy
share-copy-button = Copy link
share-copied = Link copied.
share-copy-failed = Press Ctrl+C (or Cmd+C) to copy the selected link.
share-invitation = Sign the petition: { $title }
share-network-email = Email

chart-unit-one = { " " }signature
chart-unit-many = { " " }signatures
chart-per-day-title = Confirmed signatures per day
chart-per-day-description = { $total } confirmed signatures over { $days } days, from { $from } to { $to } (UTC).
chart-per-hour-title = Confirmed signatures per hour, last 48 hours
chart-per-hour-description = { $total } confirmed signatures in the last 48 hours (UTC).
chart-peak = The busiest was { $label }, with { $count }.
