"""User text templates: one Jinja2 sandbox, checked when a workflow is validated, bounded when rendered.

The immutable sandbox already refuses underscore attributes and mutation at run time. On top of it:

- :func:`template_problem` refuses at validation time what the sandbox would refuse later;
- every ``for`` loop and ``~`` concatenation is rewritten to pass through a guard, and arithmetic,
  calls and filters are intercepted, so a render stops at a deadline and at a size limit even when
  it produces no output (``{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}...``);
  operations that could build a huge value are estimated before they run (:mod:`builder.template_limits`);
- only data flows: a value that is not data (a function, class, module, macro, loop, ``self``, a namespace)
  becomes an empty string wherever it would turn into text, in ``{{ }}`` and in every filter, operator and
  call (``{{ range|string }}``, ``{{ '%s'|format(self) }}`` render empty), so nothing internal (``<function
  … at 0x…>``) leaks into a message; a lazy sequence (a generator, ``map``) is read into a list first
  (:mod:`builder.template_data`).

Missing values render empty (``ChainableUndefined``), and a newline right after a block tag is
dropped (``trim_blocks``) so ``{% if %}`` lines leave no blank lines in messages.

>>> render("Hi {{ record.owner.name }}!", {"record": {"owner": None}})
'Hi !'
"""
import contextlib
import functools
import re
import time
from contextvars import ContextVar

from jinja2 import ChainableUndefined, TemplateSyntaxError, nodes
from jinja2.runtime import markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from builder import template_limits as limits
from builder.errors import WorkflowError
from builder.template_data import data, printable

MAX_VALUE = limits.MAX_VALUE
# Filters whose (first) argument names an attribute to read from each item.
_ATTRIBUTE_FILTERS = ("attr", "selectattr", "rejectattr", "groupby")
# A str.format field that reads an attribute or item: "{0.__class__}", "{x[_y]}".
_FORMAT_REACH = re.compile(r"\{[^{}!:]*?[.\[](_\w*)")
_LOADERS = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)  # there is nothing to load
# Characters no text column (PostgreSQL refuses NUL, SQLite's UTF-8 refuses lone surrogates) or transport takes.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Render limits count the thread's CPU time (time.thread_time), so a render that waits for the GIL while other
# threads work is not cut short for it. The deadline is (CPU deadline, monotonic time before which it cannot have
# passed): CPU time grows no faster than wall time, and the monotonic clock is much cheaper to read.
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("template_deadline", default=None)
# A CPU deadline shared by every render inside `deadline()` (one step of an advance), on top of each render's own.
_shared_deadline: ContextVar[float] = ContextVar("template_shared_deadline", default=float("inf"))


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
        left, right = data(left), data(right)
        if operator == "**":
            limits.check_power(left, right)
        if operator == "*":
            limits.check_repeat(left, right)
        if operator == "%" and isinstance(left, str):
            limits.check_percent_format(left, right)
        return limits.bounded(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        _check_deadline()
        args, kwargs = tuple(map(data, args)), {name: data(value) for name, value in kwargs.items()}
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, (str, bytes)):
            args = limits.check_str_method(owner, getattr(__obj, "__name__", ""), args, kwargs)
        return limits.bounded(super().call(__context, __obj, *args, **kwargs))

    def getattr(self, obj, attribute):
        _check_deadline()
        return super().getattr(obj, attribute)

    def guarded_iter(self, iterable):
        """Yield from `iterable`, stopping at the render deadline."""
        for item in iterable:
            _check_deadline()
            yield item

    def guarded_value(self, value):
        return limits.bounded(value)

    def guarded_concat(self, parts):
        """``a ~ b ~ c``, measured before it is joined."""
        parts = [data(part) for part in parts]
        if sum(limits.weight(part) for part in parts) > MAX_VALUE:
            raise SecurityError(f"the text would be longer than {MAX_VALUE} characters")
        return markup_join(parts) if self.autoescape else str_join(parts)

    def concat(self, parts):
        """Joins the output buffered by macros, ``{% set %}`` and ``{% filter %}`` blocks (Jinja's hook)."""
        parts = list(parts)
        if sum(map(len, parts)) > MAX_VALUE:
            raise SecurityError(f"a block's output would be longer than {MAX_VALUE} characters")
        return "".join(parts)


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
        node = self.generic_visit(node)
        return self._wrap("guarded_concat", nodes.Tuple(node.nodes, "load", lineno=node.lineno))

    def visit_List(self, node):
        return self._wrap("guarded_value", self.generic_visit(node))

    visit_Dict = visit_List

    def visit_Tuple(self, node):
        # A tuple is also an assignment target (`{% for a, b in ... %}`); only built values are measured.
        node = self.generic_visit(node)
        return self._wrap("guarded_value", node) if node.ctx == "load" else node


def _guard_filter(name, func):
    estimate = limits.filter_estimator(name, func)
    # A filter marked pass_context (or eval_context, environment) gets that object first: it is no data.
    skip = 1 if getattr(func, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(func)
    def guarded(*args, **kwargs):
        _check_deadline()
        args = args[:skip] + tuple(map(data, args[skip:]))
        kwargs = {key: data(value) for key, value in kwargs.items()}
        values = (*args, *kwargs.values())
        if name in limits.WIDE_FILTERS and any(isinstance(a, int) and a > MAX_VALUE for a in values):
            raise SecurityError(f"the '{name}' filter was given too large a number")
        for value in values:
            limits.bounded(value)
        if estimate is not None:
            args, kwargs = estimate(args, kwargs)
        return limits.bounded(func(*args, **kwargs))

    return guarded


def _build_environment() -> _Environment:
    env = _Environment(undefined=ChainableUndefined, autoescape=False, trim_blocks=True, finalize=printable)
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
        for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Const, *_LOADERS)):
            if isinstance(node, _LOADERS):
                return "include, import and extends are not available in templates"
            for name in _touched_names(node):
                if name.startswith("_"):
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
        Refuse output longer than `max_chars`, or a render using more than `timeout_s` seconds of CPU.

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
    cpu_now = time.thread_time()
    cpu_deadline = min(cpu_now + timeout_s, _shared_deadline.get())
    token = _deadline.set((cpu_deadline, time.monotonic() + cpu_deadline - cpu_now))
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
    except MemoryError as exc:
        raise TemplateError("The template needs too much memory.") from exc
    except Exception as exc:  # noqa: BLE001 - user text may fail in any way; report it, never crash
        raise TemplateError(f"The template failed: {exc}") from exc
    finally:
        _deadline.reset(token)
    return storable("".join(str(chunk) for chunk in chunks))


@contextlib.contextmanager
def deadline(at: float):
    """Renders inside the block also stop at `at` (a time.thread_time() value), whatever their own limit."""
    token = _shared_deadline.set(min(at, _shared_deadline.get()))
    try:
        yield
    finally:
        _shared_deadline.reset(token)


def storable(text: str) -> str:
    """`text` itself when every database column and transport can take it; else TemplateError.

    Caught here, the step fails with this message instead of the whole transaction failing when the text
    is saved (PostgreSQL refuses NUL, SQLite's UTF-8 refuses lone surrogates).
    """
    if _UNSTORABLE.search(text):
        raise TemplateError("The template output contains a NUL character or half of a surrogate pair, "
                            "which cannot be stored or sent.")
    return text


@functools.lru_cache(maxsize=512)
def _compile(text: str, html: bool):
    env = _HTML_ENVIRONMENT if html else ENVIRONMENT
    return env.from_string(_Guards(env).visit(env.parse(text)))


def _touched_names(node) -> list:
    """The attribute and item names `node` reads, as far as the source text tells."""
    if isinstance(node, nodes.Getattr):
        return [node.attr]
    if isinstance(node, nodes.Getitem):
        return _const_names(node.arg)
    if isinstance(node, nodes.Const):
        return _FORMAT_REACH.findall(node.value) if isinstance(node.value, str) else []
    if isinstance(node, nodes.Filter):
        named = [kw.value for kw in node.kwargs if kw.key == "attribute"]
        if node.name in _ATTRIBUTE_FILTERS and node.args:
            named.append(node.args[0])
        return [name for arg in named for name in _const_names(arg)]
    return []


def _const_names(node) -> list:
    # Filters read dotted attribute paths ("owner.__class__") one part at a time.
    if isinstance(node, nodes.Const) and isinstance(node.value, str):
        return node.value.split(".")
    return []


def _check_deadline() -> None:
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[1] and time.thread_time() > deadline[0]:
        raise TemplateError("The template took too long to render.")
