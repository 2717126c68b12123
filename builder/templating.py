"""User text templates: one Jinja2 sandbox, checked when a workflow is validated, bounded when rendered.

The immutable sandbox already refuses underscore attributes and mutation at run time. On top of it:

- :func:`template_problem` refuses at validation time what the sandbox would refuse later;
- every ``for`` loop and ``~`` concatenation is rewritten to pass through a guard, and arithmetic,
  calls and filters are intercepted, so a render stops at a deadline and at a size limit even when
  it produces no output (``{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}...``).

Missing values render empty (``ChainableUndefined``), and a newline right after a block tag is
dropped (``trim_blocks``) so ``{% if %}`` lines leave no blank lines in messages.

>>> render("Hi {{ record.owner.name }}!", {"record": {"owner": None}})
'Hi !'
"""
import functools
import re
import time
from contextvars import ContextVar

from jinja2 import ChainableUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from builder.errors import WorkflowError

MAX_VALUE = 1_000_000  # longest string or list a template may build along the way
MAX_INT_BITS = 100_000
_WIDE_FILTERS = ("center", "indent", "slice")  # filters that allocate or loop by a numeric argument
_BIG_NUMBER = re.compile(r"\d{7,}")
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_SPEC = re.compile(r"%[^a-zA-Z%]*")
_LOADERS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)  # there is nothing to load
_deadline: ContextVar[float | None] = ContextVar("template_deadline", default=None)


class TemplateError(WorkflowError):
    """A template that could not be rendered; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox with a clock and size limits on everything that can loop or allocate."""

    intercepted_binops = frozenset(("+", "-", "*", "/", "//", "%", "**"))

    def call_binop(self, context, operator, left, right):
        _check_deadline()
        if operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 0 and abs(left) > 1 and abs(left).bit_length() * right > MAX_INT_BITS:
                raise SecurityError("the number would be too large")
        if operator == "*" and _repeats_too_much(left, right):
            raise SecurityError(f"the value would be longer than {MAX_VALUE} characters")
        if operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        return _bounded(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _check_deadline()
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str):
            if any(isinstance(a, int) and a > MAX_VALUE for a in (*args, *kwargs.values())):
                raise SecurityError("a width or count in this call is too large")
            if getattr(__obj, "__name__", "") in ("format", "format_map"):
                _check_brace_format(owner)
        return _bounded(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj, attribute):
        _check_deadline()
        return super().getattr(obj, attribute)

    def guarded_iter(self, iterable):
        """Yield from `iterable`, stopping at the render deadline."""
        for item in iterable:
            _check_deadline()
            yield item

    def guarded_value(self, value):
        return _bounded(value)


class _Guards(NodeTransformer):
    """Route loop iterables and concatenations through the environment's guards."""

    def __init__(self, environment):
        self.environment = environment

    def _wrap(self, guard, node):
        call = nodes.Call(nodes.EnvironmentAttribute(guard), [node], [], None, None, lineno=node.lineno)
        return call.set_environment(self.environment)

    def visit_For(self, node):
        node = self.generic_visit(node)
        node.iter = self._wrap("guarded_iter", node.iter)
        return node

    def visit_Concat(self, node):
        return self._wrap("guarded_value", self.generic_visit(node))


def _guard_filter(name, func):
    @functools.wraps(func)
    def guarded(*args, **kwargs):
        _check_deadline()
        if name in _WIDE_FILTERS and any(isinstance(a, int) and a > MAX_VALUE for a in (*args, *kwargs.values())):
            raise SecurityError(f"the '{name}' filter was given too large a number")
        if name == "format":
            for arg in args:
                if isinstance(arg, str):
                    _check_percent_format(arg)
                    break
        return _bounded(func(*args, **kwargs))

    return guarded


def _build_environment() -> _Environment:
    env = _Environment(undefined=ChainableUndefined, autoescape=False, trim_blocks=True)
    env.filters = {name: _guard_filter(name, func) for name, func in env.filters.items()}
    env.globals.pop("lipsum", None)
    return env


ENVIRONMENT = _build_environment()
# Same sandbox, filters and globals; only the autoescaping of ``{{ }}`` output differs.
_HTML_ENVIRONMENT = ENVIRONMENT.overlay(autoescape=True)


def is_template(text) -> bool:
    """True when `text` contains Jinja markup (``{{``, ``{%`` or ``{#``)."""
    return isinstance(text, str) and any(mark in text for mark in ("{{", "{%", "{#"))


def template_problem(text) -> str | None:
    """Return why `text` is not an acceptable template, or None when it is.

    >>> template_problem("Hello {{ record.fields.name }}") is None
    True
    >>> template_problem("{{ record.__class__ }}")
    "uses '__class__': names starting with '_' are not available in templates"
    """
    if not isinstance(text, str):
        return "must be text"
    return _problem_of(text)


@functools.lru_cache(maxsize=512)
def _problem_of(text: str) -> str | None:
    try:
        tree = ENVIRONMENT.parse(text)
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, *_LOADERS)):
            if isinstance(node, _LOADERS):
                return "include, import and extends are not available in templates"
            name = _touched_name(node)
            if name is not None and name.startswith("_"):
                return f"uses '{name}': names starting with '_' are not available in templates"
        _compile(text, False)
    except TemplateSyntaxError as exc:
        return f"line {exc.lineno}: {exc.message}"
    except RecursionError:
        return "is nested too deeply"
    except Exception as exc:  # noqa: BLE001 - any compile failure is a finding, never a crash
        return f"cannot be compiled: {exc}"
    return None


def render(text, context: dict, *, html: bool = False, max_chars: int = 100_000, timeout_s: float = 2.0) -> str:
    """Render user text in the sandbox.

    Parameters
    ----------
    text : str or None
        The template; None renders as an empty string.
    context : dict
        Plain data: ``record``, ``trigger``, ``payload``, ``run``, ``workflow``, ``now``.
    html : bool
        Autoescape ``{{ }}`` output (for HTML email bodies).
    max_chars, timeout_s
        Refuse output longer than `max_chars`, or a render running past `timeout_s` seconds.

    Raises
    ------
    TemplateError
        On any failure: syntax, sandbox refusal, runtime error, size or time limit.
    """
    if text is None:
        return ""
    problem = template_problem(text)
    if problem is not None:
        raise TemplateError(f"The template {problem}.")
    token = _deadline.set(time.monotonic() + timeout_s)
    chunks, size = [], 0
    try:
        for chunk in _compile(text, html).generate(context):
            size += len(chunk)
            if size > max_chars:
                raise TemplateError(f"The template output is longer than {max_chars} characters.")
            _check_deadline()
            chunks.append(chunk)
    except TemplateError:
        raise
    except SecurityError as exc:
        raise TemplateError(f"The template is not allowed to do this: {exc}") from exc
    except RecursionError as exc:
        raise TemplateError("The template recurses too deeply.") from exc
    except Exception as exc:  # noqa: BLE001 - user text may fail in any way; report it, never crash
        raise TemplateError(f"The template failed: {exc}") from exc
    finally:
        _deadline.reset(token)
    return "".join(str(chunk) for chunk in chunks)


@functools.lru_cache(maxsize=512)
def _compile(text: str, html: bool):
    env = _HTML_ENVIRONMENT if html else ENVIRONMENT
    return env.from_string(_Guards(env).visit(env.parse(text)))


def _touched_name(node) -> str | None:
    if isinstance(node, nodes.Getattr):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
        return node.arg.value
    if isinstance(node, nodes.Filter) and node.name == "attr" and node.args:
        first = node.args[0]
        if isinstance(first, nodes.Const) and isinstance(first.value, str):
            return first.value
    return None


def _check_deadline() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise TemplateError("The template took too long to render.")


def _bounded(value):
    if isinstance(value, (str, list, tuple, dict)) and len(value) > MAX_VALUE:
        raise SecurityError(f"a value longer than {MAX_VALUE} characters or items")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise SecurityError("the number would be too large")
    return value


def _repeats_too_much(left, right) -> bool:
    for seq, count in ((left, right), (right, left)):
        if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_VALUE:
            return True
    return False


def _check_percent_format(text: str) -> None:
    for spec in _PERCENT_SPEC.findall(text):
        if "*" in spec or _BIG_NUMBER.search(spec):
            raise SecurityError("a width or precision in this format is too large")


def _check_brace_format(text: str) -> None:
    for spec in _FORMAT_FIELD.findall(text):
        if _BIG_NUMBER.search(spec):
            raise SecurityError("a width or precision in this format is too large")
