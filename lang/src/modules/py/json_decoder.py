"""json.decoder: JSONDecoder at CPython's line numbers (its frames show in tracebacks)."""

from _json_impl import JSONDecodeError, make_scanner, WHITESPACE, _Stop

__all__ = ['JSONDecoder', 'JSONDecodeError']

_CONSTANTS = {'-Infinity': float('-inf'), 'Infinity': float('inf'), 'NaN': float('nan')}


class JSONDecoder:  #@254
    def __init__(self, *, object_hook=None, parse_float=None, parse_int=None,
                 parse_constant=None, strict=True, object_pairs_hook=None):
        self.object_hook = object_hook
        self.parse_float = parse_float or float
        self.parse_int = parse_int or int
        self.parse_constant = parse_constant or _CONSTANTS.__getitem__
        self.strict = strict
        self.object_pairs_hook = object_pairs_hook
        self.scan_once = make_scanner(self).scan_once

    def decode(self, s, _w=WHITESPACE.match):  #@332
        obj, end = self.raw_decode(s, idx=_w(s, 0).end())  #@337
        end = _w(s, end).end()
        if end != len(s):
            raise JSONDecodeError("Extra data", s, end)  #@340
        return obj

    def raw_decode(self, s, idx=0):  #@343
        try:
            obj, end = self.scan_once(s, idx)  #@353
        except _Stop as err:
            raise JSONDecodeError("Expecting value", s, err.value) from None  #@355
        return obj, end
