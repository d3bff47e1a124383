"""copy: shallow and deep copies of builtin containers and plain instances."""


class Error(Exception):
    pass


error = Error


_BASES = (list, dict, set, tuple, str, int, float, bytes, frozenset)


def _builtin_base(cls):
    for t in cls.__mro__[1:]:
        if t in _BASES:
            return t
    return None


def _copy_subclass(x, cls, base, deep, memo):
    # What CPython's __reduce_ex__ and copy._reconstruct do for subclasses of builtin
    # types: a new instance, its __dict__, then the items (appended, as there).
    def cp(v):
        return deepcopy(v, memo) if deep else v
    if base in (list, dict):
        y = object.__new__(cls)
        if deep:
            memo[id(x)] = y
        for k, v in x.__dict__.items():
            setattr(y, k, cp(v))
        if base is list:
            for item in x:
                y.append(cp(item))
        else:
            for k, v in x.items():
                y[cp(k)] = cp(v)
        return y
    if base is set:
        y = cls([cp(item) for item in x])
    else:
        if hasattr(x, '__getnewargs__'):
            args = x.__getnewargs__()
        else:
            args = (base(x),)
        y = cls.__new__(cls, *[cp(a) for a in args])
    if deep:
        memo[id(x)] = y
    for k, v in x.__dict__.items():
        setattr(y, k, cp(v))
    return y


def copy(x):
    cls = type(x)
    if cls in (int, float, bool, str, bytes, tuple, frozenset, type(None), range):
        return x
    if isinstance(x, type) or cls.__name__ in ('function', 'builtin_function_or_method'):
        return x
    if cls is list:
        return list(x)
    if cls is dict:
        return dict(x)
    if cls is set:
        return set(x)
    if cls is bytearray:
        return bytearray(x)
    if hasattr(x, '__copy__'):
        return x.__copy__()
    base = _builtin_base(cls)
    if base is not None:
        return _copy_subclass(x, cls, base, False, None)
    if hasattr(x, '__dict__'):
        y = object.__new__(cls)
        for k, v in x.__dict__.items():
            setattr(y, k, v)
        return y
    raise Error("un(shallow)copyable object of type %s" % cls)


def deepcopy(x, memo=None):
    if memo is None:
        memo = {}
    i = id(x)
    if i in memo:
        return memo[i]
    cls = type(x)
    if cls in (int, float, bool, str, bytes, type(None), range, frozenset):
        return x
    # Classes and functions are atomic, as in CPython.
    if isinstance(x, type) or cls.__name__ in ('function', 'builtin_function_or_method'):
        return x
    if cls is list:
        y = []
        memo[i] = y
        for item in x:
            y.append(deepcopy(item, memo))
        return y
    if cls is tuple:
        y = tuple(deepcopy(item, memo) for item in x)
        memo[i] = y
        return y
    if cls is dict:
        y = {}
        memo[i] = y
        for k, v in x.items():
            y[deepcopy(k, memo)] = deepcopy(v, memo)
        return y
    if cls is set:
        y = set(deepcopy(item, memo) for item in x)
        memo[i] = y
        return y
    if cls is bytearray:
        return bytearray(x)
    if hasattr(x, '__deepcopy__'):
        return x.__deepcopy__(memo)
    base = _builtin_base(cls)
    if base is not None:
        return _copy_subclass(x, cls, base, True, memo)
    if hasattr(x, '__dict__'):
        y = object.__new__(cls)
        memo[i] = y
        for k, v in x.__dict__.items():
            setattr(y, k, deepcopy(v, memo))
        return y
    raise Error("un(deep)copyable object of type %s" % cls)
