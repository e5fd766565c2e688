# Vigil's harness inside every GraalPy context: the mlflow shim, per-scorer namespaces and the call adapters.
# Evaluated once per context; the Java side keeps the value this file evaluates to (the `_vigil` namespace).
import sys as _sys
import types as _types
import builtins as _builtins
import traceback as _traceback
# Import the modules scorers use most once per context, so a scorer's first call does not pay for them (a cold
# import of json or statistics takes a second or more).
import json, re, math, collections, string, statistics, difflib, datetime, unicodedata  # noqa: F401

_real_import = _builtins.__import__
_FunctionType = _types.FunctionType
_STDLIB = frozenset(_sys.stdlib_module_names)
_HOST_MODULES = frozenset(("java", "polyglot", "__graalpython__", "_polyglot"))
# Denied to scorer code with a clear message (the sandbox would deny what they do anyway, after a slow import).
_DENIED = {"subprocess": "scorers cannot start processes", "_posixsubprocess": "scorers cannot start processes",
           "multiprocessing": "scorers cannot start processes", "socket": "scorers have no network",
           "_socket": "scorers have no network", "ssl": "scorers have no network",
           "urllib.request": "scorers have no network", "http.client": "scorers have no network",
           "ftplib": "scorers have no network", "smtplib": "scorers have no network",
           "asyncio": "scorers have no network or threads", "ctypes": "scorers have no native access",
           "_ctypes": "scorers have no native access"}
DEFAULT_FEEDBACK_NAME = "feedback"
_ALLOWED_PARAMS = ("inputs", "outputs", "expectations", "trace", "session")
# A session (multi-turn) scorer takes `session`, and may take `expectations` (empty: sessions carry none).
_TRACE_ONLY_PARAMS = ("inputs", "outputs", "trace")


class _ReadOnlyType(type):
    """Metaclass of the shim's classes: scorers cannot monkey-patch them."""

    def __setattr__(cls, key, value):
        raise AttributeError("the mlflow shim is read-only in the Vigil sandbox (tried to set %s.%s)" % (cls.__name__, key))

    def __delattr__(cls, key):
        raise AttributeError("the mlflow shim is read-only in the Vigil sandbox (tried to delete %s.%s)" % (cls.__name__, key))


class _ReadOnlyModule(_types.ModuleType):
    def __setattr__(self, key, value):
        if key in self.__dict__ and self.__dict__.get("_vigil_sealed"):
            raise AttributeError("the mlflow shim is read-only in the Vigil sandbox (tried to set %s.%s)" % (self.__name__, key))
        if self.__dict__.get("_vigil_sealed"):
            raise AttributeError("the mlflow shim is read-only in the Vigil sandbox (tried to set %s.%s)" % (self.__name__, key))
        _types.ModuleType.__setattr__(self, key, value)

    def __delattr__(self, key):
        raise AttributeError("the mlflow shim is read-only in the Vigil sandbox (tried to delete %s.%s)" % (self.__name__, key))


class AssessmentSourceType(metaclass=_ReadOnlyType):
    HUMAN = "HUMAN"
    LLM_JUDGE = "LLM_JUDGE"
    CODE = "CODE"
    SOURCE_TYPE_UNSPECIFIED = "SOURCE_TYPE_UNSPECIFIED"


class AssessmentSource(metaclass=_ReadOnlyType):
    def __init__(self, source_type="CODE", source_id=None):
        self.source_type = str(source_type)
        self.source_id = source_id

    def __repr__(self):
        return "AssessmentSource(source_type=%r, source_id=%r)" % (self.source_type, self.source_id)


class AssessmentError(metaclass=_ReadOnlyType):
    def __init__(self, error_code, error_message=None, stack_trace=None):
        self.error_code = error_code
        self.error_message = error_message
        self.stack_trace = stack_trace

    def __repr__(self):
        return "AssessmentError(error_code=%r, error_message=%r)" % (self.error_code, self.error_message)


class Feedback(metaclass=_ReadOnlyType):
    def __init__(self, name=DEFAULT_FEEDBACK_NAME, value=None, error=None, source=None, trace_id=None,
                 metadata=None, span_id=None, create_time_ms=None, last_update_time_ms=None, rationale=None,
                 overrides=None, valid=True):
        if error is not None and isinstance(error, BaseException):
            error = AssessmentError(type(error).__name__, str(error),
                                    "".join(_traceback.format_exception(type(error), error, error.__traceback__)))
        self.name = name
        self.value = value
        self.error = error
        self.source = source
        self.trace_id = trace_id
        self.metadata = metadata
        self.span_id = span_id
        self.rationale = rationale
        self.valid = valid

    def __repr__(self):
        return "Feedback(name=%r, value=%r, rationale=%r)" % (self.name, self.value, self.rationale)


class Expectation(metaclass=_ReadOnlyType):
    def __init__(self, name, value, source=None, trace_id=None, metadata=None, span_id=None):
        self.name = name
        self.value = value
        self.source = source
        self.metadata = metadata
        self.span_id = span_id


class ScorerSamplingConfig(metaclass=_ReadOnlyType):
    def __init__(self, sample_rate=None, filter_string=None):
        self.sample_rate = sample_rate
        self.filter_string = filter_string


class SpanType(metaclass=_ReadOnlyType):
    """mlflow.entities.SpanType: the span types MLflow names."""
    LLM = "LLM"
    CHAIN = "CHAIN"
    AGENT = "AGENT"
    TOOL = "TOOL"
    CHAT_MODEL = "CHAT_MODEL"
    RETRIEVER = "RETRIEVER"
    PARSER = "PARSER"
    EMBEDDING = "EMBEDDING"
    RERANKER = "RERANKER"
    MEMORY = "MEMORY"
    UNKNOWN = "UNKNOWN"
    WORKFLOW = "WORKFLOW"
    TASK = "TASK"
    GUARDRAIL = "GUARDRAIL"
    EVALUATOR = "EVALUATOR"


class SpanStatusCode(metaclass=_ReadOnlyType):
    OK = "OK"
    ERROR = "ERROR"
    UNSET = "UNSET"


class CategoricalRating(metaclass=_ReadOnlyType):
    """mlflow.genai.judges.CategoricalRating: the values MLflow's judges return."""
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Scorer(metaclass=_ReadOnlyType):
    """mlflow.genai.scorers.Scorer: subclass it and define __call__ with named parameters among inputs, outputs,
    expectations, trace (a trace scorer), or session (a multi-turn scorer, given the session's traces in order).
    register/start/update/stop are accepted and do nothing inside the sandbox: Vigil's
    registry schedules scorers."""
    name = None
    aggregations = None
    description = None

    def __init__(self, name=None, aggregations=None, description=None, **fields):
        if name is not None:
            object.__setattr__(self, "name", name)
        elif type(self).name is None:
            object.__setattr__(self, "name", type(self).__name__)
        if aggregations is not None:
            object.__setattr__(self, "aggregations", aggregations)
        if description is not None:
            object.__setattr__(self, "description", description)
        for k, v in fields.items():
            object.__setattr__(self, k, v)

    def __call__(self, *, inputs=None, outputs=None, expectations=None, trace=None, session=None):
        raise NotImplementedError("%s does not define __call__: a Scorer subclass implements "
                                  "__call__(self, *, inputs, outputs, expectations, trace) or "
                                  "__call__(self, *, session)" % type(self).__name__)

    def register(self, *args, **kwargs):
        return self

    def start(self, *args, **kwargs):
        return self

    def update(self, *args, **kwargs):
        return self

    def stop(self, *args, **kwargs):
        return self


class _Scorer(Scorer):
    """What @scorer returns."""

    def __init__(self, func, name, aggregations, description):
        object.__setattr__(self, "func", func)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "aggregations", aggregations)
        object.__setattr__(self, "description", description)

    def __call__(self, *args, **kwargs):
        return self.func(*args, **kwargs)


class _BuiltinJudge(Scorer):
    """MLflow's built-in LLM judges: constructible (so MLflow code loads unchanged), not callable in the sandbox."""
    _vigil_builtin = True

    def __call__(self, *args, **kwargs):
        raise NotImplementedError(
            "the built-in judge %s cannot run inside a Python scorer in the Vigil sandbox (no network or model "
            "access); register it as a judge scorer instead (vigil scorers register --from-mlflow, or the judges "
            "module)" % type(self).__name__)


def scorer(func=None, *, name=None, aggregations=None, description=None):
    if func is None:
        return lambda f: scorer(f, name=name, aggregations=aggregations, description=description)
    return _Scorer(func, name or getattr(func, "__name__", "scorer"), aggregations, description)


def _builtin(name):
    return _ReadOnlyType(name, (_BuiltinJudge,), {})


_BUILTIN_JUDGES = {n: _builtin(n) for n in (
    "Guidelines", "ExpectationsGuidelines", "Safety", "Correctness", "RelevanceToQuery", "RetrievalGroundedness",
    "RetrievalRelevance", "RetrievalSufficiency", "Completeness", "Fluency", "Equivalence", "Summarization",
    "ToolCallCorrectness", "ToolCallEfficiency", "ConversationCompleteness", "ConversationalSafety",
    "ConversationalToolCallEfficiency", "ConversationalRoleAdherence", "ConversationalGuidelines",
    "KnowledgeRetention", "UserFrustration")}


def _judges_unavailable(*args, **kwargs):
    raise NotImplementedError("LLM judges cannot be called from a Python scorer in the Vigil sandbox "
                              "(no network); register a judge scorer instead")


def _module(name, **attrs):
    m = _ReadOnlyModule(name)
    for k, v in attrs.items():
        _types.ModuleType.__setattr__(m, k, v)
    _types.ModuleType.__setattr__(m, "_vigil_sealed", True)
    return m


_entities_assessment = _module("mlflow.entities.assessment", Feedback=Feedback, Expectation=Expectation,
                               AssessmentSource=AssessmentSource, AssessmentError=AssessmentError,
                               DEFAULT_FEEDBACK_NAME=DEFAULT_FEEDBACK_NAME)
_entities_source = _module("mlflow.entities.assessment_source", AssessmentSource=AssessmentSource,
                           AssessmentSourceType=AssessmentSourceType)
_entities_span = _module("mlflow.entities.span", Span=None, SpanType=SpanType, SpanStatusCode=SpanStatusCode)
_entities_trace = _module("mlflow.entities.trace", Trace=None)
_entities = None  # built after the trace classes below (Trace and Span are the sandbox's read-only views)
_scorers = _module("mlflow.genai.scorers", scorer=scorer, Scorer=Scorer, ScorerSamplingConfig=ScorerSamplingConfig,
                   **_BUILTIN_JUDGES)
_judges = _module("mlflow.genai.judges", custom_prompt_judge=_judges_unavailable, make_judge=_judges_unavailable,
                  is_context_relevant=_judges_unavailable, is_grounded=_judges_unavailable,
                  meets_guidelines=_judges_unavailable, is_correct=_judges_unavailable, is_safe=_judges_unavailable,
                  is_context_sufficient=_judges_unavailable, judge_tool_call_correctness=_judges_unavailable,
                  CategoricalRating=CategoricalRating)
_genai = _module("mlflow.genai", scorers=_scorers, judges=_judges, scorer=scorer)
_mlflow = None
_SHIM = {"mlflow.genai": _genai, "mlflow.genai.scorers": _scorers, "mlflow.genai.judges": _judges,
         "mlflow.entities.assessment": _entities_assessment,
         "mlflow.entities.assessment_source": _entities_source}


class _BuiltinsView(_types.ModuleType):
    """What `import builtins` gives a scorer: the builtins, read-only."""

    def __getattr__(self, key):
        return getattr(_builtins, key)

    def __setattr__(self, key, value):
        raise AttributeError("builtins are read-only in the Vigil sandbox (tried to set builtins.%s)" % key)

    def __delattr__(self, key):
        raise AttributeError("builtins are read-only in the Vigil sandbox (tried to delete builtins.%s)" % key)


_BUILTINS_VIEW = _BuiltinsView("builtins")


def _sandbox_import(name, globals=None, locals=None, fromlist=(), level=0):
    # GraalPy resolves imports through builtins.__import__ only (a per-namespace __builtins__ is ignored), so this
    # hook is installed for the whole context; it applies the scorer rules only to imports made by scorer code.
    if level == 0 and globals is not None and globals.get("__name__") == "vigil_scorer":
        top = name.partition(".")[0]
        if top == "mlflow":
            module = _SHIM.get(name)
            if module is None:
                raise ModuleNotFoundError("module '%s' is not available in the Vigil sandbox; the mlflow shim "
                                          "provides %s" % (name, ", ".join(sorted(_SHIM))), name=name)
            return module if fromlist else _mlflow
        if top == "builtins":
            return _BUILTINS_VIEW
        if top in _HOST_MODULES:
            raise ImportError("module '%s' is not available in the Vigil sandbox: scorers have no host or "
                              "polyglot access" % top, name=name)
        denied = _DENIED.get(name) or _DENIED.get(top)
        if denied is None and fromlist:
            for f in fromlist:
                denied = _DENIED.get(name + "." + f)
                if denied is not None:
                    name = name + "." + f
                    break
        if denied is not None:
            raise ImportError("module '%s' is not available in the Vigil sandbox: %s" % (name, denied), name=name)
        if top not in _STDLIB:
            try:
                return _real_import(name, globals, locals, fromlist, level)
            except ImportError:
                raise ModuleNotFoundError("module '%s' is not available in the Vigil sandbox: only the Python "
                                          "standard library is" % top, name=name) from None
    return _real_import(name, globals, locals, fromlist, level)


_builtins.__import__ = _sandbox_import


# ---------------------------------------------------------------------------------------------- arguments
def _read_only(self, *args, **kwargs):
    raise TypeError("scorer arguments are read-only: copy them first (dict(x), list(x))")


class _FrozenDict(dict):
    """A scorer's inputs/outputs/expectations (and the trace's values) when they are JSON objects: a real dict
    (isinstance, len, iteration, `in`, json.dumps work as usual) that cannot be changed."""
    __slots__ = ()
    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only

    def __copy__(self):
        return dict(self)

    def __reduce__(self):
        return (dict, (dict(self),))


class _FrozenList(list):
    """The same for JSON arrays: a real list that cannot be changed."""
    __slots__ = ()
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = _read_only
    __iadd__ = __imul__ = _read_only

    def __copy__(self):
        return list(self)

    def __reduce__(self):
        return (list, (list(self),))


# Python's own messages name the types a scorer expects ("'list' object has no attribute 'get'").
_FrozenDict.__name__ = _FrozenDict.__qualname__ = "dict"
_FrozenList.__name__ = _FrozenList.__qualname__ = "list"
_FrozenDict.__module__ = _FrozenList.__module__ = "builtins"
_SCALARS = (str, int, float, bool)
_NoneType = type(None)


_MAX_DEPTH = 200  # PackedArgument.MAX_DEPTH: how deep containers may nest below the top-level one
_TOO_DEEP = ("scorer argument nested deeper than %d levels: inputs, outputs, expectations and trace values may "
             "nest objects and arrays at most %d levels below the top-level one" % (_MAX_DEPTH, _MAX_DEPTH))
_dict_new = dict.__new__
_dict_update = dict.update
_END = object()


def _frozen_dict(pairs):
    """A _FrozenDict of an iterable of (key, value) pairs, filled through dict's own update (the type's is
    read-only)."""
    d = _dict_new(_FrozenDict)
    _dict_update(d, pairs)
    return d


def _host_children(v):
    """(is_dict, iterator of (key, value)) of a host map, or (False, iterator of (None, value)) of a host list."""
    if hasattr(v, "keys"):
        return True, ((k, v[k]) for k in v.keys())
    return False, ((None, x) for x in v)


def _freeze(v):
    """Copies a JSON value handed over from Java as host maps and lists (GuestArguments proxies: trace values, and
    arguments PackedArgument could not pack) into read-only Python dicts and lists. Iterative (an explicit stack),
    so the depth limit is what applies, never Python's recursion limit."""
    # A Java null inside a host map or list is GraalPy's ForeignNone: a NoneType subclass that passes `is None` but
    # that json and friends reject, so the copy holds Python's own None, never v itself.
    if v is None or isinstance(v, _NoneType):
        return None
    if type(v) in _SCALARS or not (hasattr(v, "keys") or hasattr(v, "__len__")):
        return v
    is_dict, it = _host_children(v)
    # One frame per open container: [is_dict, its children's iterator, its copied items, its key in its parent].
    stack = [[is_dict, it, [], None]]
    while True:
        frame = stack[-1]
        child = next(frame[1], _END)
        if child is _END:
            stack.pop()
            items = frame[2]
            frozen = _frozen_dict(items) if frame[0] else _FrozenList(items)
            if not stack:
                return frozen
            parent = stack[-1]
            parent[2].append((frame[3], frozen) if parent[0] else frozen)
            continue
        key, c = child
        if c is None or isinstance(c, _NoneType):
            c = None
        elif type(c) not in _SCALARS and (hasattr(c, "keys") or hasattr(c, "__len__")):
            if len(stack) > _MAX_DEPTH:
                raise ValueError(_TOO_DEEP)
            is_dict, it = _host_children(c)
            stack.append([is_dict, it, [], key])
            continue
        frame[2].append((key, c) if frame[0] else c)


_SCALAR_OF = {"i": int, "f": float}


def _unpack(p):
    """Copies a scorer argument that PackedArgument packed into one string (MARK sep shape sep tokens...; see that
    class) into read-only Python dicts and lists: one split, no host reads, iterative for nested values."""
    parts = p[2:].split(p[1])
    shape = parts[0]
    if shape == "D":
        it = iter(parts)
        next(it)
        return _frozen_dict(zip(it, it))
    if shape == "L":
        del parts[0]
        return _FrozenList(parts)
    if shape == "X":
        raise ValueError(_TOO_DEEP)
    kinds = parts[1]
    t = 2
    # One frame per open container: [is_dict, its items ([k, v, k, v, ...] for a dict), its key in its parent].
    stack = []
    frame = None
    key = None
    for c in kinds:
        if c == ")":
            items = frame[1]
            if frame[0]:
                it = iter(items)
                v = _frozen_dict(zip(it, it))
            else:
                v = _FrozenList(items)
            key = frame[2]
            stack.pop()
            if not stack:
                return v
            frame = stack[-1]
            if frame[0]:
                frame[1].append(key)
            frame[1].append(v)
            continue
        if frame is not None and frame[0]:
            key = parts[t]
            t += 1
        if c == "d" or c == "l":
            if len(stack) > _MAX_DEPTH:
                raise ValueError(_TOO_DEEP)
            frame = [c == "d", [], key]
            stack.append(frame)
            continue
        if c == "s":
            v = parts[t]
            t += 1
        elif c == "i" or c == "f":
            v = _SCALAR_OF[c](parts[t])
            t += 1
        else:
            v = True if c == "T" else False if c == "F" else None
        if frame is None:
            return v
        if frame[0]:
            frame[1].append(key)
        frame[1].append(v)
    raise ValueError("malformed packed scorer argument")


def _thaw(p):
    """A scorer argument as Java hands it over (PackedArgument.of): a packed string, a scalar, None, or host proxies
    (what could not be packed), copied into read-only Python values."""
    if type(p) is str:
        return _unpack(p) if p and p[0] == "\0" else p
    return _freeze(p)


# ---------------------------------------------------------------------------------------------- the trace
class _ReadOnly:
    __slots__ = ()

    def __setattr__(self, key, value):
        raise AttributeError("the trace is read-only in a scorer")


class _Attrs(_ReadOnly):
    """A read-only attribute view over a Java map (keys become attributes)."""
    __slots__ = ("_m",)

    def __init__(self, m):
        object.__setattr__(self, "_m", m)

    def __getattr__(self, key):
        m = object.__getattribute__(self, "_m")
        if key in m:
            return _freeze(m[key])
        raise AttributeError(key)

    def to_dict(self):
        return dict(object.__getattribute__(self, "_m"))

    def __repr__(self):
        return repr(object.__getattribute__(self, "_m"))


class _Span(_Attrs):
    __slots__ = ()

    def get_attribute(self, key):
        attrs = object.__getattribute__(self, "_m")["attributes"]
        return _freeze(attrs.get(key)) if attrs is not None else None


class _TraceData(_ReadOnly):
    __slots__ = ("spans",)

    def __init__(self, spans):
        object.__setattr__(self, "spans", spans)

    @property
    def request(self):
        root = next((s for s in self.spans if s.parent_id is None), None)
        return None if root is None else root.inputs

    @property
    def response(self):
        root = next((s for s in self.spans if s.parent_id is None), None)
        return None if root is None else root.outputs


class _Trace(_ReadOnly):
    __slots__ = ("info", "data")

    def __init__(self, t):
        object.__setattr__(self, "info", _Attrs(t["info"]))
        object.__setattr__(self, "data", _TraceData(tuple(_Span(s) for s in t["spans"])))

    def search_spans(self, span_type=None, name=None, span_id=None):
        if span_type is not None and not isinstance(span_type, str):
            span_type = getattr(span_type, "value", str(span_type))
        out = []
        for s in self.data.spans:
            if span_type is not None and s.span_type != span_type:
                continue
            if name is not None:
                if hasattr(name, "search"):
                    if not name.search(s.name):
                        continue
                elif s.name != name:
                    continue
            if span_id is not None and s.span_id != span_id:
                continue
            out.append(s)
        return out

    def __repr__(self):
        return "Trace(trace_id=%r)" % (self.info.trace_id,)


# mlflow.entities with Trace and Span: the classes of the views a scorer receives (for isinstance and type hints).
_types.ModuleType.__setattr__(_entities_span, "Span", _Span)
_types.ModuleType.__setattr__(_entities_trace, "Trace", _Trace)
_entities = _module("mlflow.entities", Feedback=Feedback, Expectation=Expectation, AssessmentSource=AssessmentSource,
                    AssessmentError=AssessmentError, AssessmentSourceType=AssessmentSourceType, Trace=_Trace,
                    Span=_Span, SpanType=SpanType, SpanStatusCode=SpanStatusCode,
                    assessment=_entities_assessment, assessment_source=_entities_source, span=_entities_span,
                    trace=_entities_trace)
_mlflow = _module("mlflow", genai=_genai, entities=_entities)
_SHIM.update({"mlflow": _mlflow, "mlflow.entities": _entities, "mlflow.entities.span": _entities_span,
              "mlflow.entities.trace": _entities_trace})


# ---------------------------------------------------------------------------------------------- output
class OutputLimitExceeded(BaseException):
    """Raised by print (any write to sys.stdout/sys.stderr) past the sandbox's output limit for one call. A
    BaseException, like KeyboardInterrupt: `except Exception` in a scorer does not swallow it."""


_output = {"limit": 64 << 10, "written": 0, "over": False}


class _LimitedStream:
    """A scorer's sys.stdout / sys.stderr: passes text to the captured stream and counts its UTF-8 bytes; the write
    that crosses the limit is passed whole (so the host sees the limit crossed), flushed, and raises, as does every
    later write of the call."""

    def __init__(self, target):
        object.__setattr__(self, "_target", target)

    def write(self, text):
        state = _output
        if state["over"]:
            raise OutputLimitExceeded("output limit of %d bytes exceeded" % state["limit"])
        n = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        state["written"] += n
        self._target.write(text)
        if state["written"] > state["limit"]:
            state["over"] = True
            self._target.flush()
            raise OutputLimitExceeded("output limit of %d bytes exceeded" % state["limit"])
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        self._target.flush()

    def isatty(self):
        return False

    def writable(self):
        return True

    def __getattr__(self, key):
        return getattr(self._target, key)

    def __setattr__(self, key, value):
        raise AttributeError("sys.stdout is read-only in the Vigil sandbox")


def limit_output(limit):
    """Called once per context by the host: the output limit of one call, in bytes."""
    _output["limit"] = int(limit)
    _sys.stdout = _LimitedStream(_sys.stdout)
    _sys.stderr = _LimitedStream(_sys.stderr)


def _output_reset():
    _output["written"] = 0
    _output["over"] = False


# ---------------------------------------------------------------------------------------------- loading
def _error_code(e):
    return type(e).__name__


def analyze(name, source, entry):
    """Compiles and runs a scorer's source in a fresh namespace; returns a tuple describing it, or raises."""
    code = compile(source, "<scorer %s>" % name, "exec")
    ns = _namespace()
    exec(code, ns)
    found = _find_entry(ns, entry)
    target = _instance(found)
    func = _function(target)
    if not isinstance(func, _FunctionType):
        raise TypeError("the entry point '%s' is a %s, not a function" % (entry, type(func).__name__))
    params = _params(func, skip_self=_is_class_based(target))
    aggregations = None
    decorated_name = None
    if isinstance(target, Scorer):
        decorated_name = target.name
        if target.aggregations is not None:
            aggregations = []
            for a in target.aggregations:
                if not isinstance(a, str):
                    raise TypeError("aggregation %r is a %s: the Vigil sandbox accepts the built-in names "
                                    "(mean, min, max, median, variance, p90)" % (a, type(a).__name__))
                aggregations.append(a)
    return (_entry_name(ns, found), decorated_name, aggregations, params)


def analyze_safe(name, source, entry):
    """analyze() with its failures as data: ("OK", entry, decorated name, aggregations, params),
    ("S", message, line, column, text) for a syntax error, ("E", type, message, traceback) otherwise."""
    _output_reset()
    try:
        entry_name, decorated, aggregations, params = analyze(name, source, entry)
        if _output["over"]:
            raise OutputLimitExceeded("output limit of %d bytes exceeded" % _output["limit"])
        return ("OK", entry_name, decorated, aggregations, list(params))
    except OutputLimitExceeded:
        return ("E", "OutputLimitExceeded", "its module-level code printed more than the output limit (%d bytes)"
                % _output["limit"], "")
    except SyntaxError as e:
        line, offset, text = e.lineno or 0, e.offset or 0, (e.text or "").rstrip("\n")
        if isinstance(e, IndentationError):
            if "unexpected indent" in str(e.msg):
                # GraalPy reports an unexpected indent at line 1 whatever its line; find it with the tokenizer.
                line = _unexpected_indent_line(source) or line
            lines = source.splitlines()
            if 0 < line <= len(lines):
                # An indentation error is where the line's code starts (GraalPy gives no column, or column 1, for
                # some of them).
                text = lines[line - 1]
                offset = len(text) - len(text.lstrip()) + 1
        return ("S", str(e.msg), line, offset, text)
    except SystemExit as e:
        return ("E", "SystemExit", "sys.exit(%s) is not allowed in a scorer" % (e.code,), _tb(e))
    except BaseException as e:
        return ("E", type(e).__name__, str(e), _tb(e))


def _is_class_based(target):
    return isinstance(target, Scorer) and not isinstance(target, _Scorer)


def _instance(found):
    """A Scorer subclass named as the entry point (or the only one defined) is instantiated without arguments."""
    if isinstance(found, type) and issubclass(found, Scorer):
        try:
            return found()
        except TypeError as e:
            raise TypeError("the Scorer subclass %s cannot be created without arguments (%s): create an instance "
                            "in the source, e.g. my_scorer = %s(...)" % (found.__name__, e, found.__name__)) from None
    return found


def _function(target):
    if isinstance(target, _BuiltinJudge):
        raise TypeError("the entry point is MLflow's built-in judge %s, which runs as a judge scorer, not in the "
                        "Python sandbox: register it with vigil scorers register --from-mlflow"
                        % type(target).__name__)
    if isinstance(target, _Scorer):
        return target.func
    if isinstance(target, Scorer):
        call = type(target).__call__
        if call is Scorer.__call__:
            raise TypeError("the Scorer subclass %s does not define __call__(self, *, inputs, outputs, "
                            "expectations, trace) or __call__(self, *, session)" % type(target).__name__)
        return call
    return target


def _unexpected_indent_line(source):
    """The line of the first indent that follows no ':' (what Python calls an unexpected indent), or 0."""
    try:
        tokenize = _real_import("tokenize")
        io = _real_import("io")
        last = None
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.INDENT:
                if last is None or last.string != ":":
                    return tok.start[0]
            elif tok.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT, tokenize.DEDENT):
                last = tok
    except BaseException:
        pass
    return 0


def _namespace():
    # `scorer` is predefined, as in a notebook that imported it earlier: MLflow's own snippets use @scorer without
    # importing it in the same cell.
    return {"__name__": "vigil_scorer", "__builtins__": _builtins, "scorer": scorer}


def _entry_name(ns, target):
    for k, v in ns.items():
        if v is target:
            return k
    return getattr(target, "__name__", "?")


def _find_entry(ns, entry):
    if entry:
        if entry not in ns:
            raise NameError("the source defines no '%s' (the entry point)" % entry)
        return ns[entry]
    # One @scorer function bound to several names (`x = f.register(...)`, `x = x.start(...)` return f) is one
    # scorer: keep its first name, the one it was defined under.
    decorated, seen = [], set()
    for k, v in ns.items():
        if isinstance(v, Scorer) and not isinstance(v, _BuiltinJudge):
            key = id(v.func) if isinstance(v, _Scorer) else id(v)
            if key not in seen:
                seen.add(key)
                decorated.append(k)
    if len(decorated) == 1:
        return ns[decorated[0]]
    if len(decorated) > 1:
        raise ValueError("the source defines several @scorer functions (%s): name the entry point"
                         % ", ".join(decorated))
    classes = [k for k, v in ns.items() if isinstance(v, type) and issubclass(v, Scorer)
               and getattr(v, "__module__", None) == "vigil_scorer"]
    if len(classes) == 1:
        return ns[classes[0]]
    if len(classes) > 1:
        raise ValueError("the source defines several Scorer subclasses (%s): name the entry point"
                         % ", ".join(classes))
    functions = [k for k, v in ns.items() if isinstance(v, _FunctionType) and v.__module__ == "vigil_scorer"]
    if len(functions) == 1:
        return ns[functions[0]]
    if not functions:
        raise ValueError("the source defines no function: write a function decorated with @scorer")
    raise ValueError("the source defines several functions (%s) and none is decorated with @scorer: "
                     "decorate the scorer or name the entry point" % ", ".join(functions))


def _params(func, skip_self=False):
    code = func.__code__
    # a class-based scorer's __call__ may take **kwargs (MLflow passes only what it declares, so does Vigil)
    if code.co_flags & (0x04 if skip_self else 0x0C):
        raise TypeError("a scorer takes named parameters among inputs, outputs, expectations, trace (or session "
                        "for a multi-turn scorer); *args/**kwargs are not supported")
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    ndefaults = len(func.__defaults__ or ())
    required = code.co_varnames[:code.co_argcount - ndefaults]
    if skip_self:
        names = names[1:]
        required = required[1:]
    kwdefaults = func.__kwdefaults__ or {}
    for n in names:
        kwonly = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
        if n not in _ALLOWED_PARAMS and (n in required or (n in kwonly and n not in kwdefaults)):
            raise TypeError("scorer parameter '%s' is not one MLflow passes: use inputs, outputs, expectations, "
                            "trace, or session for a multi-turn scorer" % n)
    params = tuple(n for n in names if n in _ALLOWED_PARAMS)
    if "session" in params:
        mixed = [n for n in params if n in _TRACE_ONLY_PARAMS]
        if mixed:
            raise TypeError("a session scorer takes 'session' (the conversation's traces, in order) and optionally "
                            "'expectations'; it cannot also take %s, which belong to a single trace: write a "
                            "separate trace scorer for those" % ", ".join("'%s'" % n for n in mixed))
    return params


def load(name, source, entry):
    """Loads a scorer into this context; returns the function Java calls with (inputs, outputs, expectations, trace),
    or with (session,) (a list of traces in turn order) for a session scorer."""
    code = compile(source, "<scorer %s>" % name, "exec")
    ns = _namespace()
    exec(code, ns)
    target = _instance(_find_entry(ns, entry))
    func = _function(target)
    if _is_class_based(target):
        params = _params(func, skip_self=True)
        call = _class_call(target, params)
        return _guard_session(call) if "session" in params else _takes(_guard(call), params)
    params = _params(func)
    if "session" in params:
        return _guard_session(_session_call(func, ns, params))
    fcode = func.__code__
    fname = func.__name__
    defaults = func.__defaults__
    kwdefaults = func.__kwdefaults__
    closure = func.__closure__
    base = dict(ns)
    # Only the arguments the scorer takes are copied into Python values (a trace is wrapped, never copied).
    args = ", ".join("%s=%s" % (p, "_t" if p == "trace" else "_thaw(_" + p[0] + ")") for p in params)
    wants_trace = "trace" in params
    # A fresh copy of the module namespace per call: a scorer's global rebinds never leak into the next call.
    src = ("def _call(_i, _o, _e, _t):\n"
           "    f = _FT(_code, dict(_base), _fname, _defaults, _closure)\n"
           "    if _kwd: f.__kwdefaults__ = _kwd\n"
           "    %s\n"
           "    return _convert(f(%s))\n") % ("_t = None if _t is None else _Trace(_t)" if wants_trace else "pass", args)
    env = {"_FT": _FunctionType, "_code": fcode, "_base": base, "_fname": fname, "_defaults": defaults,
           "_closure": closure, "_kwd": kwdefaults, "_convert": _convert, "_Trace": _Trace, "_thaw": _thaw}
    exec(src, env)
    return _takes(_guard(env["_call"]), params)


def _takes(guarded, params):
    """Marks a trace scorer's call with the arguments it takes, "i", "o", "e" (Java packs only those)."""
    guarded.vigil_takes = "".join(p[0] for p in ("inputs", "outputs", "expectations") if p in params)
    return guarded


def _session_args(s, params):
    """The arguments of a session scorer: the session's traces in turn order (a list of Trace views), and an empty
    expectations dict if it asks for one."""
    args = {"session": [_Trace(t) for t in s]}
    if "expectations" in params:
        args["expectations"] = _FrozenDict()
    return args


def _session_call(func, ns, params):
    """A session (multi-turn) @scorer function: called with session=[Trace, ...] on a fresh copy of its globals."""
    base = dict(ns)

    def _call(s):
        f = _FunctionType(func.__code__, dict(base), func.__name__, func.__defaults__, func.__closure__)
        if func.__kwdefaults__:
            f.__kwdefaults__ = func.__kwdefaults__
        return _convert(f(**_session_args(s, params)))
    return _call


def _class_call(instance, params):
    """A class-based scorer is called on the instance the source built (its attributes are its configuration)."""
    if "session" in params:
        return lambda s: _convert(instance(**_session_args(s, params)))
    wants_trace = "trace" in params

    def _call(i, o, e, t):
        values = {"inputs": i, "outputs": o, "expectations": e,
                  "trace": None if not wants_trace or t is None else _Trace(t)}
        return _convert(instance(**{p: values[p] if p == "trace" else _thaw(values[p]) for p in params}))
    return _call


def _flush():
    try:
        _sys.stdout.flush()
        _sys.stderr.flush()
    except BaseException:
        pass


def _guard(call):
    """A trace scorer's call as Java makes it: (inputs, outputs, expectations, trace), fixed arity (no *args: the
    call is the hot path, and a packed argument tuple per call costs GraalPy more than the trivial scorer does)."""
    def guarded(i, o, e, t):
        _output_reset()
        try:
            return _checked(call(i, o, e, t))
        except BaseException as ex:
            return _failure(ex)
        finally:
            # What this call printed is captured with this call, never with the next one.
            _flush()
    return guarded


def _guard_session(call):
    """A session scorer's call as Java makes it: (session,)."""
    def guarded(s):
        _output_reset()
        try:
            return _checked(call(s))
        except BaseException as ex:
            return _failure(ex)
        finally:
            _flush()
    return guarded


def _checked(r):
    # A scorer that caught OutputLimitExceeded and returned still went past the limit.
    return ("O",) if _output["over"] else r


def _failure(ex):
    if isinstance(ex, OutputLimitExceeded):
        return ("O",)
    if isinstance(ex, SystemExit):
        return ("X", "SystemExit", "sys.exit(%s) is not allowed in a scorer" % (ex.code,), _tb(ex))
    if isinstance(ex, RecursionError):
        return ("X", "RecursionError", str(ex), "")
    return ("X", type(ex).__name__, str(ex), _tb(ex))


def _tb(ex):
    try:
        lines = _traceback.format_exception(type(ex), ex, ex.__traceback__)
        text = "".join(lines)
        return text if len(text) <= 8192 else text[:4096] + "\n...\n" + text[-4096:]
    except BaseException:
        return ""


# ---------------------------------------------------------------------------------------------- results
_PRIMITIVES = (bool, int, float, str)


def _convert(r):
    t = type(r)
    if r is None or t is bool or t is int or t is str:
        return r
    if t is float:
        return ("D", r)
    if isinstance(r, Feedback):
        return ("F", _feedback(r))
    if isinstance(r, (list, tuple)) and all(isinstance(x, Feedback) for x in r):
        return ("L", [_feedback(x) for x in r])
    return ("T", t.__module__ + "." + t.__qualname__ if t.__module__ != "builtins" else t.__qualname__)


def _jsonable(v, depth=0):
    if depth > 32:
        raise ValueError("feedback value nested deeper than 32 levels")
    if v is None or isinstance(v, _PRIMITIVES):
        return v
    if isinstance(v, dict):
        return {str(k): _jsonable(x, depth + 1) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x, depth + 1) for x in v]
    raise TypeError("a feedback value of type %s cannot be recorded: use bool, int, float, str, or lists and "
                    "dicts of those" % type(v).__name__)


def _feedback(f):
    err = f.error
    if err is not None:
        err = (str(err.error_code), None if err.error_message is None else str(err.error_message),
               None if err.stack_trace is None else str(err.stack_trace))
    src = f.source
    if src is not None:
        src = (str(src.source_type), None if src.source_id is None else str(src.source_id))
    md = f.metadata
    if md is not None:
        md = {str(k): str(v) for k, v in md.items()}
    return (None if f.name is None else str(f.name), _jsonable(f.value), None if f.rationale is None else str(f.rationale),
            md, err, None if f.span_id is None else str(f.span_id), src)
