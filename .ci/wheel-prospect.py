"""A prospect fills the questionnaire over HTTP, as a browser does (for .ci/wheel-check).

    python3 .ci/wheel-prospect.py http://127.0.0.1:PORT answers.json QUESTIONNAIRE.toml

Standard library only: it runs with any Python 3.11, outside the app's virtualenv. Each
step's form (the CSRF token read from the page first, `q_<id>` per question) is posted,
then the review page's Send. Exits non-zero, saying where, when a page does not answer
as a browser expects.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import sys
import tomllib
import urllib.parse
import urllib.request

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main(base: str, answers_path: str, questionnaire_path: str) -> None:
    answers = json.loads(open(answers_path, encoding="utf-8").read())
    with open(questionnaire_path, "rb") as fh:
        steps = tomllib.load(fh)["steps"]
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    for number, step in enumerate(steps, 1):
        fields = [("nav", "next")]
        for question in step.get("questions", []):
            value = answers.get(question["id"])
            values = value if isinstance(value, list) else [value]
            fields += [(f"q_{question['id']}", str(v)) for v in values if v is not None]
        post(browser, base, f"/start/step/{number}", fields)
    page = post(browser, base, "/start/submit", [], token_from="/start/review")
    print(f"submitted: {len(steps)} steps, then {len(page):,} characters of thanks")


def post(browser, base: str, path: str, fields, token_from: str | None = None) -> str:
    with browser.open(base + (token_from or path), timeout=30) as reply:
        match = CSRF.search(reply.read().decode())
    if not match:
        sys.exit(f"no CSRF token on {token_from or path}")
    data = urllib.parse.urlencode([("csrf_token", match[1]), *fields]).encode()
    try:
        with browser.open(base + path, data=data, timeout=60) as reply:
            return reply.read().decode()  # after the redirect, as a browser follows it
    except urllib.error.HTTPError as error:
        sys.exit(f"POST {path}: HTTP {error.code}\n{error.read().decode()[:1500]}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
