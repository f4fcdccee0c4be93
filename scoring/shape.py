"""Typed, validated records on pydantic's validator (pydantic-core), without pydantic's model layer.

Why this exists: `dvcq score` must start in ≤ 1.5× the time of importing its libraries (issue 6).
`from pydantic import BaseModel` alone imports ≈ 90 ms of Python (schema generation, JSON schema,
functional validators) that `import pydantic` defers, and building our ~35 models from their type
hints costs another ≈ 100 ms at every start — together more than the whole budget. The validation
itself is pydantic-core's, and that is what we keep: the same core schemas pydantic would generate
for these declarations, the same lax rules, the same `ValidationError` with the same error types
and locations (so `evidence.translate` and every Vietnamese message are unchanged).

What is supported is exactly what the models in `scoring/` declare: fields annotated with `str`,
`int`, `bool`, `Decimal`, `date`, `Any`, `Literal[...]`, `Optional[...]`, `Union[...]`, `list[...]`,
`dict[..., ...]`, other `Model`s and (with `arbitrary_types_allowed`) any class; `Field(...)` with
`default`, `default_factory`, `alias`, `ge/gt/le/lt`, `min_length`, `pattern`; `field_validator`
and `model_validator` in modes before/after; `ConfigDict(extra=..., frozen=...)`. Anything else
raises `TypeError` when the class is first validated, so a new annotation cannot be silently
mis-validated. A model's validator is built on its first use, not at import.
"""
from __future__ import annotations

import sys
import typing
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal, Optional, Union

from pydantic_core import PydanticUndefined, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

__all__ = ["Model", "ConfigDict", "Field", "field_validator", "model_validator", "ValidationError"]


def ConfigDict(**kwargs: Any) -> dict:  # noqa: N802 - the name pydantic users know
    unknown = set(kwargs) - {"extra", "frozen", "arbitrary_types_allowed"}
    if unknown:
        raise TypeError(f"ConfigDict: unsupported {sorted(unknown)}")
    return dict(kwargs)


class FieldInfo:
    __slots__ = ("default", "default_factory", "alias", "constraints")

    def __init__(self, default: Any = PydanticUndefined, *, default_factory=None, alias: Optional[str] = None,
                 **constraints: Any):
        unknown = set(constraints) - {"ge", "gt", "le", "lt", "min_length", "pattern"}
        if unknown:
            raise TypeError(f"Field: unsupported {sorted(unknown)}")
        self.default, self.default_factory, self.alias = default, default_factory, alias
        self.constraints = {k: v for k, v in constraints.items() if v is not None}

    def is_required(self) -> bool:
        return self.default is PydanticUndefined and self.default_factory is None


def Field(default: Any = PydanticUndefined, **kwargs: Any) -> Any:  # noqa: N802
    return FieldInfo(default, **kwargs)


class _Decorator:
    """A validator declared in a class body; collected by `Model.__init_subclass__`."""

    __slots__ = ("fields", "mode", "func")

    def __init__(self, fields: tuple, mode: str, func: Any):
        if mode not in ("before", "after"):
            raise TypeError(f"validator mode {mode!r} is not supported")
        self.fields, self.mode, self.func = fields, mode, func


def field_validator(*fields: str, mode: str = "after"):
    return lambda func: _Decorator(fields, mode, func)


def model_validator(*, mode: str):
    return lambda func: _Decorator(None, mode, func)


_SCALARS = {
    str: cs.str_schema, int: cs.int_schema, bool: cs.bool_schema, Decimal: cs.decimal_schema, date: cs.date_schema,
}
_NONE = type(None)


class Model:
    """The base of every record and rule type: `Model.model_validate(data)` or `Model(**fields)`."""

    __slots__ = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")

    model_config: ClassVar[dict] = {}
    model_fields: ClassVar[dict[str, FieldInfo]] = {}
    _validators: ClassVar[list[_Decorator]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        config: dict = {}
        fields: dict[str, FieldInfo] = {}
        validators: list[_Decorator] = []
        for base in reversed(cls.__mro__[1:]):
            if issubclass(base, Model) and base is not Model:
                config.update(base.model_config)
                fields.update(base.model_fields)
                validators.extend(base._validators)
        config.update(cls.__dict__.get("model_config", {}))
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if name.startswith("_") or "ClassVar" in str(annotation):
                continue
            value = cls.__dict__.get(name, PydanticUndefined)
            fields[name] = value if isinstance(value, FieldInfo) else FieldInfo(value)
        for name, value in list(cls.__dict__.items()):
            if isinstance(value, _Decorator):
                validators.append(value)
                delattr(cls, name)
        cls.model_config, cls.model_fields, cls._validators = config, fields, validators
        cls._core = None

    # -- building the validator on first use -----------------------------------------------
    @classmethod
    def __core_schema__(cls) -> dict:
        if cls.__dict__.get("_core") is None:
            cls._core = _model_schema(cls)
            cls._validator = SchemaValidator(cls._core)
        return cls._core

    @classmethod
    def _get_validator(cls) -> SchemaValidator:
        if cls.__dict__.get("_core") is None:
            cls.__core_schema__()
        return cls._validator

    # -- the part of pydantic's BaseModel interface dvcq uses -------------------------------
    def __init__(self, **data: Any) -> None:
        type(self)._get_validator().validate_python(data, self_instance=self)

    @classmethod
    def model_validate(cls, data: Any):
        return cls._get_validator().validate_python(data)

    @property
    def model_fields_set(self) -> set[str]:
        return self.__pydantic_fields_set__

    @property
    def model_extra(self) -> Optional[dict]:
        return self.__pydantic_extra__

    def model_dump(self, *, by_alias: bool = False, exclude_none: bool = False) -> dict:
        fields = self.model_fields
        return {(fields[k].alias or k) if by_alias and k in fields else k: _dump(v, by_alias, exclude_none)
                for k, v in self.__dict__.items() if not (exclude_none and v is None)}

    def model_copy(self, update: Optional[dict] = None):
        new = object.__new__(type(self))
        object.__setattr__(new, "__dict__", {**self.__dict__, **(update or {})})
        object.__setattr__(new, "__pydantic_fields_set__", set(self.__pydantic_fields_set__) | set(update or {}))
        object.__setattr__(new, "__pydantic_extra__", None if self.__pydantic_extra__ is None else dict(self.__pydantic_extra__))
        object.__setattr__(new, "__pydantic_private__", None)
        return new

    def __setattr__(self, name: str, value: Any) -> None:
        if self.model_config.get("frozen"):
            raise TypeError(f"{type(self).__name__} is frozen: {name} cannot be changed")
        self.__dict__[name] = value

    def __eq__(self, other: Any) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__ and self.__pydantic_extra__ == other.__pydantic_extra__

    def __hash__(self) -> int:
        if not self.model_config.get("frozen"):
            raise TypeError(f"unhashable type: '{type(self).__name__}'")
        return hash((type(self),) + tuple(_hashable(v) for v in self.__dict__.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({shown})"

    def __getstate__(self) -> dict:
        return {"d": self.__dict__, "s": self.__pydantic_fields_set__, "e": self.__pydantic_extra__}

    def __setstate__(self, state: dict) -> None:
        object.__setattr__(self, "__dict__", state["d"])
        object.__setattr__(self, "__pydantic_fields_set__", state["s"])
        object.__setattr__(self, "__pydantic_extra__", state["e"])
        object.__setattr__(self, "__pydantic_private__", None)


def _hashable(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple((k, _hashable(x)) for k, x in v.items())
    return v


def _dump(v: Any, by_alias: bool, exclude_none: bool) -> Any:
    if isinstance(v, Model):
        return v.model_dump(by_alias=by_alias, exclude_none=exclude_none)
    if isinstance(v, list):
        return [_dump(x, by_alias, exclude_none) for x in v]
    if isinstance(v, dict):
        return {k: _dump(x, by_alias, exclude_none) for k, x in v.items()}
    return v


def _model_schema(cls: type[Model]) -> dict:
    module = sys.modules[cls.__module__]
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if issubclass(klass, Model) and klass is not Model:
            # our own source's annotations (text under `from __future__ import annotations`), resolved
            # in the module that wrote them, exactly as typing.get_type_hints does for pydantic
            own = {k: v for k, v in klass.__dict__.get("__annotations__", {}).items() if k in cls.model_fields}
            holder = lambda: None  # noqa: E731 - get_type_hints reads a function's __annotations__
            holder.__annotations__ = own
            hints.update(typing.get_type_hints(holder, globalns=vars(sys.modules[klass.__module__]),
                                               localns={cls.__name__: cls}))
    config = cls.model_config
    arbitrary = bool(config.get("arbitrary_types_allowed"))
    fields = {}
    for name, info in cls.model_fields.items():
        schema = _type_schema(hints[name], info.constraints, arbitrary, where=f"{cls.__qualname__}.{name}")
        for dec in cls._validators:
            if dec.fields and name in dec.fields:
                func = dec.func.__get__(None, cls)
                wrap = cs.no_info_before_validator_function if dec.mode == "before" else cs.no_info_after_validator_function
                schema = wrap(func, schema)
        if not info.is_required():
            if info.default_factory is not None:
                schema = cs.with_default_schema(schema, default_factory=info.default_factory)
            elif isinstance(info.default, (list, dict, set)):
                default = info.default
                schema = cs.with_default_schema(schema, default_factory=lambda d=default: type(d)(d))
            else:
                schema = cs.with_default_schema(schema, default=info.default)
        fields[name] = cs.model_field(schema, validation_alias=info.alias)
    extra = config.get("extra", "ignore")
    inner: dict = cs.model_fields_schema(fields, model_name=cls.__name__, extra_behavior=extra)
    for dec in cls._validators:
        if dec.fields is None and dec.mode == "before":
            inner = cs.no_info_before_validator_function(dec.func.__get__(None, cls), inner)
    schema: dict = cs.model_schema(cls, inner, frozen=bool(config.get("frozen")), extra_behavior=extra,
                                   config=cs.CoreConfig(title=cls.__name__, extra_fields_behavior=extra))
    for dec in cls._validators:
        if dec.fields is None and dec.mode == "after":
            schema = cs.no_info_after_validator_function(dec.func, schema)
    return schema


def _type_schema(tp: Any, constraints: dict, arbitrary: bool, where: str) -> dict:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return cs.any_schema()
    if tp in _SCALARS:
        allowed = {"min_length", "pattern"} if tp is str else {"ge", "gt", "le", "lt"} if tp in (int, Decimal) else set()
        if set(constraints) - allowed:
            raise TypeError(f"{where}: constraints {sorted(set(constraints) - allowed)} do not apply to {tp.__name__}")
        return _SCALARS[tp](**constraints)
    if origin is Union:
        rest = [a for a in args if a is not _NONE]
        inner = (_type_schema(rest[0], constraints, arbitrary, where) if len(rest) == 1
                 else cs.union_schema([_type_schema(a, constraints if a in (int, Decimal, str) else {}, arbitrary, where)
                                       for a in rest]))
        return cs.nullable_schema(inner) if len(rest) < len(args) else inner
    if origin is Literal:
        return cs.literal_schema(list(args))
    if origin is list:
        extra = {k: v for k, v in constraints.items() if k == "min_length"}
        return cs.list_schema(_type_schema(args[0], {}, arbitrary, where) if args else cs.any_schema(), **extra)
    if origin is dict or tp is dict:
        if not args:
            return cs.dict_schema()
        return cs.dict_schema(_type_schema(args[0], {}, arbitrary, where), _type_schema(args[1], {}, arbitrary, where))
    if isinstance(tp, type) and issubclass(tp, Model):
        return tp.__core_schema__()
    if arbitrary and isinstance(tp, type):
        return cs.is_instance_schema(tp)
    raise TypeError(f"{where}: annotation {tp!r} is not supported by scoring.shape")
