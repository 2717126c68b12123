"""What counts as a credential in a graph, how it reads, and how a save that sends the mask back keeps it."""
import pytest

from builder.credentials import MASK, credential_problems, keep_masked, mask_graph, mask_text


def hook(url="https://bot:hunter22@api.example.com/x", **headers) -> dict:
    return {"nodes": [{"id": "h", "kind": "action", "type": "webhook",
                       "config": {"url": url, "method": "POST", "headers": headers, "body": ""}}], "edges": []}


@pytest.mark.parametrize("value,shown", [
    ("Bearer {{ secrets.CRM_TOKEN }}", True), ("{{ record.id }}", True), ("{{ record.fields.email | lower }}", True),
    ("abc123", False), ("Bearer abc123", False), ("Bearer {{ 'abc123' }}", False),
    ("Bearer abc {{ secrets.CRM_TOKEN }}", False)])
def test_a_header_value_with_literal_text_is_masked(value, shown):
    read = mask_graph(hook(**{"X-Key": value}))["nodes"][0]["config"]["headers"]["X-Key"]
    assert read == (value if shown else MASK)
    assert bool(credential_problems(hook(url="https://api.example.com", **{"X-Key": value})["nodes"][0])) != shown


def test_accept_and_content_type_read_as_written():
    headers = {"Accept": "text/plain", "Content-Type": "application/json"}
    assert mask_graph(hook(**headers))["nodes"][0]["config"]["headers"] == headers


def test_url_passwords_are_masked_in_any_text_but_references_stay():
    assert mask_text("see ftp://me:pa55word@files.example.com and https://x.example.com") == \
        f"see ftp://me:{MASK}@files.example.com and https://x.example.com"
    assert mask_text("https://me:{{ secrets.PW }}@x.example.com") == "https://me:{{ secrets.PW }}@x.example.com"


def test_a_save_keeps_masked_values_and_takes_new_ones():
    stored = hook(**{"X-Key": "abc123", "X-Other": "zzz999"})
    sent = mask_graph(stored)
    sent["nodes"][0]["config"]["url"] = f"https://bot:{MASK}@erp.example.com/y"  # edited around the mask
    sent["nodes"][0]["config"]["headers"]["X-Other"] = "new-value"
    kept = keep_masked(sent, stored)["nodes"][0]["config"]
    assert kept["url"] == "https://bot:hunter22@erp.example.com/y"
    assert kept["headers"] == {"X-Key": "abc123", "X-Other": "new-value"}


def test_secrets_are_an_error_outside_a_webhook_and_a_field_named_secrets_is_not():
    mail = {"id": "m", "type": "send_email", "config": {"subject": "{{ secrets.CRM_TOKEN }}",
                                                         "body": "{{ record.fields.secrets }}"}}
    assert credential_problems(mail) == [("error", "config.subject",
                                          "secrets can only be used in a webhook's URL, headers and body")]
    filtered = hook(url="https://api.example.com/{{ secrets.CRM_TOKEN | upper }}")["nodes"][0]
    assert [p[1] for p in credential_problems(filtered)] == ["config.url"]
