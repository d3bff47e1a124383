"""json.encoder: JSONEncoder at CPython's line numbers (its frames show in tracebacks)."""

import _json
from _json_impl import make_encoder as c_make_encoder

encode_basestring = _json.encode_basestring
encode_basestring_ascii = _json.encode_basestring_ascii
INFINITY = float('inf')

__all__ = ['JSONEncoder']


class JSONEncoder:  #@74
    item_separator = ', '
    key_separator = ': '

    def __init__(self, *, skipkeys=False, ensure_ascii=True, check_circular=True,
                 allow_nan=True, sort_keys=False, indent=None, separators=None, default=None):
        self.skipkeys = skipkeys
        self.ensure_ascii = ensure_ascii
        self.check_circular = check_circular
        self.allow_nan = allow_nan
        self.sort_keys = sort_keys
        self.indent = indent
        if separators is not None:
            self.item_separator, self.key_separator = separators
        elif indent is not None:
            self.item_separator = ','
        if default is not None:
            self.default = default

    def default(self, o):  #@161
        raise TypeError(f'Object of type {o.__class__.__name__} '  #@180
                        f'is not JSON serializable')

    def encode(self, o):  #@183
        if isinstance(o, str):
            if self.ensure_ascii:
                return encode_basestring_ascii(o)
            else:
                return encode_basestring(o)
        chunks = self.iterencode(o, _one_shot=True)  #@200
        if not isinstance(chunks, (list, tuple)):
            chunks = list(chunks)  #@202
        return ''.join(chunks)

    def iterencode(self, o, _one_shot=False):  #@205
        _iterencode = c_make_encoder(self)
        return _iterencode(o, 0)  #@258
