"""Reading the account e-mails that the tests' locmem backend caught."""

import re
from urllib.parse import parse_qs, urlparse

from django.core import mail

LINK = re.compile(r"https?://\S+\?uid=\S+")


def links_sent_to(email: str) -> list[dict[str, str]]:
    """The `{uid, token}` of every link e-mailed to `email`, oldest first (text body; the HTML has the same)."""
    found = []
    for message in mail.outbox:
        if email in message.to:
            query = parse_qs(urlparse(LINK.search(message.body).group(0)).query)
            found.append({"uid": query["uid"][0], "token": query["token"][0]})
    return found
