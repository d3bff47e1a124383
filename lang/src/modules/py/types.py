"""types: names for builtin types, and SimpleNamespace."""

import sys


def _f():
    pass


FunctionType = type(_f)
LambdaType = type(lambda: None)
CodeType = type(None)
BuiltinFunctionType = type(len)
BuiltinMethodType = type([].append)
ModuleType = type(sys)
NoneType = type(None)
EllipsisType = type(Ellipsis)
NotImplementedType = type(NotImplemented)


def _g():
    yield 1


GeneratorType = type(_g())


class _C:
    def _m(self):
        pass


MethodType = type(_C()._m)
del _f, _g, _C


class SimpleNamespace:
    def __init__(self, mapping_or_iterable=(), **kwargs):
        order = []
        if mapping_or_iterable:
            items = mapping_or_iterable.items() if isinstance(mapping_or_iterable, dict) else mapping_or_iterable
            for k, v in items:
                setattr(self, k, v)
                order.append(k)
        for k in kwargs:
            setattr(self, k, kwargs[k])
            if k not in order:
                order.append(k)
        # socklab's instance dicts are unordered: remember the order attributes came in.
        self._SimpleNamespace__order = order

    def _items(self):
        d = self.__dict__
        order = d.get('_SimpleNamespace__order', [])
        keys = [k for k in order if k in d]
        keys += sorted(k for k in d if k not in order and k != '_SimpleNamespace__order')
        return [(k, d[k]) for k in keys]

    def __repr__(self):
        items = ("{}={!r}".format(k, v) for k, v in self._items())
        name = "namespace" if type(self) is SimpleNamespace else type(self).__name__
        return "{}({})".format(name, ", ".join(items))

    def __eq__(self, other):
        if isinstance(self, SimpleNamespace) and isinstance(other, SimpleNamespace):
            return dict(self._items()) == dict(other._items())
        return NotImplemented
