"""Users mark themselves away (or an admin marks them): what rotate-owner steps set to 'only available' read."""
from crm.people import find_user
from store.db import db


def test_a_user_marks_themself_away_and_back(api):
    answer = api.put("/api/users/vic/availability", as_="viewer", json={"available": False})
    assert answer.status_code == 200 and answer.get_json()["available"] is False
    listed = {u["username"]: u for u in api.get("/api/users", as_="viewer").get_json()}
    assert listed["vic"]["available"] is False and listed["eddie"]["available"] is True
    assert api.put("/api/users/vic/availability", as_="viewer", json={"available": True}).get_json()["available"]


def test_only_an_admin_changes_someone_else(api):
    refused = api.put("/api/users/ada/availability", as_="editor", json={"available": False})
    assert refused.status_code == 403
    db.session.expire_all()
    assert find_user("ada").available is True
    assert api.put("/api/users/eddie/availability", as_="admin", json={"available": False}).status_code == 200
    db.session.expire_all()
    assert find_user("eddie").available is False


def test_bad_input_is_named_and_changes_nothing(api, client):
    bad = api.put("/api/users/vic/availability", as_="viewer", json={"available": "maybe"})
    assert bad.status_code == 422 and "available" in str(bad.get_json()["error"]["details"])
    assert api.put("/api/users/vic/availability", as_="viewer", json={}).status_code == 422
    assert api.put("/api/users/nobody/availability", as_="admin", json={"available": False}).status_code == 404
    assert client.put("/api/users/vic/availability", json={"available": False}).status_code == 401
    db.session.expire_all()
    assert find_user("vic").available is True


def test_the_settings_page_marks_a_user_away(client, auth):
    auth.login("ada")
    page = client.get("/settings").get_data(as_text=True)
    assert 'data-username="vic" data-available="true"' in page
    token = auth.csrf_token("/settings")
    client.post("/settings/users/vic/availability", data={"available": "0", "csrf_token": token})
    page = client.get("/settings").get_data(as_text=True)
    assert 'data-username="vic" data-available="false"' in page and "Mark available" in page
    auth.login("eddie")
    assert client.post("/settings/users/vic/availability",
                       data={"available": "1", "csrf_token": auth.csrf_token("/")}).status_code == 403
