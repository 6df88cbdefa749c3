"""The Slack channel: requests and replies in DMs, the returns modal, /perf, App Home, digests.

Slack payloads stop in this package: everything it hands to the rest of perfbot is domain data
(`Submission`, `CaseStudy`, e-mail addresses), and everything it receives is too (`PersonNotice`,
`Digest`, `Alert`). `platform.platform(settings)` is the one factory the wiring calls.
"""
