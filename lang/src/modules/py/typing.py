"""typing: the names annotations use; subscripting returns a printable alias (no checking)."""


class _Alias:
    def __init__(self, name, args=None):
        self._name = name
        self.__args__ = args

    def __getitem__(self, params):
        if not isinstance(params, tuple):
            params = (params,)
        return _Alias(self._name, params)

    def __call__(self, *args, **kwargs):
        raise TypeError(f"Type {self._name} cannot be instantiated")

    def __or__(self, other):
        return _Alias('Union', (self, other))

    def __ror__(self, other):
        return _Alias('Union', (other, self))

    def __repr__(self):
        if self.__args__ is None:
            return 'typing.' + self._name
        def name(a):
            if isinstance(a, _Alias):
                return repr(a)
            if a is None or a is type(None):
                return 'None'
            if isinstance(a, type):
                return a.__name__
            return repr(a)
        return 'typing.%s[%s]' % (self._name, ', '.join(name(a) for a in self.__args__))


Any = _Alias('Any')
Union = _Alias('Union')
Optional = _Alias('Optional')
List = _Alias('List')
Dict = _Alias('Dict')
Set = _Alias('Set')
FrozenSet = _Alias('FrozenSet')
Tuple = _Alias('Tuple')
Callable = _Alias('Callable')
Type = _Alias('Type')
Iterable = _Alias('Iterable')
Iterator = _Alias('Iterator')
Generator = _Alias('Generator')
Sequence = _Alias('Sequence')
Mapping = _Alias('Mapping')
MutableMapping = _Alias('MutableMapping')
Deque = _Alias('Deque')
DefaultDict = _Alias('DefaultDict')
Counter = _Alias('Counter')
ClassVar = _Alias('ClassVar')
Final = _Alias('Final')
Literal = _Alias('Literal')
NoReturn = _Alias('NoReturn')
Annotated = _Alias('Annotated')
ByteString = _Alias('ByteString')
AnyStr = _Alias('AnyStr')
Text = str
TYPE_CHECKING = False


def TypeVar(name, *constraints, bound=None, covariant=False, contravariant=False):
    return _Alias(name)


def NewType(name, tp):
    def new_type(x):
        return x
    new_type.__name__ = name
    return new_type


def cast(typ, val):
    return val


def overload(func):
    return func


def final(f):
    return f


def get_type_hints(obj):
    return dict(getattr(obj, '__annotations__', {}))


class NamedTuple:
    pass


class Protocol:
    pass


class Generic:
    def __class_getitem__(cls, params):
        return cls
