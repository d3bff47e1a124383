"""json: CPython 3.11's json API, laid out at the line numbers of CPython's json/__init__.py
(its frames show in tracebacks); the decoder and encoder live in _json_decoder/_json_encoder."""

import _json_decoder as decoder
import _json_encoder as encoder
from _json_decoder import JSONDecoder, JSONDecodeError
from _json_encoder import JSONEncoder

__all__ = ['dump', 'dumps', 'load', 'loads', 'JSONDecoder', 'JSONDecodeError', 'JSONEncoder']

_default_encoder = JSONEncoder(skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True,  #@110
                               indent=None, separators=None, default=None)


def dump(obj, fp, *, skipkeys=False, ensure_ascii=True, check_circular=True,  #@120
         allow_nan=True, cls=None, indent=None, separators=None,
         default=None, sort_keys=False, **kw):
    fp.write(dumps(obj, skipkeys=skipkeys, ensure_ascii=ensure_ascii,
                   check_circular=check_circular, allow_nan=allow_nan, cls=cls,
                   indent=indent, separators=separators, default=default,
                   sort_keys=sort_keys, **kw))


def dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True,  #@183
        allow_nan=True, cls=None, indent=None, separators=None,
        default=None, sort_keys=False, **kw):
    if (not skipkeys and ensure_ascii and  #@227
        check_circular and allow_nan and
        cls is None and indent is None and separators is None and
        default is None and not sort_keys and not kw):
        return _default_encoder.encode(obj)
    if cls is None:
        cls = JSONEncoder
    return cls(
        skipkeys=skipkeys, ensure_ascii=ensure_ascii,
        check_circular=check_circular, allow_nan=allow_nan, indent=indent,
        separators=separators, default=default, sort_keys=sort_keys,
        **kw).encode(obj)  #@238


_default_decoder = JSONDecoder(object_hook=None, object_pairs_hook=None)  #@241


def load(fp, *, cls=None, object_hook=None, parse_float=None,  #@274
        parse_int=None, parse_constant=None, object_pairs_hook=None, **kw):
    return loads(fp.read(),  #@293
        cls=cls, object_hook=object_hook,
        parse_float=parse_float, parse_int=parse_int,
        parse_constant=parse_constant, object_pairs_hook=object_pairs_hook, **kw)


def loads(s, *, cls=None, object_hook=None, parse_float=None,  #@299
        parse_int=None, parse_constant=None, object_pairs_hook=None, **kw):
    if isinstance(s, str):  #@333
        if s.startswith('\ufeff'):
            raise JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)",
                                  s, 0)
    else:
        if not isinstance(s, (bytes, bytearray)):
            raise TypeError(f'the JSON object must be str, bytes or bytearray, '  #@339
                            f'not {s.__class__.__name__}')
        s = s.decode('utf-8-sig' if s.startswith(b'\xef\xbb\xbf') else 'utf-8', 'surrogatepass')

    if (cls is None and object_hook is None and
            parse_int is None and parse_float is None and
            parse_constant is None and object_pairs_hook is None and not kw):
        return _default_decoder.decode(s)  #@346
    if cls is None:
        cls = JSONDecoder
    if object_hook is not None:
        kw['object_hook'] = object_hook
    if object_pairs_hook is not None:
        kw['object_pairs_hook'] = object_pairs_hook
    if parse_float is not None:
        kw['parse_float'] = parse_float
    if parse_int is not None:
        kw['parse_int'] = parse_int
    if parse_constant is not None:
        kw['parse_constant'] = parse_constant
    return cls(**kw).decode(s)  #@359
