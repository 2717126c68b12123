"""The audit log through the settings pages: the same rows as the API doors, and admins only."""
from crm.people import find_user
from store.audit import AuditEntry
from store.db import db


def actions() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.via == "session")
                                   .order_by(AuditEntry.id)))


def test_users_changed_and_tokens_revoked_on_the_settings_page_are_logged(client, auth, api):
    auth.login("ada")
    token = auth.csrf_token("/settings")
    client.post("/settings/users/vic", data={"role": "editor", "active": ["0", "1"], "csrf_token": token})
    assert find_user("vic").role == "editor" and actions() == ["user.changed"]
    client.post("/settings/users/vic", data={"role": "editor", "active": "0", "csrf_token": token})
    assert find_user("vic").active is False and actions() == ["user.changed", "user.deactivated"]
    # The last active admin cannot switch herself off: said on the page, nothing stored, nothing logged.
    answer = client.post("/settings/users/ada", data={"role": "admin", "active": "0", "csrf_token": token},
                         follow_redirects=True)
    assert "the last active admin" in answer.get_data(as_text=True) and find_user("ada").active
    assert actions() == ["user.changed", "user.deactivated"]

    made = client.post("/settings/tokens", data={"name": "zapier", "user": "eddie", "csrf_token": token})
    assert made.status_code == 302
    revoked = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "token.created",
                                                             AuditEntry.via == "session")).one()
    client.post(f"/settings/tokens/{revoked.object_id}/revoke", data={"csrf_token": token})
    assert actions()[-2:] == ["token.created", "token.revoked"]

    page = client.get("/settings/audit?actor=ada&action=user.deactivated").get_data(as_text=True)
    assert "vic: active True \u2192 False" in page and "1 entries" in page
    assert "from: a date" in client.get("/settings/audit?from=soon").get_data(as_text=True)


def test_only_admins_open_the_audit_page(client, auth):
    auth.login("eddie")
    assert client.get("/settings/audit").status_code == 403
