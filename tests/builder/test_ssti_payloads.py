"""Server-side template injection: hostile template text is an error when a workflow is validated, and
harmless when a run renders it anyway (stored straight into the database, past validation): a readable
TemplateError or bounded output, in bounded time, never a crash, a hang or a Python internal."""
import datetime
import re
import time

import pytest

from builder.templating import TemplateError, render
from builder.validate import problems
from tests.builder.factories import OBJECTS, reminder_graph

# Each reaches for Python internals or a loader; validation names it as an error of the node's field.
REFUSED_AT_VALIDATION = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__base__.__subclasses__()[59].__init__.__globals__['sys'].modules['os'].popen('id').read() }}",
    "{{ [].__class__.__mro__[-1].__subclasses__() }}",
    "{{ dict.__base__.__subclasses__() }}",
    "{{ record.__class__.__init__.__globals__ }}",
    "{{ record.fields.__getitem__('name') }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ joiner.__init__.__globals__.os.system('id') }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ namespace.__init__.__globals__.__builtins__.open('/etc/passwd').read() }}",
    "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    "{{ self._TemplateReference__context.cycler }}",
    "{{ config.__class__.__init__.__globals__['os'].popen('id').read() }}",
    "{{ request.application.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    "{{ url_for.__globals__.current_app.config }}",
    "{{ get_flashed_messages.__globals__ }}",
    "{{ caller.__globals__ }}",
    "{% for x in [1] %}{{ loop.__class__ }}{% endfor %}",
    "{% set ns = namespace() %}{{ ns.__class__ }}",
    "{{ ''['__class__']['__mro__'] }}",
    "{{ ''|attr('__class__')|attr('__mro__') }}",
    "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "{{ record|map(attribute='__class__')|list }}",
    "{{ [record]|sort(attribute='fields.__class__') }}",
    "{{ [record]|selectattr('__class__')|list }}",
    "{{ [record]|groupby('__class__') }}",
    "{{ [record]|sum(attribute='__class__') }}",
    "{{ '{0.__class__.__mro__}'.format(record) }}",
    "{{ '{r.__init__.__globals__}'.format_map({'r': record}) }}",
    "{{ '{0[__builtins__]}'.format(record) }}",
    "{{ '%s'|format(''.__class__.__mro__) }}",
    "{{ '%(x)s' % {'x': ''.__class__} }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{% from 'macros.html' import evil %}",
    "{% extends 'layout.html' %}",
    "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
]

# Well-formed text that is hostile only when it runs: loops, sizes, mutation, printing internals, and
# names that come from data (here `payload.key` is "__class__"), which no validation can see.
HARMLESS_AT_RUN_TIME = [
    "{% for i in range(10**9) %}{% endfor %}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{% for i in range(99999) %}{% for j in range(99999) %}{{ i }}{% endfor %}{% endfor %}",
    "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
    "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "{{ 'x' * 10**9 }}",
    "{{ 9**9**9 }}",
    "{{ (('x' * 1000000),) * 1000 }}",
    "{{ 'x' * 1000000 }}{{ 'x' * 1000000 }}",
    "{% set s = 'x' * 100000 %}{{ s|replace('x', s) }}",
    "{% set s = 'x' * 100000 %}{{ s.replace('x', s) }}",
    "{% set s = 'x' * 100000 %}{{ s.translate({120: s}) }}",
    "{% set s = 'x' * 1000000 %}{{ ([s] * 1000)|join }}",
    "{{ range(100000)|map('string')|join(',' * 100) }}",
    "{% set s = '\t' * 100000 %}{{ s.expandtabs(100000) }}",
    "{% set s = 'x' * 1000000 %}{{ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s }}",
    "{% set s = 'x' * 1000000 %}{% set t %}{% for i in range(10000) %}{{ s }}{% endfor %}{% endset %}{{ t|length }}",
    "{% set s = 'x' * 1000000 %}{% filter upper %}{% for i in range(100) %}{{ s }}{% endfor %}{% endfilter %}",
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%999999999s'|format(1) }}",
    "{{ '%*s' % (999999999, 'x') }}",
    "{{ 'x'|center(999999999) }}",
    "{{ [1]|batch(999999999, 'x')|list }}",
    "{{ ('a\n' * 400000)|indent(999999) }}",
    "{{ ('ab' * 50000)|batch(2)|list|sum(start=[]) }}",
    "{% set x = [] %}{{ x.append(1) }}",
    "{{ {}.update(a=1) }}",
    "{{ lipsum(100000) }}",
    "{{ cycler }}",
    "{{ joiner() }}",
    "{{ namespace(a=record) }}",
    "{{ self }}",
    "{{ range }}",
    "{{ record.fields.items }}",
    "{% for x in [1] %}{{ loop }}{% endfor %}",
    "{{ range(3)|map('upper') }}",
    "{{ ''|attr(payload.key) }}",
    "{{ record[payload.key] }}",
    "{{ record|map(attribute=payload.key)|list }}",
    "{{ ('{0.' ~ payload.key ~ '}').format(record) }}",
]

CONTEXT = {"record": {"id": 1, "fields": {"name": "Ada", "title": "Call"}, "owner": None, "tags": ["vip"],
                      "stage": "new"},
           "trigger": {"event": "created", "changes": {}}, "payload": {"key": "__class__"},
           "run": {"id": 7}, "workflow": {"id": 3, "name": "Reminders"},
           "now": datetime.datetime(2024, 5, 1, 9, 0, tzinfo=datetime.timezone.utc)}
PYTHON_INTERNALS = re.compile(r"<class|<function|<built-in|<bound|<module|<jinja|<generator|object at 0x|Namespace"
                              r"|TemplateReference|LoopContext|Traceback|site-packages|\.py\b")
MAX_CHARS = 100_000


def _id(payload: str) -> str:
    return payload if len(payload) < 70 else payload[:67] + "..."


@pytest.mark.parametrize("payload", REFUSED_AT_VALIDATION, ids=_id)
def test_validation_reports_the_payload_as_an_error_of_its_field(payload):
    found = problems(reminder_graph(body=payload), objects=OBJECTS)
    errors = [p for p in found if p["severity"] == "error" and p["node_id"] == "mail" and p["field"] == "config.body"]
    assert errors, found
    assert errors[0]["message"].startswith("Body: the template ")


@pytest.mark.parametrize("html", [False, True], ids=["text", "html"])
@pytest.mark.parametrize("payload", REFUSED_AT_VALIDATION + HARMLESS_AT_RUN_TIME, ids=_id)
def test_rendering_a_stored_payload_is_harmless(payload, html):
    started = time.monotonic()
    try:
        output = render(payload, CONTEXT, html=html, max_chars=MAX_CHARS, timeout_s=0.5)
    except TemplateError as error:
        assert error.message.startswith("The template") and not _internals(error.message, payload), error.message
    else:
        assert len(output) <= MAX_CHARS
        assert "__" not in output and not _internals(output, payload), output[:200]
    assert time.monotonic() - started < 3


def _internals(text: str, payload: str) -> list:
    # A message may quote the payload's own words back ("uses '_TemplateReference__context'").
    return [found for found in PYTHON_INTERNALS.findall(text) if found not in payload]


def test_the_battery_is_large_enough():
    assert len(REFUSED_AT_VALIDATION) >= 30 and len(REFUSED_AT_VALIDATION + HARMLESS_AT_RUN_TIME) >= 60
