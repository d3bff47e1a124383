"""copy: shallow and deep copies of builtin containers and plain instances."""


class Error(Exception):
    pass


error = Error


def copy(x):
    cls = type(x)
    if cls in (int, float, bool, str, bytes, tuple, frozenset, type(None), range):
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
    if hasattr(x, '__dict__'):
        y = object.__new__(cls)
        memo[i] = y
        for k, v in x.__dict__.items():
            setattr(y, k, deepcopy(v, memo))
        return y
    raise Error("un(deep)copyable object of type %s" % cls)
