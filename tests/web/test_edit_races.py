"""Races between real concurrent requests on a live server (issue 18, 4 and 6)."""
from tests.web.live import at_once, live_server, send  # noqa: F401


def test_two_saves_on_the_same_revision_one_wins_one_gets_409(api, live_server):
    token = api.tokens["editor"]
    status, workflow = send("POST", f"{live_server}/api/workflows", token, {"name": "Race"})
    assert status == 201
    url = f"{live_server}/api/workflows/{workflow['id']}"
    for attempt in range(10):
        revision = send("GET", url, token)[1]["revision"]
        answers = at_once(*[lambda name=name: send("PUT", url, token, {"name": name},
                                                   {"If-Match": f'"{revision}"'}) for name in ("Mine", "Theirs")])
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 409], (attempt, answers)
        saved = send("GET", url, token)[1]
        winner = next(body for status, body in answers if status == 200)
        assert saved["revision"] == revision + 1 and saved["name"] == winner["name"]
