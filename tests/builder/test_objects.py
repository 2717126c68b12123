import pytest

from builder.objects import DEMO_OBJECTS, PSEUDO_FIELDS, coerce_value, field_names, field_type, stages

CONTRACT_FIELDS = {
    "contact": {"name", "email", "phone", "company"}, "company": {"name", "domain", "phone"},
    "deal": {"name", "amount", "email", "phone", "close_date"},
    "task": {"title", "status", "type", "priority", "category", "details", "due_at", "assignee"},
    "order": {"number", "email", "phone", "amount", "estimated_delivery", "usage_days"}}


def test_demo_objects_follow_the_contract():
    assert set(DEMO_OBJECTS) == set(CONTRACT_FIELDS)
    for name, expected in CONTRACT_FIELDS.items():
        spec = DEMO_OBJECTS[name]
        assert set(spec["fields"]) == expected and spec["label"]
    assert stages(DEMO_OBJECTS, "deal", "sales") == ["new", "unassigned", "qualified", "proposal", "won", "lost"]
    assert stages(DEMO_OBJECTS, "order") == ["created", "paid", "delivered", "received"]
    assert DEMO_OBJECTS["task"]["fields"]["status"]["options"] == ["To Do", "In Progress", "Done"]


def test_field_names_include_pseudo_fields():
    names = field_names(DEMO_OBJECTS, "deal")
    assert CONTRACT_FIELDS["deal"] | set(PSEUDO_FIELDS) == names
    assert field_type(DEMO_OBJECTS, "deal", "close_date") == "date"
    assert field_type(DEMO_OBJECTS, "deal", "created_at") == "datetime"
    assert field_type(DEMO_OBJECTS, "deal", "nope") is None
    with pytest.raises(KeyError):
        field_names(DEMO_OBJECTS, "unicorn")


@pytest.mark.parametrize("spec, value, stored", [
    ({"type": "text"}, "hi", "hi"), ({"type": "number"}, 4.5, 4.5), ({"type": "number"}, 3, 3),
    ({"type": "boolean"}, False, False), ({"type": "date"}, "2026-12-20", "2026-12-20"),
    ({"type": "datetime"}, "2026-03-07T09:00:00+07:00", "2026-03-07T02:00:00+00:00"),
    ({"type": "datetime"}, "2026-03-07T09:00:00Z", "2026-03-07T09:00:00+00:00"),
    ({"type": "email"}, " ada@example.com ", "ada@example.com"),
    ({"type": "phone"}, "+62 (811) 000-001", "+62 (811) 000-001"),
    ({"type": "choice", "options": ["a", "b"]}, "b", "b"), ({"type": "user"}, "maria", "maria"),
    ({"type": "number"}, None, None)])
def test_coerce_accepts(spec, value, stored):
    assert coerce_value(spec, value) == stored


@pytest.mark.parametrize("spec, value, message", [
    ({"type": "text"}, 5, "expected text"), ({"type": "number"}, True, "expected a number"),
    ({"type": "number"}, "5", "expected a number"), ({"type": "number"}, float("nan"), "expected a number"),
    ({"type": "boolean"}, "yes", "true or false"), ({"type": "date"}, "20/12/2026", "YYYY-MM-DD"),
    ({"type": "date"}, "2026-02-30", "YYYY-MM-DD"), ({"type": "datetime"}, "2026-03-07T09:00:00", "offset"),
    ({"type": "email"}, "ada.example.com", "email"), ({"type": "email"}, "a@b@c", "email"),
    ({"type": "phone"}, "call me", "phone"), ({"type": "choice", "options": ["a", "b"]}, "c", "one of: a, b"),
    ({"type": "user"}, 7, "username"), ({"type": "color"}, "red", "unknown field type")])
def test_coerce_refuses_with_a_message(spec, value, message):
    with pytest.raises(ValueError, match=message):
        coerce_value(spec, value)
