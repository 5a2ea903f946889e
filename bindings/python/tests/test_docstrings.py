"""Every public name of ``nylas_workspaces`` is documented where Python users look.

``help()`` and IPython read ``__doc__`` and ``inspect.signature``; editors read the
``_native.pyi`` stubs. These tests walk the public API at runtime (everything reachable from
``nylas_workspaces.__all__`` and ``nylas_workspaces.testing.__all__``: classes, their public
methods and properties, constructors and exception ``__init__`` parameters) and fail, listing
every offender at once, on a callable without a docstring, on a parameter that the
docstring's Google-style ``Args:`` section does not name (or a name there that is no
parameter), and on a stub whose docstring is missing or differs from the runtime one. The
walk is generic, so a method added later is checked without touching this file.
"""

from __future__ import annotations

import ast
import inspect
import re
import typing
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

import nylas_workspaces
import nylas_workspaces.testing

MODULES = (nylas_workspaces, nylas_workspaces.testing)
STUB = Path(__file__).resolve().parents[1] / "python" / "nylas_workspaces" / "_native.pyi"
# `self`/`cls` and the catch-alls (`*args`, `**kwargs`) need no entry of their own.
SKIPPED_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] == "nylas_workspaces"


def public_classes() -> dict[str, type]:
    """The public classes by dotted name (the module whose ``__all__`` lists them)."""
    found: dict[str, type] = {}
    for module in MODULES:
        for name in module.__all__:
            obj = getattr(module, name)
            # NOT_GIVEN (an instance, documented by its class NotGiven), NotGivenOr (a typing
            # alias, which cannot carry a docstring) and __version__ are not classes.
            if inspect.isclass(obj):
                found[f"{module.__name__}.{name}"] = obj
    return found


def members(cls: type) -> Iterator[tuple[str, type, Any]]:
    """The public attributes a user reaches on ``cls``: (name, defining class, raw object),
    the package's own only (not ``Exception.with_traceback`` or ``dict.keys``)."""
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        owner = next((k for k in cls.__mro__ if name in vars(k)), None)
        if owner is None or not _ours(owner):
            continue
        yield name, owner, vars(owner)[name]


def is_property(raw: Any) -> bool:
    return isinstance(raw, property) or inspect.isgetsetdescriptor(raw) or (
        inspect.ismemberdescriptor(raw)
    )


def _literal_free_signature(text: str) -> inspect.Signature:
    """A signature from a ``__text_signature__`` whose defaults CPython cannot evaluate.

    ``inspect`` only represents literal defaults of a native method (str, numbers, None...),
    so ``name=NOT_GIVEN`` makes it refuse the whole signature; the names and kinds are still
    plain Python syntax, read here with ``ast``. Only ``NOT_GIVEN`` is accepted as such a
    default: any other unreadable signature still fails the test that calls this.
    """
    text = text.replace("$", "")
    tree = ast.parse(f"def f{text}: pass")
    fn = tree.body[0]
    assert isinstance(fn, ast.FunctionDef)
    a = fn.args
    for default in [*a.defaults, *a.kw_defaults]:
        if default is not None and not (
            isinstance(default, ast.Constant)
            or (isinstance(default, ast.Name) and default.id == "NOT_GIVEN")
        ):
            raise ValueError(f"unreadable default {ast.unparse(default)} in {text}")
    P = inspect.Parameter
    params = [P(x.arg, P.POSITIONAL_ONLY) for x in a.posonlyargs]
    params += [P(x.arg, P.POSITIONAL_OR_KEYWORD) for x in a.args]
    if a.vararg:
        params.append(P(a.vararg.arg, P.VAR_POSITIONAL))
    params += [P(x.arg, P.KEYWORD_ONLY) for x in a.kwonlyargs]
    if a.kwarg:
        params.append(P(a.kwarg.arg, P.VAR_KEYWORD))
    return inspect.Signature(params)


def signature(fn: Any) -> inspect.Signature:
    """``inspect.signature(fn)``; for a native method with ``NOT_GIVEN`` defaults, which
    CPython cannot evaluate, the same names and kinds read from its text signature."""
    try:
        return inspect.signature(fn)
    except ValueError:
        text = getattr(fn, "__text_signature__", None)
        if not text or "NOT_GIVEN" not in text:
            raise
        return _literal_free_signature(text)


def parameter_names(sig: inspect.Signature, *, bound: bool) -> list[str]:
    params = list(sig.parameters.values())
    if bound and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return [p.name for p in params if p.kind not in SKIPPED_KINDS]


ARG_ENTRY = re.compile(r"^(\*{0,2})(\w+)(?: \([^)]*\))?:")


def documented_args(doc: Optional[str]) -> set[str]:
    """The parameter names of the ``Args:`` section of a Google-style docstring (a
    ``*args``/``**kwargs`` entry is kept with its stars)."""
    if not doc:
        return set()
    names: set[str] = set()
    lines = inspect.cleandoc(doc).splitlines()
    in_args = False
    indent: Optional[int] = None
    for line in lines:
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip())
        if depth == 0:
            in_args = line.strip() == "Args:"
            indent = None
            continue
        if not in_args:
            continue
        if indent is None:
            indent = depth
        if depth == indent:
            m = ARG_ENTRY.match(line.strip())
            if m:
                names.add(m.group(1) + m.group(2))
    return names


def check_arguments(what: str, names: list[str], docs: list[Optional[str]]) -> list[str]:
    """What is wrong with how ``docs`` (the docstrings a reader of ``what`` sees) document
    the parameters ``names``."""
    documented: set[str] = set()
    for doc in docs:
        documented |= documented_args(doc)
    problems = [f"{what}: parameter {n!r} is not in its docstring's Args" for n in names
                if n not in documented]
    problems += [f"{what}: Args names {n!r}, which is no parameter" for n in sorted(documented)
                 if not n.startswith("*") and n not in names]
    return problems


def has_doc(obj: Any) -> bool:
    doc = getattr(obj, "__doc__", None)
    return isinstance(doc, str) and bool(doc.strip())


def constructor_problems(name: str, cls: type) -> list[str]:
    own_doc = vars(cls).get("__doc__")
    if not (isinstance(own_doc, str) and own_doc.strip()):
        return [f"{name}: the class has no docstring"]
    if typing.is_typeddict(cls):
        keys = list(typing.get_type_hints(cls))
        return check_arguments(name, keys, [own_doc])
    try:
        sig = signature(cls)
    except ValueError:
        # A native class without a constructor (results, resources): Python refuses to
        # build one, so there are no parameters to document.
        with pytest.raises(TypeError):
            cls()
        return []
    docs = [own_doc]
    init = inspect.getattr_static(cls, "__init__")
    if inspect.isfunction(init):
        # A Python `__init__` (the exceptions): its own docstring documents it, and help()
        # shows it on subclasses that inherit it.
        if not has_doc(init):
            return [f"{name}.__init__ has no docstring"]
        docs.append(init.__doc__)
    return check_arguments(name, parameter_names(sig, bound=False), docs)


def api_problems() -> list[str]:
    problems: list[str] = []
    seen: set[tuple[type, str]] = set()
    for name, cls in public_classes().items():
        problems += constructor_problems(name, cls)
        for attr, owner, raw in members(cls):
            if (owner, attr) in seen:
                continue
            seen.add((owner, attr))
            what = f"{name}.{attr}"
            if is_property(raw):
                if not has_doc(raw):
                    problems.append(f"{what}: the property has no docstring")
                continue
            bound = not isinstance(raw, staticmethod)
            fn = raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw
            if not callable(fn):
                continue  # a plain class attribute
            if not has_doc(fn):
                problems.append(f"{what}: no docstring")
                continue
            try:
                sig = signature(fn)
            except ValueError as e:
                problems.append(f"{what}: inspect cannot read its signature ({e})")
                continue
            problems += check_arguments(what, parameter_names(sig, bound=bound), [fn.__doc__])
    return problems


def test_every_public_callable_documents_each_parameter() -> None:
    problems = api_problems()
    assert not problems, "\n".join(problems)


def test_the_walk_reaches_the_api_it_is_meant_to_check() -> None:
    # A walk that silently found nothing would pass; these are the names the issue named.
    classes = public_classes()
    assert {"nylas_workspaces.Workspaces", "nylas_workspaces.AsyncClient",
            "nylas_workspaces.BulkAssignError", "nylas_workspaces.testing.Emulator"} <= set(
        classes)
    reached = {f"{n}.{a}" for n, c in classes.items() for a, _, _ in members(c)}
    assert {"nylas_workspaces.Workspaces.create", "nylas_workspaces.Workspaces.manual_assign",
            "nylas_workspaces.AsyncWorkspaces.auto_group", "nylas_workspaces.Workspace.name",
            "nylas_workspaces.BulkAssignError.retry_request",
            "nylas_workspaces.testing.Emulator.add_grant"} <= reached


def test_the_checker_catches_what_it_promises_to() -> None:
    # The parser behind the walk: an undocumented parameter and a stale entry are both found.
    doc = """Does a thing.

    Args:
        name: The name,
            over two lines.
        gone (str): A parameter that no longer exists.
        **kwargs: Passed on.

    Returns:
        value: not a parameter.
    """
    assert documented_args(doc) == {"name", "gone", "**kwargs"}
    assert check_arguments("f", ["name", "other"], [doc]) == [
        "f: parameter 'other' is not in its docstring's Args",
        "f: Args names 'gone', which is no parameter",
    ]


@pytest.mark.parametrize("cls", [nylas_workspaces.Workspaces, nylas_workspaces.AsyncWorkspaces])
def test_update_shows_not_given_as_its_default(cls: type) -> None:
    text = cls.update.__text_signature__
    for field in ("name", "auto_group", "policy_id", "rule_ids"):
        assert f"{field}=NOT_GIVEN" in text, text
    assert "..." not in text
    assert parameter_names(signature(cls.update), bound=True) == [
        "workspace_id", "name", "auto_group", "policy_id", "rule_ids"]


def test_every_public_method_has_a_signature() -> None:
    # inspect.signature works on every public callable, except where a default is the
    # NOT_GIVEN sentinel, which CPython cannot represent for a native method: there the text
    # signature is still well-formed Python (checked by `signature`).
    failures = []
    for name, cls in public_classes().items():
        for attr, _, raw in members(cls):
            if is_property(raw) or not callable(raw):
                continue
            try:
                inspect.signature(raw)
            except ValueError:
                text = getattr(raw, "__text_signature__", None) or ""
                try:
                    _literal_free_signature(text)
                    assert "NOT_GIVEN" in text
                except (ValueError, SyntaxError, AssertionError):
                    failures.append(f"{name}.{attr}: {text!r}")
    assert not failures, "\n".join(failures)


# --- the stubs -----------------------------------------------------------------------------


def stub_docstrings() -> dict[str, Optional[str]]:
    """Every class and class member of ``_native.pyi`` by name (``Client``,
    ``Client.workspaces``), with its docstring or None."""
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    found: dict[str, Optional[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = ast.get_docstring(node)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}.{item.name}"] = ast.get_docstring(item)
    return found


def native_public_names() -> dict[str, Optional[str]]:
    """The runtime's public names that come from the native module, with their docstrings:
    its classes (the constructor documented by the class docstring) and their members."""
    native = nylas_workspaces._native
    classes = {}
    for cls in public_classes().values():
        for k in cls.__mro__:
            if getattr(native, k.__name__, None) is k:
                classes[k.__name__] = k
    found: dict[str, Optional[str]] = {}
    for cname, cls in classes.items():
        found[cname] = cls.__doc__
        for attr, owner, raw in members(cls):
            if owner is cls:
                found[f"{cname}.{attr}"] = raw.__doc__
    return found


def test_the_stubs_carry_the_runtime_docstrings() -> None:
    stub = stub_docstrings()
    runtime = native_public_names()
    assert "Workspaces.create" in runtime and "_EmulatorServer.add_grant" in runtime
    problems = []
    for name, doc in sorted(runtime.items()):
        if name not in stub:
            problems.append(f"{name}: missing from _native.pyi")
        elif not stub[name]:
            problems.append(f"{name}: no docstring in _native.pyi")
        elif doc and inspect.cleandoc(stub[name] or "") != inspect.cleandoc(doc):
            problems.append(f"{name}: the stub's docstring differs from help()'s")
    assert not problems, "\n".join(problems)

